"""Emergency reports: the alert cards of each emergency, one per chat (edited in place).

Revision ID: 0009
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_index(op.f("ix_emergency_cards_dossier_id"), table_name="emergency_cards")
    op.drop_table("emergency_cards")
