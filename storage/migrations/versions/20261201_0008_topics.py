"""A dossier's forum topic in the Secretariat's chat (when that chat is a forum supergroup).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as table:
        table.add_column(sa.Column("topic_id", sa.BigInteger(), nullable=True))
        table.create_index("ix_dossiers_topic_id", ["topic_id"])


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as table:
        table.drop_index("ix_dossiers_topic_id")
        table.drop_column("topic_id")
