"""page sign-in: users with a username and a password; page sessions belong to users

Revision ID: 0009_page_sign_in
Revises: 0008_page_sessions
Create Date: 2026-12-02 14:10:00.000000

Page sessions signed in with a token until now are ended (deleted): a person signs in
again, with a username and password.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009_page_sign_in'
down_revision: str | Sequence[str] | None = '0008_page_sessions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('password_hash', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_username'), ['username'])
    op.execute('DELETE FROM page_sessions')
    with op.batch_alter_table('page_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_sessions_token_id'))
        batch_op.drop_constraint(batch_op.f('fk_page_sessions_token_id_api_tokens'), type_='foreignkey')
        batch_op.drop_column('token_id')
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_page_sessions_user_id_users'), 'users', ['user_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_page_sessions_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.execute('DELETE FROM page_sessions')
    with op.batch_alter_table('page_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_sessions_user_id'))
        batch_op.drop_constraint(batch_op.f('fk_page_sessions_user_id_users'), type_='foreignkey')
        batch_op.drop_column('user_id')
        batch_op.add_column(sa.Column('token_id', sa.Integer(), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_page_sessions_token_id_api_tokens'), 'api_tokens', ['token_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_page_sessions_token_id'), ['token_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_username'), type_='unique')
        batch_op.drop_column('password_hash')
        batch_op.drop_column('username')
