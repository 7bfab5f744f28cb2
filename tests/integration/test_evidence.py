"""Evidence end to end on SQLite and PostgreSQL: capture from the Graph-compatible server before
the hide, attachments from a loopback "CDN", the indecent-image rule, bundles, and their check."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from moderator.evidence import bundle, custody, drawing, media, verify
from moderator.evidence.dossier import EvidenceError
from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import (
    CustodyEvent,
    EvidenceArtefact,
    EvidenceExport,
    EvidenceSnapshot,
    Flag,
)
from tests import platform_data as data
from tests.factories import load_school
from tests.graph_server import GraphServer

PHOTO = b"\x89PNG\r\n\x1a\n" + b"made-up photo bytes " * 50
THREAT = "I will smash your face in Mr Patel, watch your back"
SEXUAL = "look at this sexy pic of the year 9 girls, nudes"


class CDN:
    """A loopback image host that records every path asked for."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        cdn = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                cdn.requests.append(self.path)
                if self.path.startswith("/redirect"):
                    port = cdn.server.server_address[1]
                    self.send_response(302)
                    self.send_header("Location", f"http://localhost:{port}/photo-elsewhere.png")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = PHOTO if self.path.startswith("/photo") else b"not found"
                self.send_response(200 if self.path.startswith("/photo") else 404)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cdn() -> Iterator[CDN]:
    server = CDN()
    yield server
    server.close()


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphServer]:
    with data.serving(monkeypatch) as server:
        yield server


@pytest.fixture
def school(graph: GraphServer, tmp_path: Path) -> config_mod.SchoolConfig:
    body = data.config_text(graph.url) + '\n[[pupils]]\nname = "Amelia Jones"\n'
    return load_school(tmp_path, body + '\n[evidence]\nmedia_hosts = ["127.0.0.1"]\n')


def photo(cdn: CDN, name: str) -> dict[str, object]:
    return {
        "type": "photo",
        "url": f"https://www.facebook.com/photo/?fbid={name}",
        "target": {"id": name, "url": f"https://www.facebook.com/photo/?fbid={name}"},
        "media": {"image": {"src": f"{cdn.url}/photo-{name}.png", "width": 720, "height": 720}},
    }


def thread(graph: GraphServer, cdn: CDN, flagged: str, attached: bool = True) -> str:
    """A post with two ordinary comments around ``flagged``; returns the flagged comment's id."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    post = graph.add_post(data.PAGE, "Sports day photos are up!", now)
    graph.add_fb_comment(post, "Lovely photos, well done everyone", now + dt.timedelta(minutes=1))
    found = graph.add_fb_comment(
        post,
        flagged,
        now + dt.timedelta(minutes=2),
        author=("5550001", "Pat Poster"),
        attachment=photo(cdn, "111") if attached else None,
    )
    graph.add_fb_comment(post, "What time does the fair start?", now + dt.timedelta(minutes=3))
    return found


def scan(engine: Engine, school: config_mod.SchoolConfig) -> scanning.ScanResult:
    return scanning.scan(engine, school, classifier_for(school), full=True)


def flag_for(engine: Engine, platform_id: str) -> Flag:
    with db.session_scope(engine) as session:
        for flag in session.scalars(select(Flag)):
            if flag.comment.platform_comment_id == platform_id:
                assert flag.classification is not None  # loaded for use after the session
                return flag
    raise AssertionError(f"no flag for {platform_id}")


def export(
    engine: Engine, school: config_mod.SchoolConfig, ref: int | str, out: Path, **kw: object
) -> bundle.Exported:
    return bundle.export(engine, school, str(ref), out, actor="tester (test)", **kw)  # type: ignore[arg-type]


def rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """A copy of the zip with members replaced (bytes) or removed (None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            body = change.get(info.filename, old.read(info))
            if body is not None:
                new.writestr(info, body)


def test_threat_bundle_holds_manifest_raw_json_png_pdf_media_and_verifies(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    comment = thread(graph, cdn, THREAT)
    scan(engine, school)
    flag = flag_for(engine, comment)
    assert "threat" in flag.categories
    done = export(engine, school, flag.id, tmp_path / "threat.zip")
    with zipfile.ZipFile(done.path) as archive:
        names = set(archive.namelist())
        snapshot = json.loads(archive.read("exhibits/EX-001/snapshot.json"))
        stored = archive.read("exhibits/EX-001/media-1.png")
        capture = archive.read("exhibits/EX-001/capture.png")
        manifest = json.loads(archive.read("manifest.json"))
        chain = archive.read("exhibits/EX-001/custody.jsonl").decode().splitlines()
    assert {
        "manifest.json",
        "SHA256SUMS",
        "README.txt",
        "report.pdf",
        "verify_bundle.py",
        "audit.jsonl",
        "exhibits/EX-001/snapshot.json",
        "exhibits/EX-001/raw.json",
        "exhibits/EX-001/capture.png",
        "exhibits/EX-001/custody.jsonl",
    } <= names
    assert stored == PHOTO and cdn.requests == ["/photo-111.png"]
    assert snapshot["comment"]["text"] == THREAT
    assert snapshot["raw"]["id"] == comment
    assert [c["text"] for c in snapshot["thread"]["before"]] == [
        "Lovely photos, well done everyone"
    ]
    assert [c["text"] for c in snapshot["thread"]["after"]] == ["What time does the fair start?"]
    assert snapshot["post"]["message"] == "Sports day photos are up!"
    assert snapshot["classification"]["version"] and snapshot["captured_at"]
    assert snapshot["media"][0]["status"] == "stored"
    assert snapshot["media"][0]["sha256"] == media.digest(PHOTO)
    assert manifest["exhibits"][0]["flag_id"] == flag.id
    # the scan left the capture image for later; the export drew it and says so in the chain
    actions = [json.loads(line)["action"] for line in chain]
    assert actions == ["captured", "artefact_added", "exported"]
    times = [json.loads(line)["at"] for line in chain]
    assert times == sorted(times) and times[1] == times[2]  # drawn as part of the export
    drawn = json.loads(chain[1])["detail"]
    assert drawn["why"] == "drawn for an export"
    assert drawn["artefacts"]["capture.png"] == hashlib.sha256(capture).hexdigest()
    result = verify.verify(str(done.path))
    assert result.manifest_sha256 == done.manifest_sha256
    with db.session_scope(engine) as session:
        record = session.scalars(select(EvidenceExport)).one()
        assert record.manifest_sha256 == done.manifest_sha256 and record.flag_ids == [flag.id]


def test_changing_one_byte_or_removing_any_member_is_caught_and_named(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    thread(graph, cdn, THREAT)
    scan(engine, school)
    done = export(
        engine, school, flag_for(engine, graph_comment(graph, THREAT)).id, tmp_path / "b.zip"
    )
    with zipfile.ZipFile(done.path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, body in members.items():
        for where in (0, len(body) // 2, len(body) - 1):
            changed = bytearray(body)
            changed[where] ^= 0x01
            broken = tmp_path / "changed.zip"
            rewrite(done.path, broken, {name: bytes(changed)})
            with pytest.raises(verify.Broken) as caught:
                verify.verify(str(broken))
            assert caught.value.member == name, (name, where, str(caught.value))
        removed = tmp_path / "removed.zip"
        rewrite(done.path, removed, {name: None})
        with pytest.raises(verify.Broken) as caught:
            verify.verify(str(removed))
        assert caught.value.member == name, (name, str(caught.value))


def graph_comment(graph: GraphServer, message: str) -> str:
    for key, node in graph._objects.items():  # the test server's own state
        if getattr(node, "message", None) == message:
            return key
    raise AssertionError(message)


def test_a_rewritten_custody_log_with_fresh_hashes_still_fails_its_chain(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    """Someone who deletes an entry and recomputes the manifest is caught by the chain."""
    comment = thread(graph, cdn, THREAT)
    scan(engine, school)
    flag = flag_for(engine, comment)
    with db.session_scope(engine) as session:
        shot = session.scalars(select(EvidenceSnapshot)).one()
        custody.append(session, shot, "someone", "viewed", {"via": "test"})
    done = export(engine, school, flag.id, tmp_path / "c.zip")
    with zipfile.ZipFile(done.path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    lines = members["exhibits/EX-001/custody.jsonl"].decode().splitlines()
    members["exhibits/EX-001/custody.jsonl"] = ("\n".join([lines[0], lines[2]]) + "\n").encode()
    manifest = json.loads(members["manifest.json"])
    for member in manifest["members"]:
        member["sha256"] = verify.sha256(members[member["path"]])
        member["size"] = len(members[member["path"]])
    members["SHA256SUMS"] = "".join(
        f"{m['sha256']}  {m['path']}\n" for m in manifest["members"] if m["path"] != "SHA256SUMS"
    ).encode()
    for member in manifest["members"]:
        if member["path"] == "SHA256SUMS":
            member["sha256"], member["size"] = (
                verify.sha256(members["SHA256SUMS"]),
                len(members["SHA256SUMS"]),
            )
    manifest["seal"] = verify.seal(manifest)
    members["manifest.json"] = verify.canonical(manifest)
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    with pytest.raises(verify.Broken, match="entry 2 is out of sequence") as caught:
        verify.verify(str(forged))
    assert caught.value.member == "exhibits/EX-001/custody.jsonl"
    assert verify.sha256(members["manifest.json"]) != done.manifest_sha256  # the fingerprint moved


def test_hiding_and_deleting_afterwards_leave_the_snapshot_as_captured(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    comment = thread(graph, cdn, THREAT)
    scan(engine, school)
    assert graph.comment_state(comment)["is_hidden"] is True  # the policy hid it
    with db.session_scope(engine) as session:
        before = [(s.id, s.content, s.sha256) for s in session.scalars(select(EvidenceSnapshot))]
    graph.delete_comment(comment)
    scan(engine, school)
    with db.session_scope(engine) as session:
        after = [(s.id, s.content, s.sha256) for s in session.scalars(select(EvidenceSnapshot))]
    assert after == before
    snapshot = json.loads(before[0][1])
    assert snapshot["raw"].get("is_hidden") in (False, None)  # captured before the hide
    done = export(engine, school, flag_for(engine, comment).id, tmp_path / "d.zip")
    with zipfile.ZipFile(done.path) as archive:
        assert archive.read("exhibits/EX-001/snapshot.json").decode() == before[0][1]
    verify.verify(str(done.path))


def test_the_database_refuses_to_change_or_delete_evidence(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig
) -> None:
    thread(graph, cdn, THREAT)
    scan(engine, school)
    assert drawing.draw_pending(engine) == 1  # the capture image, drawn later, is guarded too
    statements = [
        "UPDATE evidence_snapshot SET content = 'x'",
        "DELETE FROM evidence_snapshot",
        "UPDATE evidence_artefact SET data = data",
        "DELETE FROM evidence_artefact",
        "UPDATE custody_event SET actor = 'someone else'",
        "DELETE FROM custody_event",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with db.session_scope(engine) as session:
        assert session.scalars(select(CustodyEvent)).all()


def test_no_media_is_fetched_or_stored_for_a_sexual_comment_about_children(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    comment = thread(graph, cdn, SEXUAL)
    scan(engine, school)
    assert cdn.requests == []  # nothing was downloaded, not even to look
    flag = flag_for(engine, comment)
    assert flag.route == "dsl" and flag.classification.step is not None
    assert flag.classification.step.value == "police"
    assert media.POLICE in flag.classification.reasons
    with db.session_scope(engine) as session:
        names = [a.name for a in session.scalars(select(EvidenceArtefact))]
        content = json.loads(session.scalars(select(EvidenceSnapshot)).one().content)
    assert names == []  # nothing downloaded; the capture image is drawn when first needed
    assert content["indecent_image_risk"] is True
    entry = content["media"][0]
    assert entry["status"] == "withheld" and entry["url"] is None and entry["file"] is None
    assert entry["id"] == "111"
    assert content["comment"]["permalink"]
    with db.session_scope(engine) as session:
        stored = session.scalars(select(EvidenceSnapshot)).one().content
    assert "photo-111" not in stored  # not even the file's address is kept
    done = export(engine, school, flag.id, tmp_path / "dsl.zip")
    with zipfile.ZipFile(done.path) as archive:
        assert not [n for n in archive.namelist() if "/media-" in n]
    assert cdn.requests == []


def test_a_sexual_comment_without_children_still_downloads_nothing(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig
) -> None:
    comment = thread(graph, cdn, "sexy nudes pic")
    scan(engine, school)
    flag = flag_for(engine, comment)
    assert "sexual" in flag.categories and flag.route != "dsl"
    assert cdn.requests == []


def test_a_failed_download_is_recorded_and_the_scan_goes_on(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig
) -> None:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    post = graph.add_post(data.PAGE, "News", now)
    broken = photo(cdn, "222")
    broken["media"] = {"image": {"src": f"{cdn.url}/missing.png"}}
    comment = graph.add_fb_comment(post, THREAT, now, attachment=broken)
    result = scan(engine, school)
    assert result.flagged == 1 and not result.errors
    flag = flag_for(engine, comment)
    with db.session_scope(engine) as session:
        content = json.loads(session.scalars(select(EvidenceSnapshot)).one().content)
    assert content["media"][0]["status"] == "failed" and "404" in content["media"][0]["reason"]
    assert flag.id


def test_a_case_bundle_holds_every_flag_and_marks_the_dismissed(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    from moderator.review import decisions, users

    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    post = graph.add_post(data.PAGE, "News", now)
    author = ("5550001", "Pat Poster")
    first = graph.add_fb_comment(post, THREAT, now, author=author)
    second = graph.add_fb_comment(
        post,
        "Mrs Holloway is a useless fucking idiot",
        now + dt.timedelta(minutes=5),
        author=author,
    )
    scan(engine, school)
    with db.session_scope(engine) as session:
        users.add(session, "head", "Janet Holloway", "headteacher", "a long password")
    decisions.decide(engine, school, flag_for(engine, second).id, "head", "dismiss", note="banter")
    poster = flag_for(engine, first).poster_id
    done = export(engine, school, poster, tmp_path / "case.zip", case=True)
    assert done.exhibits == 2 and done.subject == f"case {poster}"
    with zipfile.ZipFile(done.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        audit = archive.read("audit.jsonl").decode()
    assert [e["flag_id"] for e in manifest["exhibits"]] == [
        flag_for(engine, first).id,
        flag_for(engine, second).id,
    ]
    assert "dismiss" in audit and "banter" in audit
    verify.verify(str(done.path))


def test_a_moderator_cannot_export_a_dsl_flag(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    from moderator.review import users

    comment = thread(graph, cdn, SEXUAL)
    scan(engine, school)
    with db.session_scope(engine) as session:
        users.add(session, "mod", "Mo Derator", "moderator", "a long password")
        users.add(session, "dsl", "Dee Esel", "dsl", "a long password")
    flag = flag_for(engine, comment)
    with pytest.raises(EvidenceError, match="safeguarding"):
        export(engine, school, flag.id, tmp_path / "no.zip", username="mod")
    assert not (tmp_path / "no.zip").exists()
    done = export(engine, school, flag.id, tmp_path / "yes.zip", username="dsl")
    verify.verify(str(done.path))
    with db.session_scope(engine) as session:
        actors = [
            e.actor
            for e in session.scalars(select(CustodyEvent).where(CustodyEvent.action == "exported"))
        ]
    assert actors == ["dsl (Dee Esel, dsl)"]


@pytest.mark.parametrize("where", ["elsewhere", "redirect"])
def test_attachments_come_only_from_the_configured_media_hosts(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, where: str
) -> None:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    post = graph.add_post(data.PAGE, "News", now)
    attachment = photo(cdn, "333")
    port = cdn.server.server_address[1]
    src = (
        f"http://localhost:{port}/photo-333.png" if where == "elsewhere" else f"{cdn.url}/redirect"
    )
    attachment["media"] = {"image": {"src": src}}
    graph.add_fb_comment(post, THREAT, now, attachment=attachment)
    scan(engine, school)
    with db.session_scope(engine) as session:
        content = json.loads(session.scalars(select(EvidenceSnapshot)).one().content)
        names = [a.name for a in session.scalars(select(EvidenceArtefact))]
    assert content["media"][0]["status"] == "failed"
    assert "media_hosts" in content["media"][0]["reason"]
    assert names == []  # nothing downloaded; the capture image is drawn when first needed
    assert cdn.requests == ([] if where == "elsewhere" else ["/redirect"])


def test_a_moderators_case_bundle_leaves_out_the_dsl_flags_and_says_so(
    engine: Engine, graph: GraphServer, cdn: CDN, school: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    from moderator.review import users

    comment = thread(graph, cdn, SEXUAL)  # by Pat Poster, routed to the DSL
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    post = graph.add_post(data.PAGE, "News", now)
    threat = graph.add_fb_comment(post, THREAT, now, author=("5550001", "Pat Poster"))
    scan(engine, school)
    with db.session_scope(engine) as session:
        users.add(session, "mod", "Mo Derator", "moderator", "a long password")
    dsl_flag, poster = flag_for(engine, comment), flag_for(engine, threat).poster_id
    assert dsl_flag.poster_id == poster
    done = export(engine, school, poster, tmp_path / "case.zip", case=True, username="mod")
    assert done.exhibits == 1
    assert done.left_out == (f"flag {dsl_flag.id}: a safeguarding matter for the DSL",)
    with zipfile.ZipFile(done.path) as archive:
        ids = [e["flag_id"] for e in json.loads(archive.read("manifest.json"))["exhibits"]]
    assert ids == [flag_for(engine, threat).id]
