"""ORM models, one module per area. Importing this package registers them all."""

from api.store.models.accounts import ROLES, ApiToken, Organisation, PageSession, User
from api.store.models.allocations import Allocation, AllocationTrack
from api.store.models.audit import AuditEvent
from api.store.models.base import Base
from api.store.models.casework import Closure, Consent, FollowUp, Placement, Referral
from api.store.models.catalog import Employer, SeatReservation, Track, TrackOccupation, Vacancy
from api.store.models.lures import AVOID_KINDS, AvoidEntry
from api.store.models.outcomes import OutcomeModelVersion
from api.store.models.people import Survivor
from api.store.models.recommendations import Recommendation
from api.store.models.reference import Occupation, Province, SkillFamily, Town
from api.store.models.survey import Season, SurveyJob, SurveyLivingCost

__all__ = [
    "AVOID_KINDS",
    "ROLES",
    "Allocation",
    "AllocationTrack",
    "ApiToken",
    "AuditEvent",
    "AvoidEntry",
    "Base",
    "Closure",
    "Consent",
    "Employer",
    "FollowUp",
    "Occupation",
    "Organisation",
    "OutcomeModelVersion",
    "PageSession",
    "Placement",
    "Province",
    "Recommendation",
    "Referral",
    "Season",
    "SeatReservation",
    "SkillFamily",
    "SurveyJob",
    "SurveyLivingCost",
    "Survivor",
    "Town",
    "Track",
    "TrackOccupation",
    "User",
    "Vacancy",
]
