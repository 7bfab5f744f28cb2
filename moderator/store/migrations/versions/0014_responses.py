"""the response side: blocks and public replies in the outbox

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-10

The outbox's ``action`` carries three more kinds: ``block`` and ``unblock`` (the author of
``comment_id``) and ``reply`` (the text of ``letter_id`` posted under the comment), with the
platform's ``reference`` for what it did, the ``instructions`` a person follows when the
platform has no API, and who approved it. (Reports to the platform or the host are the flag's
audit events: no table.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

KINDS_BEFORE = 'hide | unhide'
KINDS_AFTER = 'hide | unhide | block | unblock | reply'


def upgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=20), existing_nullable=False, comment=KINDS_AFTER, existing_comment=KINDS_BEFORE)
        batch_op.add_column(sa.Column('letter_id', sa.Integer(), nullable=True, comment='reply: its text'))
        batch_op.add_column(sa.Column('reference', sa.String(length=200), nullable=True, comment="the platform's id for it"))
        batch_op.add_column(sa.Column('instructions', sa.Text(), nullable=True, comment="manual: what a person does by hand, in the platform's app"))
        batch_op.add_column(sa.Column('requested_by', sa.String(length=100), nullable=True, comment='who approved it'))
        batch_op.create_foreign_key('fk_action_letter', 'letter', ['letter_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint('fk_action_letter', type_='foreignkey')
        batch_op.drop_column('requested_by')
        batch_op.drop_column('instructions')
        batch_op.drop_column('reference')
        batch_op.drop_column('letter_id')
        batch_op.alter_column('kind', existing_type=sa.String(length=20), existing_nullable=False, comment=KINDS_BEFORE, existing_comment=KINDS_AFTER)
