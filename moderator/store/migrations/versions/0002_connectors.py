"""connectors: outbox retries, webhook events, owner and removed comments, source usage

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('usage', JSON, nullable=True, comment="the platform's last rate-limit usage headers"))

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_owner', sa.Boolean(), nullable=False, server_default=sa.false(), comment='written by the Page or account itself: never acted on'))
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True, comment='when the platform said it was removed (the record is kept)'))

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True, comment='not before (retries)'))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True, comment='last handed to the platform'))
        batch_op.alter_column('status', existing_type=sa.String(length=20), existing_nullable=False, comment='pending | sending | confirmed | failed | manual (platform cannot act)', existing_comment='pending | sent | confirmed | failed | manual (platform cannot act)')
        batch_op.create_index(batch_op.f('ix_action_status'), ['status'], unique=False)

    op.create_table('webhook_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=64), nullable=False, comment='SHA-256 of the change'),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False, comment='facebook | instagram'),
    sa.Column('account_id', sa.String(length=200), nullable=False, comment='Page or Instagram account id'),
    sa.Column('comment_id', sa.String(length=200), nullable=True),
    sa.Column('post_id', sa.String(length=200), nullable=True),
    sa.Column('verb', sa.String(length=20), nullable=False, comment='add | edited | remove | ...'),
    sa.Column('change', JSON, nullable=False, comment='the change as delivered'),
    sa.Column('status', sa.String(length=20), nullable=False, comment='pending | done | ignored | failed'),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True, comment='no comment text'),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedup_key')
    )
    with op.batch_alter_table('webhook_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_event_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webhook_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_event_status'))
    op.drop_table('webhook_event')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status'))
        batch_op.alter_column('status', existing_type=sa.String(length=20), existing_nullable=False, comment='pending | sent | confirmed | failed | manual (platform cannot act)')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('next_attempt_at')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
        batch_op.drop_column('by_owner')
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('usage')
