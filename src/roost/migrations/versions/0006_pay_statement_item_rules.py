"""pay statement item rules: per application, connection and entity

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import roost.core.database

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pay_statement_item_rules",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("connection_id", sa.String(length=36), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("effective_start_date", sa.Date(), nullable=True),
        sa.Column("effective_end_date", sa.Date(), nullable=True),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("created_at", roost.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", roost.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", roost.core.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["connection_id"], ["connections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pay_statement_item_rules", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pay_statement_item_rules_owner",
            ["connection_id", "application_id", "priority"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("pay_statement_item_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_statement_item_rules_owner")
    op.drop_table("pay_statement_item_rules")
