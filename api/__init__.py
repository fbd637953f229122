"""The Pathways web service. ``create_app`` builds it; ARCHITECTURE.md maps the rooms."""

from api.app import create_app

__all__ = ["create_app"]
