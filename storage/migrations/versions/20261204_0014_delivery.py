"""Delivery around a crash and a block: the process holding an outbox lease (taken back at
start when it is gone), the dossier a notice is about (a notice never delivered is listed on it),
since when a person has blocked the bot (told what they missed when they write again), and the
requests a handler made after its update's effect was committed (made again if Telegram sends
the update again).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("leased_by", sa.String(40), nullable=True))
        table.add_column(sa.Column("dossier_id", sa.Integer(), nullable=True))
        table.create_index("ix_outbox_dossier_id", ["dossier_id"])
    with op.batch_alter_table("accounts") as table:
        table.add_column(sa.Column("blocked_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "update_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(60), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_update_replies"),
    )
    op.create_index("ix_update_replies_update_id", "update_replies", ["update_id"])
    op.create_index("ix_update_replies_at", "update_replies", ["at"])


def downgrade() -> None:
    op.drop_index("ix_update_replies_at", table_name="update_replies")
    op.drop_index("ix_update_replies_update_id", table_name="update_replies")
    op.drop_table("update_replies")
    with op.batch_alter_table("accounts") as table:
        table.drop_column("blocked_since")
    with op.batch_alter_table("outbox") as table:
        table.drop_index("ix_outbox_dossier_id")
        table.drop_column("dossier_id")
        table.drop_column("leased_by")
