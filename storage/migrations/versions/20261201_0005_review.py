"""The Secretariat's review: Bureau sessions, messages on a dossier, what a status change carries.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bureau_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("place", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_sessions")),
        sa.UniqueConstraint("held_on", name=op.f("uq_bureau_sessions_held_on")),
    )
    op.create_table(
        "dossier_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("from_staff", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_messages_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_messages")),
    )
    op.create_index(
        op.f("ix_dossier_messages_dossier_id"), "dossier_messages", ["dossier_id"], unique=False
    )
    with op.batch_alter_table("dossiers") as table:
        table.add_column(sa.Column("submitted_answers", sa.JSON(), nullable=True))
        table.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        table.add_column(sa.Column("granted_amount", sa.String(40), nullable=True))
        table.add_column(sa.Column("card_outbox_id", sa.Integer(), nullable=True))
        table.create_foreign_key(
            op.f("fk_dossiers_session_id_bureau_sessions"),
            "bureau_sessions",
            ["session_id"],
            ["id"],
        )
    with op.batch_alter_table("status_changes") as table:
        table.add_column(sa.Column("amount", sa.String(40), nullable=True))
        table.add_column(sa.Column("session_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_changes") as table:
        table.drop_column("session_id")
        table.drop_column("amount")
    with op.batch_alter_table("dossiers") as table:
        table.drop_constraint(op.f("fk_dossiers_session_id_bureau_sessions"), type_="foreignkey")
        for column in ("card_outbox_id", "granted_amount", "session_id", "submitted_answers"):
            table.drop_column(column)
    op.drop_index(op.f("ix_dossier_messages_dossier_id"), table_name="dossier_messages")
    op.drop_table("dossier_messages")
    op.drop_table("bureau_sessions")
