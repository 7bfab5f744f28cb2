"""Subject access exports on SQLite and PostgreSQL: everything held about one poster (linked
accounts included), nothing of anyone else's, DSL flags only for those who may see them, and
the export recorded in the audit log and the custody logs without any text."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from moderator.evidence import bundle, verify
from moderator.privacy import sar
from moderator.review import cases, decisions
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import AuditEvent, CustodyEvent
from tests.brookside import add_users, brookside, comment, scan
from workqueue.ladder import Step

DAVE = [
    "Mrs Holloway is a useless idiot",
    "Thanks for the update about the trip",
    "Someone needs to check on Oliver Bennett, his dad hits him and he comes in with bruises",
]
OLIVE = ["Great sports day, lovely photos of the relay", "Mr Evans is a moron and a disgrace"]
SECOND_ACCOUNT = "Thanks again, see you at parents evening"


@pytest.fixture
def held(engine: Engine, tmp_path: Path) -> tuple[Engine, config_mod.SchoolConfig, dict[str, Any]]:
    rows = [
        comment(1, DAVE[0], "Dave Parent", day=1),
        comment(2, OLIVE[0], "Olive Other", day=1),
        comment(3, DAVE[1], "Dave Parent", day=2),
        comment(4, DAVE[2], "Dave Parent", day=3),
        comment(5, OLIVE[1], "Olive Other", day=4),
        comment(6, SECOND_ACCOUNT, "D Parent", day=5),
    ]
    config = brookside(tmp_path, rows)
    add_users(engine)
    items = scan(engine, config)
    assert items["c4"]["route"] == "dsl" and set(items) == {"c1", "c4", "c5"}
    with db.session_scope(engine) as session:
        cases.link(session, config, "Dave Parent", "D Parent", "head", "the same parent")
    decisions.decide(engine, config, items["c1"]["id"], "head", "escalate", step=Step.MEETING)
    return engine, config, {k: v["id"] for k, v in items.items()}


def export(engine: Engine, config: config_mod.SchoolConfig, ref: str, out: Path, **kw: Any) -> Any:
    with db.session_scope(engine) as session:
        return sar.export(session, config, ref, out, actor="tester (test)", **kw)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_holds_the_posters_data_and_nobody_elses(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]], tmp_path: Path
) -> None:
    engine, config, flag = held
    done = export(engine, config, "Dave Parent", tmp_path / "dave.zip", username="mod")
    files = members(done.path)
    comments = json.loads(files["comments.json"])
    assert [c["text"] for c in comments] == [DAVE[0], DAVE[1], SECOND_ACCOUNT]
    assert comments[0]["raw"]["id"] == "c1" and comments[0]["classifications"]
    subject = json.loads(files["subject.json"])
    assert {a["name"] for a in subject["accounts"]} == {"Dave Parent", "D Parent"}
    assert [f["id"] for f in json.loads(files["flags.json"])] == [flag["c1"]]
    assert [n for n in files if n.startswith("letters/")] == [
        next(n for n in files if n.startswith("letters/letter-"))
    ]
    shots = sorted(n for n in files if n.startswith("evidence/"))
    folder = shots[0].rsplit("/", 1)[0]
    assert {f"{folder}/{m}" for m in ("snapshot.json", "record.json", "capture.png")} <= set(shots)
    assert files[f"{folder}/capture.png"].startswith(b"\x89PNG")
    snapshot = json.loads(files[f"{folder}/snapshot.json"])
    assert snapshot["comment"]["text"] == DAVE[0]
    thread = snapshot["thread"]["before"] + snapshot["thread"]["after"]
    assert any(e.get("withheld") for e in thread)
    for name, body in files.items():  # never anyone else's words, nor the DSL's flag
        if not name.endswith(".png"):
            for words in [*OLIVE, DAVE[2]]:
                assert words.encode() not in body, (name, words)
    assert done.flags == 1 and done.comments == 3 and done.letters == 1 and done.snapshots == 1
    assert any("Designated Safeguarding Lead" in why for why in done.withheld)
    assert "Designated Safeguarding Lead" in files["README.txt"].decode()


def test_the_dsl_and_the_command_line_get_the_safeguarding_flag(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]], tmp_path: Path
) -> None:
    engine, config, flag = held
    for who in ("dsl", None):
        done = export(engine, config, "D Parent", tmp_path / f"{who}.zip", username=who)
        assert done.flags == 2 and done.comments == 4 and done.snapshots == 2
        flags = json.loads(members(done.path)["flags.json"])
        assert {f["id"]: f["route"] for f in flags}[flag["c4"]] == "dsl"


def test_the_export_is_recorded_without_text_and_the_evidence_still_verifies(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]], tmp_path: Path
) -> None:
    engine, config, flag = held
    done = export(engine, config, "Dave Parent", tmp_path / "dave.zip", username="head")
    with db.session_scope(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "subject_access_export")
        ).one()
        viewed = session.scalars(select(CustodyEvent).where(CustodyEvent.action == "viewed")).all()
    assert (
        event.actor == "head" and event.subject_type == "poster" and event.subject_id == done.case
    )
    assert event.detail["sha256"] == done.sha256 and event.detail["withheld_flags"] == [flag["c4"]]
    assert not any(words in json.dumps(event.detail) for words in [*DAVE, *OLIVE])
    assert [v.detail["via"] for v in viewed] == ["subject access export"]
    evidence = bundle.export(engine, config, str(flag["c1"]), tmp_path / "c1.zip", actor="t")
    verify.verify(str(evidence.path))


def test_an_unknown_poster_or_a_bad_file_name_is_refused(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]], tmp_path: Path
) -> None:
    engine, config, _ = held
    with pytest.raises(cases.CaseError, match="no poster matches"):
        export(engine, config, "Nobody At All", tmp_path / "x.zip")
    with pytest.raises(sar.SarError, match="zip"):
        export(engine, config, "Dave Parent", tmp_path / "x.json")
    assert not (tmp_path / "x.zip").exists()
