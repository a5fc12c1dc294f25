"""Emergency situation reports: a follow-up report is a record of its own (form "sitrep") that
names the emergency it follows (`dossiers.parent_id`).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as table:
        table.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        table.create_index("ix_dossiers_parent_id", ["parent_id"])


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as table:
        table.drop_index("ix_dossiers_parent_id")
        table.drop_column("parent_id")
