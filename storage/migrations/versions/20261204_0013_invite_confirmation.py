"""A staff invite for admin or presidency waits for the admin who made it: the moment they
confirmed (`invites.confirmed_at`, the role applies) or declined it (`invites.declined_at`).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invites") as table:
        table.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invites") as table:
        table.drop_column("declined_at")
        table.drop_column("confirmed_at")
