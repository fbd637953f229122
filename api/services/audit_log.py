"""The audit log as an administrator reads it: newest first, with who and whose."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from api.store.models import AuditEvent, Organisation, User


def recent_audit_events(
    session: Session, limit: int, before: int | None = None
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to ``limit`` audit rows older than row ``before`` (None: the newest), and the
    ``before`` of the next page (None when there is none)."""
    record_org = aliased(Organisation)
    stmt = (
        select(AuditEvent, User.name, record_org.name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .outerjoin(record_org, record_org.id == AuditEvent.org_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    found = session.execute(stmt).all()
    rows = [
        {
            "id": event.id,
            "at": event.at,
            "user": user,
            "org": org,
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id,
        }
        for event, user, org in found[:limit]
    ]
    more = len(found) > limit
    return rows, int(found[limit - 1][0].id) if more and limit > 0 else None
