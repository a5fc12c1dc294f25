"""Indexes that keep today's work as fast after years of history: the outbox claim looks at the
pending messages of a chat (a partial index on them) and at what was sent there last (chat and
moment), not at every message a chat ever got; staff are found by their role. On SQLite, a view
through which an answer and its update's id are written in one statement.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PENDING = "sent_at IS NULL AND failed_at IS NULL"
# SQLite: an answer and its update's id in one statement (storage/dossiers.py `save_answers`).
ANSWER_WRITES = """
CREATE VIEW answer_writes AS
SELECT NULL AS update_id, NULL AS at, id AS dossier_id, answers, cursor FROM dossiers WHERE 0
"""
ANSWER_WRITES_TRIGGER = """
CREATE TRIGGER answer_writes_insert INSTEAD OF INSERT ON answer_writes
BEGIN
    INSERT INTO processed_updates (update_id, at) VALUES (NEW.update_id, NEW.at);
    UPDATE dossiers SET answers = NEW.answers, cursor = NEW.cursor, updated_at = NEW.at
    WHERE id = NEW.dossier_id;
END
"""


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
    if op.get_bind().dialect.name == "sqlite":
        op.execute(ANSWER_WRITES)
        op.execute(ANSWER_WRITES_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER answer_writes_insert")
        op.execute("DROP VIEW answer_writes")
    op.drop_index("ix_accounts_role", table_name="accounts")
    op.drop_index("ix_outbox_chat_sent", table_name="outbox")
    op.drop_index("ix_outbox_chat_pending", table_name="outbox")
    op.create_index("ix_outbox_chat", "outbox", ["chat_id", "priority", "id"])
