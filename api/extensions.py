"""The Flask extensions, created unbound and bound to an app by ``create_app``."""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api

limiter = Limiter(key_func=get_remote_address)
smorest = Api()


def caller_key() -> str:
    """Whom a per-caller limit counts: the bearer token (as its hash), else the address.

    The limiter runs before authentication: an unknown token gets a count of its own,
    and its 401 besides.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()
    return "address:" + get_remote_address()


def _writes_limit() -> str:
    limit: str = current_app.config["RATELIMIT_WRITES"]
    return limit


# The endpoints that store a large document on every call (a recommendation, an
# allocation) share one budget per caller.
stored_writes = limiter.shared_limit(_writes_limit, scope="stored-writes", key_func=caller_key)
