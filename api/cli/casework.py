"""``pathways follow-ups-due`` and ``pathways report``: what a counsellor must visit,
and the outcome report, through the same use cases as ``GET /follow-ups/due`` and
``GET /reports/outcomes``."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import Principal
from api.cli.common import database_errors
from api.config import current_config
from api.errors import ApiError
from api.services import follow_ups, reports
from api.store.db import get_database
from api.store.models import Organisation

MAX_WITHIN_DAYS = 366  # as GET /follow-ups/due allows
DUE_COLUMNS = ("due_on", "month", "state", "flags", "gap_usd_month", "placement", "survivor")


def _organisation(session: Session, name: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        raise click.ClickException(f"there is no organisation {name!r}")
    return org


def _one_of(option: str, value: str, allowed: Sequence[str]) -> str:
    """``value`` if allowed, else one line naming the choices (not click's usage block)."""
    if value not in allowed:
        raise click.ClickException(f"{option} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _due_row(item: Mapping[str, Any]) -> tuple[str, ...]:
    gap = item.get("gap_usd_month")
    return (
        item["due_on"].isoformat(),
        str(item["month"]),
        "overdue" if item["overdue"] else "due",
        ",".join(item["flags"]) or "-",
        "-" if gap is None else f"{gap:.2f}",
        str(item["placement_id"]),
        str(item["survivor_id"]),
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in (header, *rows)
    ]


@click.command("follow-ups-due")
@click.option("--org", "org_name", required=True, help="The NGO whose follow-ups are listed.")
@click.option(
    "--within-days",
    default="14",
    show_default=True,
    help="Also list follow-ups due within this many days (0 to 366).",
)
@with_appcontext
def follow_ups_due_command(org_name: str, within_days: str) -> None:
    """The NGO's due and overdue follow-ups: urgent first, then overdue, then by date."""
    days = int(within_days) if re.fullmatch(r"[0-9]{1,4}", within_days) else -1
    if not 0 <= days <= MAX_WITHIN_DAYS:
        raise click.ClickException(
            f"--within-days must be a whole number of days from 0 to {MAX_WITHIN_DAYS} "
            f"(got {within_days!r})"
        )
    with database_errors("list the follow-ups due"), get_database().sessions() as session:
        org = _organisation(session, org_name)
        principal = Principal.operator(org.id, org.name, role="counsellor")
        items = follow_ups.due_for(session, principal, current_config(), days)
    if not items:
        click.echo(f"No follow-up of {org.name} is due within {days} days.")
        return
    for line in _table(DUE_COLUMNS, [_due_row(i) for i in items]):
        click.echo(line)
    overdue = sum(1 for i in items if i["overdue"])
    urgent = sum(1 for i in items if "urgent" in i["flags"])
    click.echo(f"{len(items)} follow-ups: {overdue} overdue, {urgent} urgent.")


@click.command("report")
@click.option(
    "--by", default="track", show_default=True, help="Group by track, town, employer or season."
)
@click.option(
    "--format", "output", default="json", show_default=True, help="json, csv or svg (a chart)."
)
@click.option("--org", "org_name", default=None, help="One NGO's placements (default: all).")
@with_appcontext
def report_command(by: str, output: str, org_name: str | None) -> None:
    """The outcome report (small groups protected) as JSON, CSV or SVG on standard output."""
    _one_of("--by", by, reports.GROUPINGS)
    _one_of("--format", output, reports.FORMATS)
    with database_errors("make the report"), get_database().sessions() as session:
        if org_name is None:
            principal = Principal.operator()
        else:
            org = _organisation(session, org_name)
            principal = Principal.operator(org.id, org.name, role="counsellor")
        try:
            report = reports.report_for(session, principal, current_config(), by, output)
        except ApiError as exc:
            raise click.ClickException(exc.detail) from None
    if isinstance(report, str):
        click.echo(report, nl=False)
    else:
        click.echo(json.dumps(report, indent=2))
