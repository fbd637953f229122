"""Reading the audit trail (admins): who did what to which record, filtered and paged
(the API), or newest first with names (the admin's page)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from api.auth import Principal
from api.errors import Forbidden
from api.store.db import unit_of_work
from api.store.models import AuditEvent, Organisation, User
from api.store.pagination import paginate


def list_audit(
    session: Session,
    principal: Principal,
    filters: Mapping[str, Any],
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[AuditEvent], str | None]:
    """One page of audit rows, oldest first, matching every filter given."""
    if not principal.is_admin:
        raise Forbidden("Only an admin reads the audit trail.")
    stmt = select(AuditEvent)
    if filters.get("actor") is not None:
        stmt = stmt.where(AuditEvent.user_id == filters["actor"])
    if filters.get("organisation") is not None:
        org = filters["organisation"]
        stmt = stmt.where(or_(AuditEvent.org_id == org, AuditEvent.actor_org_id == org))
    if filters.get("entity"):
        stmt = stmt.where(AuditEvent.entity == filters["entity"])
    if filters.get("entity_id") is not None:
        stmt = stmt.where(AuditEvent.entity_id == filters["entity_id"])
    if filters.get("survivor_id") is not None:
        stmt = stmt.where(
            AuditEvent.entity == "survivor", AuditEvent.entity_id == filters["survivor_id"]
        )
    if filters.get("action"):
        stmt = stmt.where(AuditEvent.action == filters["action"])
    if filters.get("since") is not None:
        stmt = stmt.where(AuditEvent.at >= filters["since"])
    if filters.get("until") is not None:
        stmt = stmt.where(AuditEvent.at < filters["until"])
    with unit_of_work(session):
        return paginate(session, stmt, AuditEvent.id, limit, cursor)


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
