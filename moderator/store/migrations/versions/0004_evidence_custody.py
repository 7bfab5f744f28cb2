"""evidence: artefacts, custody log, exports; evidence tables are append-only

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

Snapshots taken before this revision get a first custody entry, ``captured``, dated when they
were captured and saying it was recorded by this migration. Triggers then refuse UPDATE and
DELETE on the evidence tables on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from moderator.evidence import verify

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
APPEND_ONLY = ('evidence_snapshot', 'evidence_artefact', 'custody_event', 'evidence_export')


def upgrade() -> None:
    with op.batch_alter_table('evidence_snapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('captured_by', sa.String(length=100), nullable=False, server_default='system', comment="'system' (a scan) or a username"))
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True, comment='the snapshot this one corrects'))
        batch_op.create_foreign_key('fk_evidence_snapshot_corrects', 'evidence_snapshot', ['corrects_id'], ['id'])

    op.create_table('evidence_artefact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False, comment='file name, e.g. capture.png'),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['evidence_snapshot.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('snapshot_id', 'name')
    )
    op.create_index('ix_evidence_artefact_snapshot_id', 'evidence_artefact', ['snapshot_id'])
    op.create_table('custody_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False, comment='1, 2, 3... within the snapshot'),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False, comment="a username, or 'system'"),
    sa.Column('action', sa.String(length=30), nullable=False, comment='captured | viewed | exported | ...'),
    sa.Column('detail', JSON, nullable=False, comment='no comment text'),
    sa.Column('prev', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['evidence_snapshot.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('snapshot_id', 'seq')
    )
    op.create_index('ix_custody_event_snapshot_id', 'custody_event', ['snapshot_id'])
    op.create_table('evidence_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False, comment="'flag 12' or 'case 3'"),
    sa.Column('flag_ids', JSON, nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False, comment='where it was written'),
    sa.Column('timestamp_token', sa.LargeBinary(), nullable=True, comment='the RFC 3161 reply, when a TSA is configured'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bundle_id')
    )
    _backfill_custody()
    _append_only()


def _backfill_custody() -> None:
    connection = op.get_bind()
    snapshots = connection.execute(
        sa.text('SELECT id, sha256, captured_at FROM evidence_snapshot ORDER BY id')
    ).all()
    rows = []
    for snapshot_id, digest, captured_at in snapshots:
        at = _aware(captured_at)
        detail = {'artefacts': {}, 'note': 'recorded by migration 0004: the snapshot predates the custody log'}
        entry = {
            'snapshot': digest, 'seq': 1, 'at': at.strftime('%Y-%m-%dT%H:%M:%S.%fZ'),
            'actor': 'system', 'action': 'captured', 'detail': detail, 'prev': digest,
        }
        rows.append({
            'snapshot_id': snapshot_id, 'seq': 1, 'at': at, 'actor': 'system',
            'action': 'captured', 'detail': detail, 'prev': digest, 'hash': verify.entry_hash(entry),
        })
    if rows:
        table = sa.table(
            'custody_event', sa.column('snapshot_id'), sa.column('seq'),
            sa.column('at', sa.DateTime(timezone=True)), sa.column('actor'), sa.column('action'),
            sa.column('detail', JSON), sa.column('prev'), sa.column('hash'),
        )
        if connection.dialect.name == 'sqlite':
            for row in rows:
                row['at'] = row['at'].replace(tzinfo=None)
        op.bulk_insert(table, rows)


def _aware(value: datetime.datetime | str) -> datetime.datetime:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value.astimezone(datetime.UTC)


def _append_only() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: evidence is never changed or deleted', "
            "TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION evidence_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{table} is append-only: evidence is never changed or deleted'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS evidence_append_only()")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_table('evidence_export')
    op.drop_index('ix_custody_event_snapshot_id', table_name='custody_event')
    op.drop_table('custody_event')
    op.drop_index('ix_evidence_artefact_snapshot_id', table_name='evidence_artefact')
    op.drop_table('evidence_artefact')
    with op.batch_alter_table('evidence_snapshot', schema=None) as batch_op:
        batch_op.drop_constraint('fk_evidence_snapshot_corrects', type_='foreignkey')
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('captured_by')
