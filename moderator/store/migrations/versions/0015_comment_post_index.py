"""an index on a comment's post, for the thread an evidence snapshot keeps

Revision ID: 0015
Revises: 0014
Create Date: 2027-01-20

Each snapshot records up to five comments either side of the flagged one on the same post
(``moderator/evidence/snapshot.py``). Without an index on ``comment.post_id`` that read scanned
every comment, so a first scan slowed as its database grew (100,000 comments: from 150 to about
50 a second by the 80,000th). ``(post_id, created_time)`` serves both the filter and the order.
"""

from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_comment_post', 'comment', ['post_id', 'created_time'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_comment_post', table_name='comment')
