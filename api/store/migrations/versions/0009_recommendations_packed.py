"""recommendations packed: inputs and result kept as compressed JSON

Revision ID: 0009_recommendations_packed
Revises: 0008_casework
Create Date: 2026-12-02 14:40:00.000000
"""

import zlib
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_recommendations_packed'
down_revision: str | Sequence[str] | None = '0008_casework'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("inputs", "result")
BATCH = 500


# The format of api.store.jsonio.PackedJSON, written out here so that this revision
# keeps working whatever that module becomes.
def _plain(raw: bytes | str) -> bytes:
    """The JSON's bytes of a value as stored, packed or not (text on SQLite)."""
    data = raw.encode() if isinstance(raw, str) else bytes(raw)
    return data if data[:1] in (b"{", b"[") else zlib.decompress(data)


def _packed(raw: bytes | str) -> bytes:
    return zlib.compress(_plain(raw))


def _rewrite(convert: Callable[[bytes | str], bytes]) -> None:
    """Every row's two columns through ``convert``, a batch at a time."""
    bind = op.get_bind()
    table = sa.table(
        "recommendations",
        sa.column("id", sa.Integer),
        *(sa.column(c, sa.LargeBinary) for c in COLUMNS),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, *(table.c[c] for c in COLUMNS))
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            bind.execute(
                table.update()
                .where(table.c.id == row.id)
                .values({c: convert(getattr(row, c)) for c in COLUMNS})
            )
        last = rows[-1].id


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in COLUMNS:
            op.alter_column(
                "recommendations",
                column,
                type_=sa.LargeBinary(),
                existing_type=sa.JSON(),
                existing_nullable=False,
                postgresql_using=f"convert_to({column}::text, 'UTF8')",
            )
    else:
        with op.batch_alter_table("recommendations") as batch_op:
            for column in COLUMNS:
                batch_op.alter_column(
                    column, type_=sa.LargeBinary(), existing_type=sa.JSON(), existing_nullable=False
                )
    _rewrite(_packed)


def downgrade() -> None:
    _rewrite(_plain)
    if op.get_bind().dialect.name == "postgresql":
        for column in COLUMNS:
            op.alter_column(
                "recommendations",
                column,
                type_=sa.JSON(),
                existing_type=sa.LargeBinary(),
                existing_nullable=False,
                postgresql_using=f"convert_from({column}, 'UTF8')::json",
            )
    else:
        with op.batch_alter_table("recommendations") as batch_op:
            for column in COLUMNS:
                batch_op.alter_column(
                    column, type_=sa.JSON(), existing_type=sa.LargeBinary(), existing_nullable=False
                )
        # The copy keeps SQLite's blobs as blobs; JSON columns there hold text.
        op.execute(
            "UPDATE recommendations SET inputs = CAST(inputs AS TEXT), "
            "result = CAST(result AS TEXT)"
        )
