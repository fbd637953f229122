"""catalog: tracks, seat reservations, employers, vacancies

Revision ID: 0003_catalog
Revises: 0001_foundation
Create Date: 2026-11-28 16:31:34.671960
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003_catalog'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('employers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('town', sa.String(length=8), nullable=False),
    sa.Column('sector', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('vetting', sa.String(length=16), nullable=False),
    sa.Column('vetting_note', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_for_risk', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_employers_decided_by_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_employers_org_id_organisations')),
    sa.ForeignKeyConstraint(['town'], ['towns.code'], name=op.f('fk_employers_town_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employers')),
    sa.UniqueConstraint('org_id', name=op.f('uq_employers_org_id'))
    )
    op.create_table('tracks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=False),
    sa.Column('town', sa.String(length=8), nullable=False),
    sa.Column('skill_family', sa.String(length=24), nullable=False),
    sa.Column('duration_months', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('next_start', sa.Date(), nullable=True),
    sa.Column('cost_usd', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('min_literacy', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cost_usd >= 0', name=op.f('ck_tracks_cost_not_negative')),
    sa.CheckConstraint('duration_months >= 1', name=op.f('ck_tracks_duration_positive')),
    sa.CheckConstraint('min_age >= 0', name=op.f('ck_tracks_min_age_not_negative')),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_tracks_seats_positive')),
    sa.ForeignKeyConstraint(['provider_org_id'], ['organisations.id'], name=op.f('fk_tracks_provider_org_id_organisations')),
    sa.ForeignKeyConstraint(['skill_family'], ['skill_families.name'], name=op.f('fk_tracks_skill_family_skill_families')),
    sa.ForeignKeyConstraint(['town'], ['towns.code'], name=op.f('fk_tracks_town_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracks')),
    sa.UniqueConstraint('code', name=op.f('uq_tracks_code'))
    )
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracks_provider_org_id'), ['provider_org_id'], unique=False)

    op.create_table('seat_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('intake_start', sa.Date(), nullable=False),
    sa.Column('survivor_id', sa.Integer(), nullable=False),
    sa.Column('allocation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_seat_reservations_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_reservations')),
    sa.UniqueConstraint('track_id', 'intake_start', 'survivor_id', name=op.f('uq_seat_reservations_track_id'))
    )
    with op.batch_alter_table('seat_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_reservations_survivor_id'), ['survivor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seat_reservations_track_id'), ['track_id'], unique=False)

    op.create_table('track_occupations',
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('occupation', sa.String(length=4), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['occupation'], ['occupations.code'], name=op.f('fk_track_occupations_occupation_occupations')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_track_occupations_track_id_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('track_id', 'occupation', name=op.f('pk_track_occupations'))
    )
    op.create_table('vacancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('occupation', sa.String(length=4), nullable=False),
    sa.Column('town', sa.String(length=8), nullable=False),
    sa.Column('pay', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=False),
    sa.Column('pay_unit', sa.String(length=8), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('pay_usd_month', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=False),
    sa.Column('positions', sa.Integer(), nullable=False),
    sa.Column('positions_filled', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('provides_food', sa.Boolean(), nullable=False),
    sa.Column('provides_room', sa.Boolean(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('night_shift', sa.Boolean(), nullable=False),
    sa.Column('hires_from_track_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('pay > 0', name=op.f('ck_vacancies_pay_positive')),
    sa.CheckConstraint('positions >= 1', name=op.f('ck_vacancies_positions_positive')),
    sa.CheckConstraint('positions_filled >= 0 AND positions_filled <= positions', name=op.f('ck_vacancies_filled_in_range')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_vacancies_employer_id_employers')),
    sa.ForeignKeyConstraint(['hires_from_track_id'], ['tracks.id'], name=op.f('fk_vacancies_hires_from_track_id_tracks')),
    sa.ForeignKeyConstraint(['occupation'], ['occupations.code'], name=op.f('fk_vacancies_occupation_occupations')),
    sa.ForeignKeyConstraint(['town'], ['towns.code'], name=op.f('fk_vacancies_town_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancies'))
    )
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacancies_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_hires_from_track_id'), ['hires_from_track_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vacancies_hires_from_track_id'))
        batch_op.drop_index(batch_op.f('ix_vacancies_employer_id'))

    op.drop_table('vacancies')
    op.drop_table('track_occupations')
    with op.batch_alter_table('seat_reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seat_reservations_track_id'))
        batch_op.drop_index(batch_op.f('ix_seat_reservations_survivor_id'))

    op.drop_table('seat_reservations')
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracks_provider_org_id'))

    op.drop_table('tracks')
    op.drop_table('employers')
