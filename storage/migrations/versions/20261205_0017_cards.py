"""Cards are one mechanism: an outbox row says which subject's card it is (`outbox.card`, e.g.
`dossier:12`), for every kind of card, instead of a dossier's `card_outbox_id` and a table of
emergency cards.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# SQLite: the view of migration 0015 reads `dossiers`, which a column's removal rebuilds; it is
# dropped for the rebuild and made again as it was.
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


def _dossiers_column(change: str) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER answer_writes_insert")
        op.execute("DROP VIEW answer_writes")
    with op.batch_alter_table("dossiers") as table:
        if change == "drop":
            table.drop_column("card_outbox_id")
        else:
            table.add_column(sa.Column("card_outbox_id", sa.Integer(), nullable=True))
    if sqlite:
        op.execute(ANSWER_WRITES)
        op.execute(ANSWER_WRITES_TRIGGER)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("card", sa.String(40), nullable=True))
        table.create_index("ix_outbox_card", ["card", "chat_id"], unique=False)
    op.execute(
        "UPDATE outbox SET card = 'dossier:' || (SELECT CAST(d.id AS VARCHAR) FROM dossiers d "
        "WHERE d.card_outbox_id = outbox.id) "
        "WHERE id IN (SELECT card_outbox_id FROM dossiers WHERE card_outbox_id IS NOT NULL)"
    )
    op.execute(
        "UPDATE outbox SET card = 'dossier:' || (SELECT CAST(MIN(c.dossier_id) AS VARCHAR) "
        "FROM emergency_cards c WHERE c.outbox_id = outbox.id) "
        "WHERE id IN (SELECT outbox_id FROM emergency_cards)"
    )
    op.drop_index(op.f("ix_emergency_cards_dossier_id"), table_name="emergency_cards")
    op.drop_table("emergency_cards")
    _dossiers_column("drop")


def downgrade() -> None:
    _dossiers_column("add")
    op.create_table(
        "emergency_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_emergency_cards_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_cards")),
    )
    op.create_index(
        op.f("ix_emergency_cards_dossier_id"), "emergency_cards", ["dossier_id"], unique=False
    )
    # A dossier's card was its card in the Secretariat's chat (the first one, which edits
    # changed); an emergency's, one per chat: every card row of an emergency.
    op.execute(
        "INSERT INTO emergency_cards (dossier_id, chat_id, outbox_id) "
        "SELECT CAST(SUBSTR(o.card, 9) AS INTEGER), o.chat_id, o.id FROM outbox o "
        "JOIN dossiers d ON d.id = CAST(SUBSTR(o.card, 9) AS INTEGER) "
        "WHERE o.card LIKE 'dossier:%' AND d.form = 'emergency' ORDER BY o.id"
    )
    op.execute(
        "UPDATE dossiers SET card_outbox_id = (SELECT MIN(o.id) FROM outbox o "
        "WHERE o.card = 'dossier:' || CAST(dossiers.id AS VARCHAR)) WHERE form <> 'emergency'"
    )
    with op.batch_alter_table("outbox") as table:
        table.drop_index("ix_outbox_card")
        table.drop_column("card")
