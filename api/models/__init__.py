"""ORM models, one module per area. Importing this package registers them all."""

from api.models.accounts import ROLES, ApiToken, Organisation, User
from api.models.allocations import Allocation, AllocationTrack
from api.models.audit import AuditEvent
from api.models.base import Base
from api.models.catalog import Employer, SeatReservation, Track, TrackOccupation, Vacancy
from api.models.people import Survivor
from api.models.recommendations import Recommendation
from api.models.reference import Occupation, Province, SkillFamily, Town
from api.models.survey import Season, SurveyJob, SurveyLivingCost

__all__ = [
    "ROLES",
    "Allocation",
    "AllocationTrack",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Employer",
    "Occupation",
    "Organisation",
    "Province",
    "Recommendation",
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
