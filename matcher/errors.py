"""The matcher's own exceptions (the api maps them to problem+json statuses)."""

from __future__ import annotations


class MatcherError(Exception):
    """Base class of the matcher's errors."""


class MatcherInputError(MatcherError, ValueError):
    """The engine's inputs disagree with each other (an unknown town or occupation code).

    The api validates what users send, so this means inconsistent reference data: a
    bug to report, not a user's mistake.
    """


class SettingsError(MatcherError, ValueError):
    """A deployment's weights or settings are invalid (unknown key, negative weight)."""


class AllocationInputError(MatcherError, ValueError):
    """The arrays given to the cohort allocation are malformed (the message says how)."""
