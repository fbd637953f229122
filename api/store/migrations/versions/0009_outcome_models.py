"""outcome models: the registry of trained models and the active one

Revision ID: 0009_outcome_models
Revises: 0008_casework
Create Date: 2026-12-02 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_outcome_models"
down_revision: str | Sequence[str] | None = "0008_casework"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("trained_by", sa.Integer(), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["trained_by"], ["users.id"], name=op.f("fk_outcome_models_trained_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_models")),
        sa.UniqueConstraint("version", name=op.f("uq_outcome_models_version")),
    )
    op.create_index("ix_outcome_models_active", "outcome_models", ["active"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outcome_models_active", table_name="outcome_models")
    op.drop_table("outcome_models")
