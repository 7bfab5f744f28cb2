"""the school's own words, and the ``staff`` role

Revision ID: 0013
Revises: 0010
Create Date: 2027-01-10

``school_word`` holds the school's blocked words and phrases and its allowed words (its
"Hidden Words"), edited in the web interface; each change is an audit event. The ``staff`` role
(a member of staff who reports comments) needs no change to ``app_user.role``: the role enum is
stored as VARCHAR(24) without a CHECK constraint on both backends (``native_enum=False``), so
the new value is accepted as it is; ``tests/integration/test_intake.py`` adds a staff user on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('school_word',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False, comment='blocked | allowed'),
    sa.Column('phrase', sa.String(length=200), nullable=False, comment='lower case, single spaces'),
    sa.Column('category', sa.String(length=20), nullable=True, comment='blocked: what it raises'),
    sa.Column('added_by', sa.String(length=100), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'phrase')
    )


def downgrade() -> None:
    op.drop_table('school_word')
