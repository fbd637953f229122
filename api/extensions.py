"""The Flask extensions, created unbound and bound to an app by ``create_app``."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api

limiter = Limiter(key_func=get_remote_address)
smorest = Api()
