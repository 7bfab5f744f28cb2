"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False, comment="a username, or 'system'"),
    sa.Column('action', sa.String(length=50), nullable=False, comment='e.g. scan, flag_created, hide'),
    sa.Column('subject_type', sa.String(length=30), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, comment='no comment text'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('config_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False, comment='hash of the TOML text'),
    sa.Column('school_name', sa.String(length=200), nullable=False, comment='[school] name'),
    sa.Column('path', sa.Text(), nullable=False, comment='where the config was read from'),
    sa.Column('text', sa.Text(), nullable=False, comment='the TOML as read (it holds no secrets)'),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False, comment='first seen (UTC)'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    op.create_table('poster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False, comment='the name moderators see'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False, comment='name in the config'),
    sa.Column('platform', sa.String(length=20), nullable=False, comment='facebook | instagram | file'),
    sa.Column('high_water_mark', sa.DateTime(timezone=True), nullable=True, comment='newest comment created_time fetched; incremental scans start here'),
    sa.Column('last_polled_at', sa.DateTime(timezone=True), nullable=True, comment='end of the last scan'),
    sa.Column('healthy', sa.Boolean(), nullable=False, comment='false after a token problem'),
    sa.Column('last_error', sa.Text(), nullable=True, comment='the last error, no comment text'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('author_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('platform_author_id', sa.String(length=200), nullable=False, comment='id, or name when no id'),
    sa.Column('name', sa.String(length=200), nullable=True, comment='as the platform gave it'),
    sa.Column('poster_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['poster_id'], ['poster.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'platform_author_id')
    )
    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('platform_post_id', sa.String(length=200), nullable=False, comment="the platform's post id"),
    sa.Column('message', sa.Text(), nullable=True, comment="the post's text, when fetched"),
    sa.Column('permalink', sa.Text(), nullable=True),
    sa.Column('created_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True, comment="the platform's JSON"),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'platform_post_id')
    )
    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('platform_comment_id', sa.String(length=200), nullable=False, comment="the platform's id"),
    sa.Column('parent_platform_id', sa.String(length=200), nullable=True, comment='for replies'),
    sa.Column('author_account_id', sa.Integer(), nullable=True),
    sa.Column('author_platform_id', sa.String(length=200), nullable=True, comment='absent on FB often'),
    sa.Column('author_name', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False, comment='personal data: never logged at INFO'),
    sa.Column('created_time', sa.DateTime(timezone=True), nullable=True, comment='platform time (UTC)'),
    sa.Column('permalink', sa.Text(), nullable=True),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, comment="the platform's JSON, as received"),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False, comment='capture time'),
    sa.ForeignKeyConstraint(['author_account_id'], ['author_account.id'], ),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'platform_comment_id')
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_created', ['source_id', 'created_time'], unique=False)

    op.create_table('classification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('model_name', sa.String(length=100), nullable=False),
    sa.Column('model_version', sa.String(length=100), nullable=False),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, comment='label -> probability'),
    sa.Column('categories', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, comment='policy categories raised'),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, comment='plain-words reasons'),
    sa.Column('spans', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, comment='[start, end, category] in the text'),
    sa.Column('targets', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, comment='staff and pupils named'),
    sa.Column('hide', sa.Boolean(), nullable=False, comment="the policy's decision to hide"),
    sa.Column('step', sa.Enum('review', 'hide', 'meeting', 'written_warning', 'legal', 'police', name='step', native_enum=False, length=24), nullable=True),
    sa.Column('route', sa.String(length=20), nullable=True, comment='dsl | complaints | moderators'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('classification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classification_comment_id'), ['comment_id'], unique=False)

    op.create_table('evidence_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content', sa.Text(), nullable=False, comment='canonical JSON of the capture'),
    sa.Column('sha256', sa.String(length=64), nullable=False, comment='SHA-256 of content (UTF-8)'),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_snapshot_comment_id'), ['comment_id'], unique=False)

    op.create_table('flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('classification_id', sa.Integer(), nullable=False),
    sa.Column('poster_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('new', 'hidden', 'in_review', 'confirmed', 'dismissed', 'escalated', 'closed', name='flag_status', native_enum=False, length=24), nullable=False),
    sa.Column('step', sa.Enum('review', 'hide', 'meeting', 'written_warning', 'legal', 'police', name='step', native_enum=False, length=24), nullable=True, comment='recommended rung'),
    sa.Column('categories', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('route', sa.String(length=20), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False, comment='hidden on the platform now'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['classification_id'], ['classification.id'], ),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], ),
    sa.ForeignKeyConstraint(['poster_id'], ['poster.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('comment_id')
    )
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_poster_id'), ['poster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_status'), ['status'], unique=False)

    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False, comment='hide | unhide'),
    sa.Column('generation', sa.Integer(), nullable=False, comment='bumps on hide-unhide-hide'),
    sa.Column('status', sa.String(length=20), nullable=False, comment='pending | sent | confirmed | failed | manual (platform cannot act)'),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], ),
    sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('comment_id', 'kind', 'generation')
    )


def downgrade() -> None:
    op.drop_table('action')
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_status'))
        batch_op.drop_index(batch_op.f('ix_flag_poster_id'))

    op.drop_table('flag')
    with op.batch_alter_table('evidence_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_snapshot_comment_id'))

    op.drop_table('evidence_snapshot')
    with op.batch_alter_table('classification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classification_comment_id'))

    op.drop_table('classification')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_created')

    op.drop_table('comment')
    op.drop_table('post')
    op.drop_table('author_account')
    op.drop_table('source')
    op.drop_table('poster')
    op.drop_table('config_snapshot')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
