"""Member cities the Secretariat lists (aliases, listed), one-time invites, and when a profile was
first complete.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cities") as table:
        table.add_column(sa.Column("aliases", sa.JSON(), nullable=False, server_default="[]"))
        table.add_column(
            sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("accounts") as table:
        table.add_column(sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name="fk_invites_city_id_cities"),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.UniqueConstraint("token", name="uq_invites_token"),
    )
    # Registrations finished before this revision: their card is not sent again.
    op.execute(
        "UPDATE accounts SET registered_at = created_at WHERE city_id IS NOT NULL "
        "AND email IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("invites")
    with op.batch_alter_table("accounts") as table:
        table.drop_column("registered_at")
    with op.batch_alter_table("cities") as table:
        table.drop_column("listed")
        table.drop_column("aliases")
