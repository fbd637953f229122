"""The catalog's own errors (the api maps them to problem+json statuses)."""

from __future__ import annotations


class CatalogError(ValueError):
    """Base of every error the training catalog raises."""


class UnknownLiteracyLevel(CatalogError):
    """A literacy level that is not one of ``LITERACY_LEVELS``."""

    def __init__(self, level: str) -> None:
        super().__init__(f"unknown literacy level {level!r}")
        self.level = level


class InvalidDuration(CatalogError):
    """A training duration that is not a positive number of months."""

    def __init__(self, months: int) -> None:
        super().__init__(f"duration must be at least 1 month, got {months}")
        self.months = months
