"""Emergency reports: the alert cards of each emergency, one per chat (edited in place), and the
proposals of aid the Presidency decides on.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
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
    op.create_table(
        "emergency_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.String(40), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("by_user", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_emergency_proposals_dossier_id_dossiers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_proposals")),
    )
    op.create_index(
        op.f("ix_emergency_proposals_dossier_id"),
        "emergency_proposals",
        ["dossier_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_emergency_proposals_dossier_id"), table_name="emergency_proposals")
    op.drop_table("emergency_proposals")
    op.drop_index(op.f("ix_emergency_cards_dossier_id"), table_name="emergency_cards")
    op.drop_table("emergency_cards")
