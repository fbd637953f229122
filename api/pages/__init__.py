"""Pages for people, in Khmer and English: each role's pages call the same use cases as
the API, so what a page shows is what the API answers.

``frame`` is what every page shares (sign-in, language, the role guard, errors as
pages); ``signin``, ``counsellor``, ``casework``, ``employer``, ``surveyor``, ``admin``
and ``safety`` (the avoid list, held vacancies, outcome models) are the pages themselves.
"""

from __future__ import annotations

from flask import Flask

from api.pages import admin, casework, counsellor, employer, safety, signin, surveyor
from api.pages.frame import bp, init_app

__all__ = [
    "admin",
    "casework",
    "counsellor",
    "employer",
    "register",
    "safety",
    "signin",
    "surveyor",
]


def register(app: Flask) -> None:
    """Add the pages, their CSRF protection, their languages and their error pages."""
    init_app(app)
    app.register_blueprint(bp)
