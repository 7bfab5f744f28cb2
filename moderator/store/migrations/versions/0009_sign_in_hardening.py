"""web hardening: a per-address sign-in throttle, flash messages kept in the session

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

``sign_in_address`` counts failed sign-ins per client address in a window, so one address can
neither spray passwords at many accounts nor lock every account. ``web_session.flash`` keeps a
status message for the next page on the server (it never travels in the URL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_address',
    sa.Column('address', sa.String(length=100), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False, comment='attempts not (yet) followed by a success'),
    sa.Column('window_ends', sa.DateTime(timezone=True), nullable=False, comment='the count starts again after this'),
    sa.PrimaryKeyConstraint('address')
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flash', sa.Text(), nullable=True, comment='a status message for the next page, shown once'))


def downgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_column('flash')
    op.drop_table('sign_in_address')
