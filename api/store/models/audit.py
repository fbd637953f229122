"""Audit rows: who read or wrote which sensitive record, and when (never its content)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(32))  # read | create | update | recommend ...
    entity: Mapped[str] = mapped_column(String(32))  # survivor | recommendation ...
    entity_id: Mapped[int | None]
