"""The engine: builds, filters, scores and explains pathways; allocates seats.

Pure: takes dataclasses, numpy arrays and pandas frames, never Flask or SQLAlchemy.

Public API (see README.md):

- :func:`recommend` / :func:`recommend_prepared` -> :class:`Recommendation`
- :func:`track_scores` / :func:`track_scores_prepared` -> :class:`TrackScores`
- :func:`prepare_market` -> :class:`PreparedMarket` (build once per market, reuse)
- :class:`Weights`, :class:`Settings`: one configurable place for the deployment
- :data:`MODEL_VERSION`
"""

from matcher.engine import (
    MODEL_VERSION,
    recommend,
    recommend_prepared,
    track_scores,
    track_scores_prepared,
)
from matcher.errors import MatcherError, MatcherInputError, SettingsError
from matcher.pathways import prepare_market
from matcher.prepared import PreparedMarket
from matcher.results import (
    EmployerRef,
    ExcludedItem,
    OccupationRef,
    Recommendation,
    RecommendationItem,
    StartUp,
    TownRef,
    TrackRef,
    TrackScores,
)
from matcher.types import AvoidList, Profile, Vacancy
from matcher.weights import COMPONENTS, Settings, Weights

__all__ = [
    "COMPONENTS",
    "MODEL_VERSION",
    "AvoidList",
    "EmployerRef",
    "ExcludedItem",
    "MatcherError",
    "MatcherInputError",
    "OccupationRef",
    "PreparedMarket",
    "Profile",
    "Recommendation",
    "RecommendationItem",
    "Settings",
    "SettingsError",
    "StartUp",
    "TownRef",
    "TrackRef",
    "TrackScores",
    "Vacancy",
    "Weights",
    "prepare_market",
    "recommend",
    "recommend_prepared",
    "track_scores",
    "track_scores_prepared",
]
