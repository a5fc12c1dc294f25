"""A Bureau session's budget: what the Secretariat may commit at that session, in one currency
(the agenda compares the amounts asked with it).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bureau_sessions") as table:
        table.add_column(sa.Column("budget", sa.String(40), nullable=True))
        table.add_column(sa.Column("budget_currency", sa.String(3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bureau_sessions") as table:
        table.drop_column("budget_currency")
        table.drop_column("budget")
