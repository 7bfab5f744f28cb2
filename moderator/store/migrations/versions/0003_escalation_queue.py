"""escalation queue: users, targets, letters, decisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import datetime
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('moderator', 'headteacher', 'dsl', 'admin', name='role', native_enum=False, length=24), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False, comment='scrypt$n$r$p$salt$hash'),
    sa.Column('active', sa.Boolean(), nullable=False, comment='false: cannot sign in or decide'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('flag_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False, comment='the roster name, or as given'),
    sa.Column('kind', sa.String(length=10), nullable=False, comment='staff | pupil | other'),
    sa.Column('added_by', sa.String(length=100), nullable=False, comment="'policy' or a username"),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('flag_id', 'name')
    )
    with op.batch_alter_table('flag_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_target_flag_id'), ['flag_id'], unique=False)

    op.create_table('letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poster_id', sa.Integer(), nullable=True),
    sa.Column('flag_id', sa.Integer(), nullable=False, comment="the decision's flag"),
    sa.Column('flag_ids', JSON, nullable=False, comment='the flags whose comments it quotes'),
    sa.Column('kind', sa.String(length=30), nullable=False, comment='meeting | written_warning | ...'),
    sa.Column('template', sa.String(length=200), nullable=False, comment='template file name'),
    sa.Column('template_sha256', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False, comment='the letter as generated'),
    sa.Column('sha256', sa.String(length=64), nullable=False, comment='SHA-256 of text (UTF-8)'),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], ),
    sa.ForeignKeyConstraint(['poster_id'], ['poster.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_poster_id'), ['poster_id'], unique=False)

    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step_reason', sa.Text(), nullable=True, comment='why this step, in words'))
        batch_op.add_column(sa.Column('breach', sa.Boolean(), nullable=True, comment="a person's judgement: true a breach, false not a breach (kept when closed)"))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=100), nullable=True, comment='reviewer (in_review)'))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=100), nullable=True, comment="last decision's user"))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalated_step', sa.Enum('review', 'hide', 'meeting', 'written_warning', 'legal', 'police', name='step', native_enum=False, length=24), nullable=True, comment='the highest rung a person decided to take'))
        batch_op.add_column(sa.Column('proposed_step', sa.Enum('review', 'hide', 'meeting', 'written_warning', 'legal', 'police', name='step', native_enum=False, length=24), nullable=True, comment='a rung awaiting a second person (police)'))
        batch_op.add_column(sa.Column('proposed_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('poster', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True, comment="linked into another poster's case (kept for the record)"))
        batch_op.create_foreign_key('fk_poster_merged_into', 'poster', ['merged_into_id'], ['id'])

    _targets_from_verdicts()


def _targets_from_verdicts() -> None:
    """Flags recorded before this revision: their targets are the people the verdict named.
    (The roster is not known here, so their kind is 'other'.)"""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        'SELECT flag.id, classification.targets FROM flag '
        'JOIN classification ON classification.id = flag.classification_id'
    )).all()
    target = sa.table('flag_target', sa.column('flag_id'), sa.column('name'), sa.column('kind'),
                      sa.column('added_by'), sa.column('added_at', sa.DateTime(timezone=True)))
    now = datetime.datetime.now(datetime.UTC)
    values = []
    for flag_id, names in rows:
        if isinstance(names, str):  # SQLite hands JSON back as text
            names = json.loads(names)
        for name in dict.fromkeys(names or []):
            values.append({'flag_id': flag_id, 'name': name, 'kind': 'other', 'added_by': 'policy',
                           'added_at': now if bind.dialect.name != 'sqlite' else now.replace(tzinfo=None)})
    if values:
        op.bulk_insert(target, values)



def downgrade() -> None:
    with op.batch_alter_table('poster', schema=None) as batch_op:
        batch_op.drop_constraint('fk_poster_merged_into', type_='foreignkey')
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_column('proposed_at')
        batch_op.drop_column('proposed_by')
        batch_op.drop_column('proposed_step')
        batch_op.drop_column('escalated_step')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('breach')
        batch_op.drop_column('step_reason')

    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_poster_id'))

    op.drop_table('letter')
    with op.batch_alter_table('flag_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_target_flag_id'))

    op.drop_table('flag_target')
    op.drop_table('app_user')
