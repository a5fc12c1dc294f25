"""Outbox: kinds of message (documents, locations, edits), payload, priority, unreachable chats.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="text"))
        table.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        table.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("edits", sa.Integer(), nullable=True))
        table.create_foreign_key("fk_outbox_edits_outbox", "outbox", ["edits"], ["id"])
        table.create_index("ix_outbox_chat", ["chat_id", "priority", "id"], unique=False)
    op.create_table(
        "unreachable_chats",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_unreachable_chats")),
    )


def downgrade() -> None:
    op.drop_table("unreachable_chats")
    with op.batch_alter_table("outbox") as table:
        table.drop_index("ix_outbox_chat")
        table.drop_constraint("fk_outbox_edits_outbox", type_="foreignkey")
        for column in ("edits", "priority", "payload", "kind"):
            table.drop_column(column)
