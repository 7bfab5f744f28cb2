"""Safeguarding material is for the DSL alone, on every surface (issue 16), on SQLite and
PostgreSQL.

One post's thread holds a self-harm disclosure naming a pupil and a grooming comment (both routed
to the DSL) beside ordinary flagged comments; one of those carries the disclosure inside its
platform JSON, as an Instagram comment carries its replies. Signed in as a moderator and as a
headteacher, every page, capture image, filter, export, subject access export, digest and queue
listing is fetched and searched for the DSL comments' words, the pupil's name and the discloser's
name; as the DSL, they are there. The capture image is checked through what it is drawn from
(``capture_png.drawn_text`` of the very content whose drawing is byte-for-byte the image served)
and by OCR.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from moderator.evidence import bundle, capture_png, drawing, snapshot, verify
from moderator.ops import digest
from moderator.privacy import sar
from moderator.review import cases, decisions, flags, visibility
from moderator.store import db
from moderator.store.models import EvidenceSnapshot, Flag, Poster
from tests.cli import run
from tests.factories import MINIMAL_CONFIG
from tests.web_client import (
    School,
    cheap_hashes,  # noqa: F401 - autouse: cheap password hashes
    scanned_school,
)

PUPIL = "Maisie Thornton"
DISCLOSER = "Zed Pupil"
SELF_HARM = f"idk who else to tell but {PUPIL} has started cutting again"
GROOMING = f"{PUPIL} you are so pretty, send me a pic, it is our little secret, dont tell your mum"
#: What a user who is not the DSL must never see, anywhere (compared case-insensitively).
SECRETS = ("cutting", "Thornton", "Maisie", "little secret", "send me a pic", DISCLOSER)
CONFIG = (
    MINIMAL_CONFIG
    + f"""
[[pupils]]
name = "{PUPIL}"

[classifier]
backend = "lexical"
"""
)
USERS = {"mod": "moderator", "head": "headteacher", "dsl": "dsl"}


def thread() -> list[dict[str, Any]]:
    """One post's comments, a minute apart: a1 carries s1 as an Instagram comment carries its
    replies; s1 and g1 are for the DSL."""
    rows = [
        ("n1", "Lovely photos from sports day", "Amy Parent"),
        ("a1", "Mrs Holloway is a useless idiot", "Dave Parent"),
        ("s1", SELF_HARM, DISCLOSER),
        ("g1", GROOMING, "Dave Parent"),
        ("a2", "The head is a useless liar and an idiot", "Yve Parent"),
    ]
    found = [
        {
            "id": key,
            "text": text,
            "author": author,
            "post_id": "p1",
            "created_time": f"2026-10-01T09:0{n}:00+00:00",
        }
        for n, (key, text, author) in enumerate(rows)
    ]
    found[1]["replies"] = {"data": [{"id": "s1", "text": SELF_HARM, "username": DISCLOSER}]}
    return found


def assert_clean(text: str, where: str, allowed: tuple[str, ...] = ()) -> None:
    folded = text.casefold()
    for secret in SECRETS:
        if secret in allowed:
            continue
        assert secret.casefold() not in folded, f"{secret!r} shown to a non-DSL user in {where}"


def assert_shows_dsl(text: str, where: str) -> None:
    assert "cutting" in text and PUPIL in text, f"the DSL does not see the disclosure in {where}"


@pytest.fixture
def school(engine: Engine, tmp_path: Path) -> Iterator[School]:
    built = scanned_school(engine, tmp_path, CONFIG, thread(), USERS)
    ids, config = built.flags, built.config
    with db.session_scope(engine) as session:
        routes = {key: session.get_one(Flag, i).route for key, i in ids.items()}
    assert routes == {"a1": "moderators", "a2": "moderators", "s1": "dsl", "g1": "dsl"}
    for key in ("a1", "a2"):  # the sealed evidence holds the DSL's comments: what may leak
        content = sealed(engine, ids[key], draw=False)[0]
        assert_shows_dsl(json.dumps(content), f"the sealed snapshot of {key}")
    # the DSL adds a note naming the pupil: the audit log holds it
    decisions.decide(
        engine, config, ids["g1"], "dsl", "confirm", note=f"Spoke to {PUPIL}'s mother today"
    )
    yield built
    built.close()


def sealed(
    engine: Engine, flag_id: int, draw: bool = True
) -> tuple[dict[str, Any], str, bytes | None]:
    """The flag's latest snapshot as stored: its content, hash and capture image (drawn from
    the sealed snapshot if no one has yet, as the worker would; None with ``draw=False`` when
    it has not been drawn)."""
    with db.session_scope(engine) as session:
        flag = session.get_one(Flag, flag_id)
        shot = session.scalars(
            select(EvidenceSnapshot)
            .where(EvidenceSnapshot.comment_id == flag.comment_id)
            .order_by(EvidenceSnapshot.id.desc())
        ).first()
        assert shot is not None and snapshot.intact(shot)
        if draw:
            image: bytes | None = drawing.ensure(session, shot, "system", "drawn after the scan")
        else:
            image = drawing.stored(session, shot)
        return json.loads(shot.content), shot.sha256, image


def ocr(png: bytes, folder: Path) -> str:
    path = folder / "ocr.png"
    path.write_bytes(png)
    result = subprocess.run(
        ["tesseract", str(path), "stdout"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return re.sub(r"\s+", " ", result.stdout)


def drawn(png: bytes, content: dict[str, Any], sha256: str) -> str:
    """What ``png`` shows, given that it is the drawing of ``content`` (checked byte for byte)."""
    assert png == capture_png.render(content, sha256), "the image is not drawn from this content"
    return " ".join(capture_png.drawn_text(content, sha256))


# -- the web interface ------------------------------------------------------------------------


def test_no_page_shows_dsl_material_to_staff_who_are_not_the_dsl(school: School) -> None:
    a1, a2, s1, g1 = (school.flags[k] for k in ("a1", "a2", "s1", "g1"))
    for name in ("mod", "head"):
        browser = school.sign_in(name)
        queue = browser.get("/")
        assert f'href="/flags/{a1}"' in queue.text  # the ordinary flags are listed
        assert '<option value="Janet Holloway"' in queue.text  # and the people they name
        for path in (
            "/",
            "/?status=all",
            f"/?status=all&target={PUPIL}",
            "/?status=all&category=safeguarding",
            "/?status=all&category=privacy",
            "/dashboard",
        ):
            page = browser.get(path)
            assert page.status_code == 200, path
            assert_clean(page.text, f"{path} as {name}")
            assert f'href="/flags/{s1}"' not in page.text and f'href="/flags/{g1}"' not in page.text
        for flag_id in (a1, a2):
            page = browser.get(f"/flags/{flag_id}")
            assert page.status_code == 200
            assert_clean(page.text, f"flag {flag_id}'s page as {name}")
            assert page.text.count(visibility.PLACEHOLDER) == 2  # s1 and g1, in their places
            assert "A redacted view" in page.text
            assert "Lovely photos from sports day" in page.text  # the rest of the thread is
        for flag_id in (s1, g1):
            for path in (f"/flags/{flag_id}", f"/flags/{flag_id}/capture.png"):
                refused = browser.get(path)
                assert refused.status_code == 404, path
                assert_clean(refused.text, path)
        assert browser.get("/safeguarding").status_code == 403
    audit = school.sign_in("head").get("/audit")
    assert audit.status_code == 200 and f"flag {g1}" in audit.text
    assert_clean(audit.text, "the audit log as the headteacher")
    assert visibility.WITHHELD_DETAIL in audit.text


def test_the_dsl_sees_everything(school: School) -> None:
    a1, s1 = school.flags["a1"], school.flags["s1"]
    dsl = school.sign_in("dsl")
    assert f'<option value="{PUPIL}"' in dsl.get("/?status=all").text
    page = dsl.get(f"/flags/{a1}")
    assert_shows_dsl(page.text, "flag a1's thread")
    assert visibility.PLACEHOLDER not in page.text and "A redacted view" not in page.text
    assert_shows_dsl(dsl.get(f"/flags/{s1}").text, "the DSL's flag")
    assert "Spoke to" in dsl.get("/audit").text and PUPIL in dsl.get("/audit").text
    content, sha, stored = sealed(school.engine, a1)
    image = dsl.get(f"/flags/{a1}/capture.png").content
    assert image == stored  # the sealed capture itself
    assert_shows_dsl(drawn(image, content, sha), "the sealed capture image")


def test_the_capture_image_is_a_labelled_redacted_drawing(school: School, tmp_path: Path) -> None:
    browser = school.sign_in("mod")
    hidden = {"s1", "g1"}  # named here, not looked up the way the server does
    for key in ("a1", "a2"):
        image = browser.get(f"/flags/{school.flags[key]}/capture.png")
        assert sealed(school.engine, school.flags[key], draw=False)[2] is None  # none stored
        content, sha, stored = sealed(school.engine, school.flags[key])
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content != stored
        view = visibility.without(content, hidden)
        assert view.redacted and visibility.MARK not in content
        text = drawn(image.content, view.content, sha)
        assert_clean(text, f"the capture image of {key}")
        assert "REDACTED VIEW" in text and text.count(visibility.PLACEHOLDER) == 2
        assert "useless" in text
        read = ocr(image.content, tmp_path)
        assert "REDACTED" in read and "useless" in read, read
        assert_clean(read, f"the capture image of {key}, read by OCR")
    content, sha, stored = sealed(school.engine, school.flags["a1"])
    assert "cutting" in ocr(stored, tmp_path)  # the OCR would have seen it


# -- exports ----------------------------------------------------------------------------------


def members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def pdf_text(data: bytes, folder: Path) -> str:
    path = folder / "report.pdf"
    path.write_bytes(data)
    args = ["pdftotext", str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def assert_archive_clean(
    files: dict[str, bytes], folder: Path, where: str, allowed: tuple[str, ...] = ()
) -> None:
    """Every member: text as text, the PDF through pdftotext, capture images through what they
    are drawn from (the snapshot JSON beside them); ``allowed``: secrets this export may name."""
    images = 0
    for name, data in files.items():
        if not name.endswith(".png"):
            text = pdf_text(data, folder) if name.endswith(".pdf") else data.decode("utf-8")
            assert_clean(text, f"{name} of {where}", allowed)
            continue
        beside = name.rsplit("/", 1)[0]
        json_name = next(
            f"{beside}/{n}"
            for n in ("snapshot.json", "snapshot-redacted.json")
            if f"{beside}/{n}" in files
        )
        sealed_sha = json.loads(files[f"{beside}/custody.jsonl"].splitlines()[0])["snapshot"]
        content = json.loads(files[json_name])
        assert_clean(drawn(data, content, sealed_sha), f"{name} of {where}", allowed)
        images += 1
    assert images or not any(n.endswith(".json") and "snapshot" in n for n in files)


def test_an_evidence_bundle_made_by_a_moderator_holds_redacted_views(
    school: School, tmp_path: Path
) -> None:
    a1 = school.flags["a1"]
    mod = school.sign_in("mod")
    response = mod.post(f"/flags/{a1}/export")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    (tmp_path / "mod.zip").write_bytes(response.content)
    assert verify.verify(str(tmp_path / "mod.zip")).manifest_sha256
    files = members(response.content)
    assert_archive_clean(files, tmp_path, "the moderator's bundle")
    assert not any(name.startswith("exhibits/") for name in files)
    view = json.loads(files["redacted/EX-001/snapshot-redacted.json"])
    assert view[visibility.MARK]["placeholder"] == visibility.PLACEHOLDER
    manifest = json.loads(files["manifest.json"])
    content, sha, _ = sealed(school.engine, a1)  # the sealed snapshot is untouched
    assert manifest["exhibits"] == [] and manifest["redacted_views"][0]["snapshot_sha256"] == sha
    assert "REDACTED VIEWS" in files["README.txt"].decode()
    assert "redacted views, not sealed evidence" in pdf_text(files["report.pdf"], tmp_path)

    dsl = school.sign_in("dsl").post(f"/flags/{a1}/export")
    sealed_files = members(dsl.content)
    assert sealed_files["exhibits/EX-001/snapshot.json"].decode() == json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert_shows_dsl(sealed_files["exhibits/EX-001/snapshot.json"].decode(), "the DSL's bundle")
    assert not any(name.startswith("redacted/") for name in sealed_files)


def test_a_case_bundle_made_by_a_moderator_leaves_out_the_dsl_flag(
    school: School, tmp_path: Path
) -> None:
    with db.session_scope(school.engine) as session:
        case = session.scalars(select(Poster.id).where(Poster.display_name == "Dave Parent")).one()
    out = tmp_path / "case.zip"
    done = bundle.export(
        school.engine, school.config, str(case), out, actor="t", username="mod", case=True
    )
    assert done.exhibits == 1 and any(f"flag {school.flags['g1']}" in w for w in done.left_out)
    assert verify.verify(str(out))
    assert_archive_clean(members(out.read_bytes()), tmp_path, "the moderator's case bundle")


def test_a_subject_access_export_by_a_moderator_holds_no_dsl_material(
    school: School, tmp_path: Path
) -> None:
    out = tmp_path / "sar.zip"
    for poster in ("Dave Parent", DISCLOSER):  # the one asked about is named, of course
        with db.session_scope(school.engine) as session:
            sar.export(session, school.config, poster, out, username="mod")
        files = members(out.read_bytes())
        assert_archive_clean(files, tmp_path, f"the SAR for {poster}", allowed=(poster,))
    assert json.loads(files["comments.json"]) == []  # the discloser's one comment is the DSL's
    with db.session_scope(school.engine) as session:
        sar.export(session, school.config, "Dave Parent", out, username="dsl")
    comments = members(out.read_bytes())["comments.json"].decode()
    assert "little secret" in comments  # the DSL may export the poster's own DSL comment


# -- read models, the digest and the command line ---------------------------------------------


def test_the_queue_and_case_read_models_hide_dsl_material(school: School) -> None:
    with db.session_scope(school.engine) as session:
        staff = [i.to_json() for i in flags.queue(session, hide_dsl=True)]
        everyone = [i.to_json() for i in flags.queue(session)]
        shown = flags.show(session, school.flags["a1"], viewer=visibility.STAFF)
        assert shown is not None
        item = shown.to_json()
        poster = session.get_one(Flag, school.flags["a1"]).poster
        assert poster is not None
        case = cases.view(session, school.config, poster, visibility.STAFF).to_json()
        full_case = cases.view(session, school.config, poster, visibility.EVERYTHING).to_json()
        assert flags.show(session, school.flags["s1"], viewer=visibility.STAFF) is None
    assert_clean(json.dumps(staff), "queue list --as a moderator")
    assert_clean(json.dumps(item), "queue show as a moderator")
    assert_clean(json.dumps(case), "the case as a moderator")
    assert {f["id"] for f in case["flags"]} == {school.flags["a1"]}
    assert_shows_dsl(json.dumps(everyone), "the whole queue")
    assert "little secret" in json.dumps(full_case)


def test_the_digest_never_carries_dsl_material(school: School) -> None:
    now = dt.datetime.now(dt.UTC)
    with db.session_scope(school.engine) as session:
        built = digest.build(session, school.config, now - dt.timedelta(days=1), now)
    assert built.safeguarding == 2 and built.new_flags == 4
    message = digest.render(built)
    for part in message.walk():
        if part.get_content_maintype() == "text":
            assert_clean(part.get_content(), f"the digest's {part.get_content_type()} part")
    assert_clean(str(message["Subject"]), "the digest's subject")
    assert "a safeguarding concern for the DSL" in digest.plain_text(built)


def test_queue_list_as_a_moderator_on_the_command_line(
    school: School, tmp_path: Path, database_url: str
) -> None:
    env = {"MODERATOR_DATABASE_URL": database_url}
    for args in (("--json",), ()):
        listed = run("queue", "list", "--as", "mod", *args, cwd=tmp_path, env=env)
        assert listed.returncode == 0, listed.stderr
        assert "useless" in listed.stdout
        assert_clean(listed.stdout + listed.stderr, f"queue list --as mod {' '.join(args)}")
    dsl = run("queue", "list", "--as", "dsl", "--json", cwd=tmp_path, env=env)
    assert_shows_dsl(dsl.stdout, "queue list --as dsl")
