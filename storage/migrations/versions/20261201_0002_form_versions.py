"""Records say which form and form version they answer; the profile keeps its position.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as table:
        table.add_column(sa.Column("form", sa.String(20), nullable=False, server_default="fund"))
        table.add_column(
            sa.Column("form_version", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("accounts") as table:
        table.add_column(sa.Column("profile_cursor", sa.JSON(), nullable=True))
        table.add_column(
            sa.Column("profile_version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as table:
        table.drop_column("profile_version")
        table.drop_column("profile_cursor")
    with op.batch_alter_table("dossiers") as table:
        table.drop_column("form_version")
        table.drop_column("form")
