"""Indexes that keep today's work as fast after years of history: the outbox claim looks at the
pending messages of a chat (a partial index on them) and at what was sent there last (chat and
moment), not at every message a chat ever got; staff are found by their role.

Revision ID: 0018
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0012"
branch_labels = None
depends_on = None

PENDING = "sent_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    op.drop_index("ix_outbox_chat", table_name="outbox")
    op.create_index(
        "ix_outbox_chat_pending",
        "outbox",
        ["chat_id", "priority", "id"],
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )
    op.create_index("ix_outbox_chat_sent", "outbox", ["chat_id", "sent_at"])
    op.create_index("ix_accounts_role", "accounts", ["role"])


def downgrade() -> None:
    op.drop_index("ix_accounts_role", table_name="accounts")
    op.drop_index("ix_outbox_chat_sent", table_name="outbox")
    op.drop_index("ix_outbox_chat_pending", table_name="outbox")
    op.create_index("ix_outbox_chat", "outbox", ["chat_id", "priority", "id"])
