"""Retention on SQLite and PostgreSQL: the purge deletes what is past its period (old unflagged
comments, dismissed flags, closed cases with their evidence) and nothing else; the evidence
tables still refuse every other DELETE; what is kept still verifies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import DBAPIError

from moderator.evidence import bundle, drawing, verify
from moderator.privacy import retention
from moderator.review import cases, decisions
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import (
    AuditEvent,
    AuthorAccount,
    Base,
    Classification,
    Comment,
    CustodyEvent,
    EvidenceArtefact,
    EvidenceExport,
    EvidenceSnapshot,
    Flag,
    Letter,
    Poster,
    RejectedRecord,
    SignInAddress,
    Source,
    WebhookEvent,
    utcnow,
)
from tests.brookside import add_users, brookside, comment, scan
from workqueue.ladder import Step

ABUSE = "Mrs Holloway is a useless idiot"
KIND = "Lovely sports day, well done everyone"
TABLES: tuple[type[Base], ...] = (
    Comment,
    Classification,
    Flag,
    Letter,
    Poster,
    AuthorAccount,
    EvidenceSnapshot,
    EvidenceArtefact,
    CustodyEvent,
    EvidenceExport,
    AuditEvent,
    WebhookEvent,
)


def days_ago(days: int) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days)


def counts(engine: Engine) -> dict[str, int]:
    with db.session_scope(engine) as session:
        return {
            str(model.__tablename__): session.scalar(select(func.count()).select_from(model)) or 0
            for model in TABLES
        }


def texts(engine: Engine) -> set[str]:
    with db.session_scope(engine) as session:
        return set(session.scalars(select(Comment.text)))


def names(engine: Engine) -> set[str]:
    with db.session_scope(engine) as session:
        return set(session.scalars(select(Poster.display_name)))


def decided(engine: Engine, flag_ids: list[int], days: int) -> None:
    """Move the flags' last decision ``days`` back (the evidence tables refuse UPDATE)."""
    with db.session_scope(engine) as session:
        session.execute(update(Flag).where(Flag.id.in_(flag_ids)).values(decided_at=days_ago(days)))


def first_seen(engine: Engine, platform_ids: list[str], days: int) -> None:
    with db.session_scope(engine) as session:
        session.execute(
            update(Comment)
            .where(Comment.platform_comment_id.in_(platform_ids))
            .values(first_seen_at=days_ago(days))
        )


ROWS = [
    comment(1, ABUSE + " (dismissed long ago)", "Dave Parent", day=1),
    comment(2, "Mrs Holloway is a stupid cow, utterly pathetic", "Beth Smith", day=2),
    comment(3, "Mr Evans is a moron and a disgrace", "Beth S", day=3),
    comment(4, "Mrs Holloway is a pathetic joke of a head, absolute idiot", "Carl Jones", day=4),
    comment(5, ABUSE + " (Carl, dismissed)", "Carl Jones", day=5),
    comment(6, ABUSE + " (still open)", "Dana Open", day=6),
    comment(7, ABUSE + " (dismissed recently)", "Ed Recent", day=7),
    comment(8, ABUSE + " (closed 100 days ago)", "Gail Closed", day=8),
    comment(9, KIND, "Fran Nice", day=9),
    comment(10, "What time does the fair start?", "Hal Kind", day=10),
]


@pytest.fixture
def held(engine: Engine, tmp_path: Path) -> tuple[Engine, config_mod.SchoolConfig, dict[str, Any]]:
    """A school's data at every stage of its life (see ROWS), with times moved back."""
    config = brookside(tmp_path, ROWS)
    add_users(engine)
    items = scan(engine, config)
    assert set(items) == {f"c{i}" for i in range(1, 9)}  # c9 and c10 are not flagged
    assert drawing.draw_pending(engine) == 8  # the capture images, as the worker draws them
    flag = {key: item["id"] for key, item in items.items()}
    with db.session_scope(engine) as session:
        cases.link(session, config, "Beth Smith", "Beth S", "head", "the same parent")

    def decide(key: str, verb: str, **kw: Any) -> None:
        decisions.decide(engine, config, flag[key], "head", verb, note="test", **kw)

    decide("c1", "dismiss")
    decide("c2", "escalate", step=Step.MEETING)  # writes a letter
    decide("c2", "close")
    decide("c3", "dismiss")
    decide("c4", "escalate", step=Step.MEETING)  # live: escalated, never closed
    decide("c5", "dismiss")
    decide("c7", "dismiss")
    decide("c8", "confirm")
    decide("c8", "close")
    decided(engine, [flag["c1"], flag["c5"]], 40)
    decided(engine, [flag["c2"], flag["c3"], flag["c4"]], 400)
    decided(engine, [flag["c7"]], 5)
    decided(engine, [flag["c8"]], 100)
    first_seen(engine, ["c6", "c9"], 400)  # c6 is an open flag; c9 was never flagged
    with db.session_scope(engine) as session:
        for status, processed in [("done", days_ago(40)), ("pending", None)]:
            session.add(
                WebhookEvent(
                    dedup_key=status * 8,
                    received_at=days_ago(41),
                    platform="facebook",
                    account_id="1",
                    comment_id="c9",
                    verb="add",
                    change={"value": {"message": KIND}},
                    status=status,
                    processed_at=processed,
                )
            )
    return engine, config, flag


def test_a_dry_run_deletes_nothing_and_the_purge_deletes_exactly_what_it_said(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]], tmp_path: Path
) -> None:
    engine, config, flag = held
    kept_bundle = bundle.export(engine, config, str(flag["c4"]), tmp_path / "c4.zip", actor="t")
    case_bundle = bundle.export(
        engine, config, "Beth Smith", tmp_path / "beth.zip", actor="t", case=True
    )
    before, audit_ids = counts(engine), _audit_ids(engine)

    planned = retention.purge(engine, config, dry_run=True)
    assert counts(engine) == before and _audit_ids(engine) == audit_ids
    assert planned.dry_run and planned.groups == {
        "unflagged_comments": 1,
        "dismissed_flags": 1,
        "closed_cases": 1,
        "closed_case_flags": 2,
    }
    expected = {
        "flag": 3,  # c1 dismissed 40 days ago; c2 and c3, Beth's case closed 400 days ago
        "comment": 4,  # those three and c9, never flagged, first seen 400 days ago
        "letter": 1,  # Beth's meeting letter
        "evidence_snapshot": 3,
        "poster": 4,  # Dave, Beth Smith, Beth S (linked into her case), Fran
        "author_account": 4,
        "webhook_event": 1,  # processed 40 days ago (the pending one stays)
        "audit_event": 0,  # audit_days = 0: kept for ever
    }
    assert {k: planned.counts[k] for k in expected} == expected
    assert planned.counts["classification"] == 4 and planned.counts["custody_event"] >= 3

    done = retention.purge(engine, config)
    assert not done.dry_run and done.counts == planned.counts
    after = counts(engine)
    for kind, count in done.counts.items():
        if kind in after and kind != "audit_event":
            assert after[kind] == before[kind] - count, kind
    assert texts(engine) == {ROWS[i]["text"] for i in (3, 4, 5, 6, 7, 9)}
    assert names(engine) == {"Carl Jones", "Dana Open", "Ed Recent", "Gail Closed", "Hal Kind"}
    with db.session_scope(engine) as session:
        exports = session.scalars(select(EvidenceExport.manifest_sha256)).all()
        assert set(exports) == {kept_bundle.manifest_sha256, case_bundle.manifest_sha256}
        letters = session.scalars(select(Letter.flag_id)).all()
        assert letters == [flag["c4"]]
        webhooks = session.scalars(select(WebhookEvent.status)).all()
        assert webhooks == ["pending"]
        purged = session.scalars(select(AuditEvent).where(AuditEvent.action == "purged")).one()
        assert purged.detail["counts"] == done.counts
    assert audit_ids <= _audit_ids(engine)  # the audit log is kept
    assert KIND not in json.dumps(purged.detail) and ABUSE not in json.dumps(purged.detail)

    again = retention.purge(engine, config)
    assert again.total == 0


def test_what_is_kept_still_verifies_after_a_purge(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]], tmp_path: Path
) -> None:
    engine, config, flag = held
    retention.purge(engine, config)
    for key in ("c4", "c5", "c6", "c7", "c8"):
        done = bundle.export(engine, config, str(flag[key]), tmp_path / f"{key}.zip", actor="t")
        assert verify.verify(str(done.path)).manifest_sha256 == done.manifest_sha256
    carl = bundle.export(engine, config, "Carl Jones", tmp_path / "carl.zip", actor="t", case=True)
    assert carl.exhibits == 2  # the dismissed flag of a live case is kept with it
    verify.verify(str(carl.path))


def test_a_live_case_keeps_everything_and_zero_days_keeps_for_ever(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]], tmp_path: Path
) -> None:
    engine, _, flag = held
    never = config_mod.load(_rewrite(tmp_path, "unflagged_days = 0\ndismissed_days = 0\n"))
    done = retention.purge(engine, never)
    assert done.groups == {
        "unflagged_comments": 0,
        "dismissed_flags": 0,
        "closed_cases": 1,
        "closed_case_flags": 2,
    }
    assert done.counts["webhook_event"] == 0
    nothing = config_mod.load(_rewrite(tmp_path, _ZERO))
    assert retention.purge(engine, nothing).total == 0
    with db.session_scope(engine) as session:
        assert session.get(Flag, flag["c5"]) is not None  # dismissed, but Carl's case is live


def test_rejected_records_go_after_their_period_and_ended_sign_in_windows_always(
    engine: Engine, tmp_path: Path
) -> None:
    config = brookside(tmp_path, [])
    now = utcnow()
    with db.session_scope(engine) as session:
        source = Source(name="rejections", platform="file")
        session.add(source)
        session.flush()
        for key, last_seen in [("old", 31), ("young", 29), ("seen_again", 1)]:
            session.add(
                RejectedRecord(
                    key=key * 4,
                    source_id=source.id,
                    item=f"comments.jsonl line {key}",
                    reason="no text",
                    first_seen_at=now - dt.timedelta(days=40),
                    last_seen_at=now - dt.timedelta(days=last_seen),
                )
            )
        for address, ends in [("192.0.2.1", -60), ("192.0.2.2", -1), ("192.0.2.3", 600)]:
            session.add(
                SignInAddress(
                    address=address, failures=3, window_ends=now + dt.timedelta(seconds=ends)
                )
            )

    def left() -> tuple[set[str], set[str]]:
        with db.session_scope(engine) as session:
            return (
                set(session.scalars(select(RejectedRecord.key))),
                set(session.scalars(select(SignInAddress.address))),
            )

    planned = retention.purge(engine, config, now, dry_run=True)
    assert planned.counts["rejected_record"] == 1 and planned.counts["sign_in_address"] == 2
    assert planned.as_json()["counts"]["rejected_record"] == 1
    assert planned.as_json()["counts"]["sign_in_address"] == 2
    assert left() == (
        {"old" * 4, "young" * 4, "seen_again" * 4},
        {f"192.0.2.{i}" for i in (1, 2, 3)},
    )

    done = retention.purge(engine, config, now)
    assert done.counts == planned.counts and done.total == 3
    assert left() == ({"young" * 4, "seen_again" * 4}, {"192.0.2.3"})
    with db.session_scope(engine) as session:
        purged = session.scalars(select(AuditEvent).where(AuditEvent.action == "purged")).one()
        assert purged.detail["counts"]["sign_in_address"] == 2
        assert "192.0.2" not in json.dumps(purged.detail)  # counts only, never an address

    # Zero days keeps rejected records for ever; ended throttle windows go whatever the periods.
    never = config_mod.load(_rewrite(tmp_path, _ZERO))
    later = now + dt.timedelta(days=400)
    done = retention.purge(engine, never, later)
    assert done.counts["rejected_record"] == 0 and done.counts["sign_in_address"] == 1
    assert left() == ({"young" * 4, "seen_again" * 4}, set())


_ZERO = "unflagged_days = 0\ndismissed_days = 0\nclosed_days = 0\n"


def _rewrite(tmp_path: Path, retention_table: str) -> Path:
    path = tmp_path / "moderator.toml"
    body = path.read_text(encoding="utf-8").split("\n[retention]\n")[0]
    path.write_text(body + "\n[retention]\n" + retention_table, encoding="utf-8")
    return path


def test_the_audit_log_is_purged_only_when_asked_and_keeps_what_is_still_held(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]], tmp_path: Path
) -> None:
    engine, _, flag = held
    with db.session_scope(engine) as session:
        session.execute(update(AuditEvent).values(at=days_ago(20)))
    config = config_mod.load(_rewrite(tmp_path, "audit_days = 10\n"))
    retention.purge(engine, config)
    with db.session_scope(engine) as session:
        about = set(
            session.scalars(select(AuditEvent.subject_id).where(AuditEvent.subject_type == "flag"))
        )
        actions = set(session.scalars(select(AuditEvent.action)))
    assert flag["c1"] not in about and flag["c2"] not in about  # purged flags' events went
    assert {flag[k] for k in ("c4", "c5", "c6", "c7", "c8")} <= about  # kept flags' stayed
    assert "purged" in actions


def test_evidence_is_still_append_only_outside_the_purge(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]],
    database_url: str,
    tmp_path: Path,
) -> None:
    engine, config, flag = held
    bundle.export(engine, config, str(flag["c4"]), tmp_path / "c4.zip", actor="t")
    retention.purge(engine, config)
    for statement in [
        "DELETE FROM evidence_snapshot",
        "DELETE FROM evidence_artefact",
        "DELETE FROM custody_event",
        "DELETE FROM evidence_export",
        "UPDATE evidence_snapshot SET content = 'x'",
        "UPDATE evidence_artefact SET data = data",
        "UPDATE custody_event SET actor = 'someone else'",
    ]:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    before = counts(engine)
    with engine.connect() as holder:
        holder.begin()
        holder.execute(text("INSERT INTO evidence_purge (purge_id) VALUES (424242)"))
        with pytest.raises(DBAPIError, match="append-only"):  # the permit does not allow UPDATE
            holder.execute(text("UPDATE custody_event SET actor = 'x'"))
        holder.rollback()
    if database_url.startswith("postgresql"):
        # PostgreSQL: a permit not yet committed is invisible to every other transaction
        with engine.connect() as holder, engine.connect() as other:
            holder.begin()
            holder.execute(text("INSERT INTO evidence_purge (purge_id) VALUES (424243)"))
            with pytest.raises(DBAPIError, match="append-only"), other.begin():
                other.execute(text("DELETE FROM custody_event"))
            holder.rollback()
    assert counts(engine) == before


def _audit_ids(engine: Engine) -> set[int]:
    with db.session_scope(engine) as session:
        return set(session.scalars(select(AuditEvent.id)))


def test_the_downgrade_puts_back_the_refusal_of_every_delete(
    held: tuple[Engine, config_mod.SchoolConfig, dict[str, Any]],
) -> None:
    engine, _, _ = held
    assert counts(engine)["evidence_artefact"] > 0  # rows in every table the refusal guards
    command.downgrade(db.alembic_config(engine), "0006")
    for table in ("evidence_snapshot", "evidence_artefact", "custody_event"):
        with pytest.raises(DBAPIError, match="never changed or deleted"), engine.begin() as c:
            c.execute(text(f"DELETE FROM {table}"))
    db.upgrade(engine)
    with pytest.raises(DBAPIError, match="only by the retention purge"), engine.begin() as c:
        c.execute(text("DELETE FROM custody_event"))
