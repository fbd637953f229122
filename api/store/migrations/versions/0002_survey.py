"""survey: seasons, their jobs and living costs

Revision ID: 0002_survey
Revises: 0001_foundation
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_survey"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("khr_per_usd", sa.Float(), nullable=False),
        sa.Column("working_days_per_month", sa.Float(), nullable=False),
        sa.Column("minimum_wage_usd_month", sa.Float(), nullable=False),
        sa.Column("living_wage_usd_month", sa.Float(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_seasons_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seasons")),
        sa.UniqueConstraint("label", name=op.f("uq_seasons_label")),
    )
    op.create_table(
        "survey_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("town", sa.String(length=8), nullable=False),
        sa.Column("occupation", sa.String(length=4), nullable=False),
        sa.Column("employment", sa.String(length=8), nullable=False),
        sa.Column("venue", sa.String(length=16), nullable=False),
        sa.Column("pay_min_usd_month", sa.Float(), nullable=False),
        sa.Column("pay_max_usd_month", sa.Float(), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("startup_cost_usd", sa.Float(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occupation"], ["occupations.code"],
            name=op.f("fk_survey_jobs_occupation_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_survey_jobs_season_id_seasons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["town"], ["towns.code"], name=op.f("fk_survey_jobs_town_towns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_jobs")),
    )
    op.create_index(
        "ix_survey_jobs_season_key", "survey_jobs", ["season_id", "town", "occupation"]
    )
    op.create_table(
        "survey_living_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("town", sa.String(length=8), nullable=False),
        sa.Column("food_usd_month", sa.Float(), nullable=False),
        sa.Column("room_usd_month", sa.Float(), nullable=False),
        sa.Column("other_usd_month", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"],
            name=op.f("fk_survey_living_costs_season_id_seasons"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town"], ["towns.code"], name=op.f("fk_survey_living_costs_town_towns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_living_costs")),
        sa.UniqueConstraint("season_id", "town", name=op.f("uq_survey_living_costs_season_id")),
    )


def downgrade() -> None:
    op.drop_table("survey_living_costs")
    op.drop_index("ix_survey_jobs_season_key", table_name="survey_jobs")
    op.drop_table("survey_jobs")
    op.drop_table("seasons")
