"""worker: when each source is next due and which worker holds it

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_poll_at', sa.DateTime(timezone=True), nullable=True, comment='due for its next poll (worker)'))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=200), nullable=True, comment='the worker polling it now'))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True, comment='the lease lapses then'))
        batch_op.add_column(sa.Column('nightly_on', sa.String(length=10), nullable=True, comment='local date of its last nightly scan'))


def downgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('nightly_on')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('next_poll_at')
