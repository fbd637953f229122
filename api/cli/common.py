"""What every command shares: database errors as one line, URLs without passwords."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.exc import SQLAlchemyError


def safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def database_errors(doing: str) -> Iterator[None]:
    """A database error becomes one line naming what failed, and the usual remedy."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"cannot {doing} (did you run 'pathways init-db'?): {first_line(exc)}"
        ) from exc
