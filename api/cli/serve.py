"""``pathways serve``: the web app and the API under gunicorn (a production WSGI server)."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from gunicorn.app.base import BaseApplication

from api.app import create_app


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and the API with gunicorn (a production WSGI server)."""

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            # Ids only in URLs, so the access log carries no survivor data.
            self.cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms')

        def load(self) -> Flask:
            return served_app()

    # Every worker creates its own app and must sign page sessions with
    # the same key: without a configured one, the key this process drew is handed down.
    os.environ.setdefault("PATHWAYS_SECRET_KEY", current_app.config["SECRET_KEY"])
    click.echo(f"Serving Pathways on http://{host}:{port} (Ctrl+C stops it)", err=True)
    Server().run()


def served_app() -> Flask:
    """The app a server worker serves: a new one, created in the worker.

    ``serve`` runs inside the CLI app's context, which a forked worker inherits; Flask
    pushes a fresh app context per request only for a different app, so serving the
    CLI's own app would share one ``g``, one database session and one connection pool
    across all requests.
    """
    return create_app()
