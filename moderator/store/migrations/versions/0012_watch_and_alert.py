"""edits noticed on a comment, and alerts sent at once

Revision ID: 0012
Revises: 0010
Create Date: 2027-01-10

``comment.edited_at`` and ``comment.read_sha256`` record that a later reading of a comment
differed from what was recorded (the text itself stays as first recorded; the new version is
in the evidence when the comment is flagged). ``alert`` keeps one row per flag told at once
(police or DSL), ``alert_seen`` who has seen it in the web interface.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True, comment='when a later reading first differed from what was recorded (the latest edit)'))
        batch_op.add_column(sa.Column('read_sha256', sa.String(length=64), nullable=True, comment='SHA-256 of the text as last read, when it differs from text'))
    op.create_table(
        'alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('flag_id', sa.Integer(), nullable=False, comment='purged with its flag'),
        sa.Column('reason', sa.String(length=20), nullable=False, comment='police | dsl'),
        sa.Column('dsl', sa.Boolean(), nullable=False, comment='a DSL item: only the DSL sees it in the web'),
        sa.Column('threat', sa.Boolean(), nullable=False, comment='a threat: sent even in quiet hours'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False, comment='pending | held (quiet hours) | sent | failed | unsent'),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True, comment='no comment text'),
        sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('flag_id'),
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_status'), ['status'], unique=False)
    op.create_table(
        'alert_seen',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('alert_id', 'user_id'),
    )
    with op.batch_alter_table('alert_seen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_seen_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_seen_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert_seen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_seen_user_id'))
        batch_op.drop_index(batch_op.f('ix_alert_seen_alert_id'))
    op.drop_table('alert_seen')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_status'))
    op.drop_table('alert')
    # plain ALTER TABLE: SQLite's batch mode would rebuild ``comment``, which other tables'
    # foreign keys refuse (SQLite 3.35 and later drop a column in place)
    op.execute('ALTER TABLE comment DROP COLUMN read_sha256')
    op.execute('ALTER TABLE comment DROP COLUMN edited_at')
