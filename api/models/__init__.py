"""ORM models, one module per area. Importing this package registers them all."""

from api.models.accounts import ROLES, ApiToken, Organisation, User
from api.models.audit import AuditEvent
from api.models.base import Base
from api.models.reference import Occupation, Province, SkillFamily, Town

__all__ = [
    "ROLES",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Occupation",
    "Organisation",
    "Province",
    "SkillFamily",
    "Town",
    "User",
]
