"""quarantine: records a source sent that could not be recorded, kept as where and why

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

One row per refused record (file and line, or the platform's id) and reason, never the
record's content; a record refused again on a later scan counts on its row (``times_seen``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rejected_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False, comment='SHA-256: source, item, reason'),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.Text(), nullable=False, comment="file and line, or the platform's id"),
    sa.Column('reason', sa.Text(), nullable=False, comment="why, in words; never the record's text"),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('times_seen', sa.Integer(), nullable=False, comment='scans that refused it'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index('ix_rejected_record_source_id', 'rejected_record', ['source_id'])
    op.create_index('ix_rejected_record_last_seen_at', 'rejected_record', ['last_seen_at'])


def downgrade() -> None:
    op.drop_index('ix_rejected_record_last_seen_at', table_name='rejected_record')
    op.drop_index('ix_rejected_record_source_id', table_name='rejected_record')
    op.drop_table('rejected_record')
