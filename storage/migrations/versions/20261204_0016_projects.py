"""The grant after the vote: projects (an approved dossier's grant, same id and reference), their
tranches and the payments ledger, the convention's copies as sent and its acceptances, the
reports owed (their answers are `dossiers` rows naming their project or emergency), and the
history of a project's and its tranches' moves.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("suspended_from", sa.String(20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("granted", sa.String(40), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("report_months", sa.Integer(), nullable=False),
        sa.Column("framework", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("convention_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("proposed_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name="fk_projects_dossier_id_dossiers"
        ),
        sa.PrimaryKeyConstraint("dossier_id", name="pk_projects"),
    )
    op.create_index("ix_projects_status", "projects", ["status"])
    op.create_table(
        "tranches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("amount", sa.String(40), nullable=False),
        sa.Column("condition", sa.String(20), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("due_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.dossier_id"], name="fk_tranches_project_id_projects"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tranches"),
        sa.UniqueConstraint("project_id", "number", name="uq_tranches_project_id"),
    )
    op.create_index("ix_tranches_project_id", "tranches", ["project_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tranche_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.String(40), nullable=False),
        sa.Column("bank_reference", sa.String(100), nullable=False),
        sa.Column("by_user", sa.BigInteger(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("received_at", UTC, nullable=True),
        sa.Column("received_by", sa.BigInteger(), nullable=True),
        sa.Column("received_amount", sa.String(40), nullable=True),
        sa.Column("difference_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tranche_id"], ["tranches.id"], name="fk_payments_tranche_id_tranches"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.dossier_id"], name="fk_payments_project_id_projects"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.UniqueConstraint("tranche_id", name="uq_payments_tranche_id"),
    )
    op.create_index("ix_payments_project_id", "payments", ["project_id"])
    op.create_table(
        "convention_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.dossier_id"],
            name="fk_convention_copies_project_id_projects",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_convention_copies"),
        sa.UniqueConstraint(
            "project_id", "version", "language", name="uq_convention_copies_project_id"
        ),
    )
    op.create_index("ix_convention_copies_project_id", "convention_copies", ["project_id"])
    op.create_table(
        "convention_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("by_user", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.dossier_id"],
            name="fk_convention_acceptances_project_id_projects",
        ),
        sa.ForeignKeyConstraint(
            ["by_user"],
            ["accounts.telegram_id"],
            name="fk_convention_acceptances_by_user_accounts",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_convention_acceptances"),
        sa.UniqueConstraint("project_id", "version", name="uq_convention_acceptances_project_id"),
    )
    op.create_index(
        "ix_convention_acceptances_project_id", "convention_acceptances", ["project_id"]
    )
    op.create_table(
        "reports",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=True),
        sa.Column("returned", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("approved_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name="fk_reports_dossier_id_dossiers"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["dossiers.id"], name="fk_reports_parent_id_dossiers"
        ),
        sa.PrimaryKeyConstraint("dossier_id", name="pk_reports"),
        sa.UniqueConstraint("parent_id", "kind", "number", name="uq_reports_parent_id"),
    )
    op.create_index("ix_reports_parent_id", "reports", ["parent_id"])
    op.create_table(
        "project_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("by_user", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.dossier_id"], name="fk_project_events_project_id_projects"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_events"),
    )
    op.create_index("ix_project_events_project_id", "project_events", ["project_id"])


def downgrade() -> None:
    for table in (
        "project_events",
        "reports",
        "convention_acceptances",
        "convention_copies",
        "payments",
        "tranches",
        "projects",
    ):
        op.drop_table(table)
