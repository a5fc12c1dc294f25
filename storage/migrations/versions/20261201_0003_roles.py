"""Roles, and the Secretariat's verification of registrations.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as table:
        table.add_column(
            sa.Column("role", sa.String(20), nullable=False, server_default="applicant")
        )
        table.add_column(
            sa.Column("verification", sa.String(10), nullable=False, server_default="pending")
        )
        table.add_column(sa.Column("verified_by", sa.BigInteger(), nullable=True))
        table.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("refusal_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as table:
        for column in ("refusal_reason", "verified_at", "verified_by", "verification", "role"):
            table.drop_column(column)
