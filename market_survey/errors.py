"""The survey package's own errors: every problem a person can fix, listed at once."""

from __future__ import annotations

from typing import Any

# One problem: {"row": 1-based data row (absent for file or column problems),
# "field": the column, "message": the reason in words}.
Problem = dict[str, Any]


class SurveyError(Exception):
    """A survey file or table that cannot be accepted.

    Parameters
    ----------
    errors
        Every problem found, each ``{"row"?, "field", "message"}``; ``row`` is the
        1-based data row (the first row under the header is row 1).
    detail
        One line summing the problems up; defaults to a count.
    """

    def __init__(self, errors: list[Problem], detail: str | None = None) -> None:
        self.errors: list[Problem] = list(errors)
        n = len(self.errors)
        self.detail = detail or f"{n} problem{'s' if n != 1 else ''} in the survey"
        super().__init__(self.detail)

    def first_line(self) -> str:
        """The detail and the first problem, for a one-line CLI message."""
        if not self.errors:
            return self.detail
        e = self.errors[0]
        where = f"row {e['row']}, " if e.get("row") is not None else ""
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        return f"{self.detail}: {where}{e.get('field', '')}: {e['message']}{more}"


class EmptyFile(SurveyError):
    """The file or table holds no data rows."""

    def __init__(self, field: str = "file", message: str = "the file has no data rows") -> None:
        super().__init__([{"field": field, "message": message}], "empty survey table")


class Undecodable(SurveyError):
    """The file is not UTF-8 text (or not a readable workbook or JSON)."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__([{"field": field, "message": message}], "the file cannot be read")


class SchemaProblems(SurveyError):
    """Rows or columns that break the survey schema."""


class TooLarge(SurveyError):
    """A file beyond one of the reading caps (rows, columns, a line, unpacked size).

    Raised as soon as the cap is passed, before the rest of the file is read; the
    message names the cap and how to import a bigger survey.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__([{"field": field, "message": message}], "the survey file is too large")
