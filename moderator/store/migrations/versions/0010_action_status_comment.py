"""the outbox's action statuses: ``cancelled`` named in the column comment

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

The statuses are ``workqueue.states.ActionStatus`` (a str enum: the stored values are the same
strings as before); ``cancelled`` (a hide the dismissal of its flag made unnecessary) was
written but missing from the comment. Only the comment changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

BEFORE = 'pending | sending | confirmed | failed | manual (platform cannot act)'
AFTER = 'pending | sending | confirmed | failed | manual (platform cannot act) | cancelled'


def upgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), existing_nullable=False, comment=AFTER, existing_comment=BEFORE)


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), existing_nullable=False, comment=BEFORE, existing_comment=AFTER)
