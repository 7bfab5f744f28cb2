"""retention: evidence rows can be deleted by the retention purge, and only by it

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21

0004's triggers refuse UPDATE and DELETE on the evidence tables. Data protection law needs
evidence deleted once its case is closed and the retention period has run, so DELETE on
``evidence_snapshot``, ``evidence_artefact`` and ``custody_event`` is now allowed only while a
row exists in ``evidence_purge``. ``moderator purge`` inserts its row, deletes and removes the
row in one transaction: SQLite lets one writer in at a time and PostgreSQL hides an uncommitted
row from every other transaction, so nothing else ever sees the permit. UPDATE stays refused,
TRUNCATE stays refused on PostgreSQL, and ``evidence_export`` keeps 0004's triggers (bundle
records are kept for ever). The downgrade puts 0004's triggers back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

PURGEABLE = ('evidence_snapshot', 'evidence_artefact', 'custody_event')
REFUSED = 'is append-only: evidence is deleted only by the retention purge (moderator purge)'
OLD = 'is append-only: evidence is never changed or deleted'


def upgrade() -> None:
    op.create_table('evidence_purge',
    sa.Column('purge_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('purge_id')
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION evidence_delete_by_purge() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF EXISTS (SELECT 1 FROM evidence_purge) THEN RETURN OLD; END IF; "
            f"RAISE EXCEPTION '% {REFUSED}', TG_TABLE_NAME; END $$"
        )
        for table in PURGEABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION evidence_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_purge_only BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION evidence_delete_by_purge()"
            )
        return
    for table in PURGEABLE:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM evidence_purge) BEGIN "
            f"SELECT RAISE(ABORT, '{table} {REFUSED}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in PURGEABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_purge_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION evidence_append_only()"
            )
        op.execute("DROP FUNCTION IF EXISTS evidence_delete_by_purge()")
    else:
        for table in PURGEABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{table} {OLD}'); END"
            )
    op.drop_table('evidence_purge')
