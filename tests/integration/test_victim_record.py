"""A victim's record (``moderator evidence victim``, the staff records page) on SQLite and
PostgreSQL, built from the demo school after real decisions: Bronwen Pryce is named by comments
the moderators handle and by a plea for help routed to the DSL, which only the DSL's record holds;
every snapshot fingerprinted gets an ``exported`` custody entry and the export is recorded."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from moderator.cli.main import main
from moderator.evidence import verify, victim_record
from moderator.evidence.dossier import EvidenceError
from moderator.review import visibility
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import (
    Comment,
    CustodyEvent,
    EvidenceExport,
    EvidenceSnapshot,
    Flag,
    FlagTarget,
)
from tests.reports_support import demo, pdf_text, signed_in, squeezed
from tests.web_client import cheap_hashes

__all__ = ["cheap_hashes", "demo"]

PERSON = "Bronwen Pryce"


def flags_naming(engine: Engine, name: str) -> dict[int, tuple[str, str]]:
    """Every flag naming ``name`` but complaints: id -> (route, comment text)."""
    with db.session_scope(engine) as session:
        rows = session.execute(
            select(Flag.id, Flag.route, Comment.text)
            .join(FlagTarget, FlagTarget.flag_id == Flag.id)
            .join(Comment, Comment.id == Flag.comment_id)
            .where(FlagTarget.name == name)
        ).all()
    return {fid: (route or "", text) for fid, route, text in rows if route != "complaints"}


def exported_by(engine: Engine, record_id: str) -> dict[int, str]:
    """Snapshot id -> actor of the ``exported`` custody entries naming the record."""
    with db.session_scope(engine) as session:
        events = session.scalars(
            select(CustodyEvent).where(CustodyEvent.action == "exported")
        ).all()
        return {e.snapshot_id: e.actor for e in events if e.detail.get("bundle") == record_id}


def snapshots_of(engine: Engine, flag_ids: set[int]) -> set[int]:
    with db.session_scope(engine) as session:
        return set(
            session.scalars(
                select(EvidenceSnapshot.id)
                .join(Flag, Flag.comment_id == EvidenceSnapshot.comment_id)
                .where(Flag.id.in_(flag_ids))
            )
        )


def test_the_record_leaves_dsl_flags_out_for_the_head_and_logs_custody(
    demo: Engine, sample_config: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    named = flags_naming(demo, PERSON)
    dsl = {fid for fid, (route, _) in named.items() if route == "dsl"}
    others = set(named) - dsl
    assert dsl and others, named  # the demo names her in both kinds of flag

    out = tmp_path / "pryce.zip"
    made = victim_record.make(demo, sample_config, "Mrs Pryce", out, actor="x", username="head")
    assert made.person == PERSON and made.incidents == len(others)
    result = verify.verify(str(out))  # sealed: the checker inside it says intact
    assert result.manifest_sha256 == made.fingerprint

    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        record = json.loads(archive.read("record.json"))
        everything = b"".join(archive.read(n) for n in names).decode("utf-8", "replace")
        pdf = archive.read("record.pdf")
    assert {i["flag_id"] for i in record["incidents"]} == others
    assert record["notes"] == [victim_record.COMPLAINTS, victim_record.LEFT_OUT]
    for fid in dsl:  # no trace of the DSL's flags: not their text, not their snapshots
        assert named[fid][1] not in everything
        assert f'"flag_id": {fid},' not in everything
    extracted = squeezed(pdf_text(pdf))
    for fid in others:
        assert squeezed(named[fid][1]) in extracted  # the comment as it was written
    fingerprints = {f["sha256"] for i in record["incidents"] for f in i["fingerprints"]}
    with db.session_scope(demo) as session:
        shas = set(
            session.scalars(
                select(EvidenceSnapshot.sha256).where(
                    EvidenceSnapshot.id.in_(snapshots_of(demo, others))
                )
            )
        )
    assert fingerprints == shas and fingerprints
    assert any(n.startswith("custody/") and n.endswith(".jsonl") for n in names)

    # custody: an "exported" entry on every snapshot fingerprinted, none on the DSL's
    logged = exported_by(demo, made.record_id)
    assert set(logged) == snapshots_of(demo, others)
    assert set(logged.values()) == {"head (Head, headteacher)"}
    assert not snapshots_of(demo, dsl) & set(logged)
    with db.session_scope(demo) as session:
        row = session.scalars(
            select(EvidenceExport).where(EvidenceExport.bundle_id == made.record_id)
        ).one()
        assert row.subject == f"staff record: {PERSON}"
        assert sorted(row.flag_ids) == sorted(others)
        assert row.manifest_sha256 == made.fingerprint

    # the DSL's record holds the plea for help as well
    for_dsl = victim_record.make(
        demo, sample_config, PERSON, tmp_path / "dsl.pdf", actor="x", username="dsl"
    )
    assert for_dsl.incidents == len(named)
    assert squeezed(named[min(dsl)][1]) in squeezed(pdf_text((tmp_path / "dsl.pdf").read_bytes()))
    assert snapshots_of(demo, dsl) <= set(exported_by(demo, for_dsl.record_id))


def test_complaints_naming_staff_are_not_in_their_record(
    demo: Engine, sample_config: config_mod.SchoolConfig
) -> None:
    head = victim_record.staff_member(sample_config, "Mrs Mistry")
    with db.session_scope(demo) as session:
        complaints = set(
            session.scalars(
                select(Flag.id)
                .join(FlagTarget, FlagTarget.flag_id == Flag.id)
                .where(FlagTarget.name == head.name, Flag.route == "complaints")
            )
        )
        record = victim_record.gather(session, sample_config, head, visibility.EVERYTHING)
        counted = victim_record.counts(session, sample_config, visibility.EVERYTHING)
    assert complaints  # the demo's complaints name the headteacher
    assert record.incidents and not complaints & set(record.flag_ids)
    assert counted[head.name] == len(record.incidents)


def test_who_may_make_a_record_and_of_whom(
    demo: Engine, sample_config: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(EvidenceError, match="may not make a staff member's record"):
        victim_record.make(
            demo, sample_config, PERSON, tmp_path / "out" / "r.zip", actor="x", username="mod"
        )
    with pytest.raises(EvidenceError, match="not a member of staff"):
        victim_record.make(
            demo,
            sample_config,
            "Tyler Whitfield",
            tmp_path / "out" / "r.zip",
            actor="x",
            username="head",
        )
    with pytest.raises(EvidenceError, match=r"\.zip"):
        victim_record.make(demo, sample_config, PERSON, tmp_path / "out" / "r.txt", actor="x")
    assert not list((tmp_path / "out").iterdir())
    with db.session_scope(demo) as session:
        assert session.scalars(select(EvidenceExport)).first() is None


def test_the_command(
    demo: Engine,
    sample_config: config_mod.SchoolConfig,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MODERATOR_DATABASE_URL", database_url)
    monkeypatch.setattr(db, "connect", lambda url: demo)  # disposed by the fixture
    out = tmp_path / "record.zip"
    config = str(config_mod.SAMPLE_CONFIG)
    run = CliRunner().invoke(
        main,
        [
            "--config",
            config,
            "evidence",
            "victim",
            PERSON,
            "--as",
            "head",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert run.exit_code == 0, run.output
    answer = json.loads(run.output)
    assert answer["person"] == PERSON and answer["comments"] >= 1
    assert verify.verify(str(out)).manifest_sha256 == answer["fingerprint"]
    refused = CliRunner().invoke(
        main, ["--config", config, "evidence", "victim", PERSON, "--as", "mod", "--out", str(out)]
    )
    assert refused.exit_code != 0 and "may not make" in refused.output


def test_the_staff_records_page(demo: Engine, sample_config: config_mod.SchoolConfig) -> None:
    named = flags_naming(demo, PERSON)
    dsl = {fid for fid, (route, _) in named.items() if route == "dsl"}
    head = signed_in(demo, sample_config, "head")
    page = head.get("/staff-records?name=Bronwen%20Pryce")
    assert page.status_code == 200
    for fid in named:
        assert (f'href="/flags/{fid}"' in page.text) is (fid not in dsl)
    row = re.search(r"Bronwen Pryce</bdi></a></th><td>SENCo</td><td>(\d+)</td>", page.text)
    assert row and int(row.group(1)) == len(named) - len(dsl), row
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    download = head.post(
        "/staff-records/download", data={"csrf_token": csrf, "name": PERSON, "format": "zip"}
    )
    assert download.status_code == 200, download.text
    assert 'filename="staff-record-bronwen-pryce.zip"' in download.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        record = json.loads(archive.read("record.json"))
    assert {i["flag_id"] for i in record["incidents"]} == set(named) - dsl
    assert record["prepared_by"].startswith("head ")
    assert head.get("/staff-records?name=nobody").status_code == 404

    mod = signed_in(demo, sample_config, "mod")
    assert mod.get("/staff-records").status_code == 403
    token = mod.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]
    refused = mod.post(
        "/staff-records/download", data={"csrf_token": token, "name": PERSON, "format": "pdf"}
    )
    assert refused.status_code == 403 and "%PDF" not in refused.text
    assert 'href="/staff-records"' not in mod.get("/").text
