"""sandbox: per-connection overlays, faults and job configuration

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 22:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import roost.core.database

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sandbox_states",
        sa.Column("connection_id", sa.String(length=36), nullable=False),
        sa.Column("company_patch", sa.JSON(), nullable=False),
        sa.Column("individual_patches", sa.JSON(), nullable=False),
        sa.Column("employment_patches", sa.JSON(), nullable=False),
        sa.Column("added_people", sa.JSON(), nullable=False),
        sa.Column("added_payments", sa.JSON(), nullable=False),
        sa.Column("faults", sa.JSON(), nullable=False),
        sa.Column("job_completion_status", sa.String(length=32), nullable=False),
        sa.Column("updated_at", roost.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["connection_id"], ["connections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("connection_id"),
    )


def downgrade() -> None:
    op.drop_table("sandbox_states")
