"""Statuses a view's own use case answers, for the OpenAPI document.

The statuses every operation shares (401, 403, 404 for a path id, 400/413/422 for a
body, 409 for a write, 429) are added by the plugin in ``api.http.openapi``, which also
documents each error status as problem+json. A view names only what its use case adds
(a 409 on a read, a 422 from its query, a 428), with its title as description.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Blueprint

from api.errors import TITLES

F = TypeVar("F", bound=Callable[..., Any])


def problems(blp: Blueprint, *statuses: int) -> Callable[[F], F]:
    """Document each of ``statuses`` as an error answer of the decorated view."""

    def decorate(view: F) -> F:
        for status in sorted(set(statuses)):
            view = blp.alt_response(status, description=TITLES[status])(view)
        return view

    return decorate
