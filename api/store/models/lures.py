"""The admin-kept list of towns and employers no one is ever sent to (a scam-compound
area, an employer known to traffic), each with the reason a counsellor will read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models.base import Base, utcnow

AVOID_KINDS: tuple[str, ...] = ("town", "employer")


class AvoidEntry(Base):
    __tablename__ = "avoid_list"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'town' AND town IS NOT NULL AND employer_id IS NULL) OR "
            "(kind = 'employer' AND employer_id IS NOT NULL AND town IS NULL)",
            name="one_target",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    town: Mapped[str | None] = mapped_column(ForeignKey("towns.code"), unique=True, default=None)
    employer_id: Mapped[int | None] = mapped_column(
        ForeignKey("employers.id"), unique=True, default=None
    )
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
