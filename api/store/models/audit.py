"""Audit rows: who read or wrote which sensitive record, and when (never its content).

Rows are only ever added. The ORM refuses to change or delete one (the guards below),
and the database itself refuses too: a trigger on ``audit_events`` raises on UPDATE and
DELETE (migration ``0009_security``), so neither a bug nor the app's own database role
can rewrite what happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from api.store.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(16), default=None)
    # The caller's organisation, and (org_id) the organisation whose record it is.
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), default=None)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(32))  # read | create | update | refused ...
    entity: Mapped[str] = mapped_column(String(32))  # survivor | recommendation ...
    entity_id: Mapped[int | None]
    # None: the action was done; 401, 403 or 404: the request was refused.
    status: Mapped[int | None] = mapped_column(default=None)


class AuditImmutable(RuntimeError):
    """Something tried to change or delete an audit row."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise AuditImmutable(f"audit row {target.id} cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # update(AuditEvent)/delete(AuditEvent) statements skip the mapper's events.
    if (state.is_update or state.is_delete) and any(
        getattr(m, "class_", None) is AuditEvent for m in state.all_mappers
    ):
        raise AuditImmutable("audit rows cannot be changed or deleted")
