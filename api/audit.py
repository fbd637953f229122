"""The one writer of audit rows: who read or wrote which sensitive record, and when.

A row names the actor, the record's organisation, the action and the record's id, never
its content. It is written in the use case's own transaction, so a refused or failed
write leaves neither the change nor a row claiming it.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from api.auth import Principal
from api.store.models import AuditEvent

# Every survivor read writes one: a Core statement built once.
_INSERT = insert(cast(Table, AuditEvent.__table__))


def audit(
    session: Session,
    principal: Principal | None,
    action: str,
    entity: str,
    entity_id: int | None,
    org_id: int | None,
) -> None:
    """Record that ``principal`` (None: a sample or system load) did ``action`` to a record.

    ``org_id`` is the record's organisation (whose data it is), not the caller's.
    """
    session.execute(
        _INSERT,
        {
            "user_id": principal.user_id if principal else None,
            "org_id": org_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
        },
    )
