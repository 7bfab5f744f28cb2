"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from moderator.store import db
from moderator.store.models import Base


def test_migrations_match_models(engine: Engine) -> None:
    assert db.current_revision(engine) == "0015"
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent(engine: Engine) -> None:
    db.upgrade(engine)
    assert db.current_revision(engine) == "0015"


def test_0003_gives_earlier_flags_their_targets(empty_database_url: str) -> None:
    """Flags recorded before the escalation queue keep the people their verdict named."""
    from alembic import command
    from sqlalchemy import text

    engine = db.create(empty_database_url)
    try:
        command.upgrade(db.alembic_config(engine), "0002")
        with engine.begin() as connection:
            for statement in (
                "INSERT INTO source (id, name, platform, healthy) VALUES (1, 's', 'file', true)",
                (
                    "INSERT INTO comment (id, source_id, platform_comment_id, text, raw, "
                    "first_seen_at, by_owner) VALUES (1, 1, 'c1', 't', '{}', '2026-01-01', false)"
                ),
                (
                    "INSERT INTO classification (id, comment_id, model_name, model_version, scores, "
                    "categories, reasons, spans, targets, hide, created_at) VALUES (1, 1, 'm', 'v', "
                    "'{}', '[\"abuse\"]', '[]', '[]', '[\"Janet Holloway\", \"Janet Holloway\"]', "
                    "true, '2026-01-01')"
                ),
                (
                    "INSERT INTO flag (id, comment_id, classification_id, status, categories, "
                    "hidden, created_at, updated_at) VALUES (1, 1, 1, 'new', '[\"abuse\"]', false, "
                    "'2026-01-01', '2026-01-01')"
                ),
            ):
                connection.execute(text(statement))
        db.upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT flag_id, name, kind, added_by FROM flag_target")
            ).all()
        assert [tuple(row) for row in rows] == [(1, "Janet Holloway", "other", "policy")]
    finally:
        engine.dispose()
