"""``pathways allocate``: a cohort's allocation from the command line, same service as
``POST /allocations`` (and ``/confirm`` with ``--confirm``)."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from tqdm import tqdm

from api.auth import Principal
from api.config import current_config
from api.errors import ApiError
from api.services import allocations as service
from api.store.db import get_database
from api.store.models import Organisation, Survivor

STAGES = {
    "scores": "scoring",
    "prepare": "preparing",
    "solve": "solving",
    "verify": "verifying",
    "status_quo": "status quo",
}


class _Progress:
    """One tqdm bar per stage (on stderr, shown on a terminal only)."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, fraction: float) -> None:

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(
                total=100,
                desc=STAGES.get(stage, stage),
                bar_format="{desc}: {percentage:3.0f}%|{bar}|",
                leave=False,
                disable=None,  # a bar on a terminal only, not in logs or pipes
            )
        self.bar.n = min(100, round(100 * fraction))
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _ids(value: str) -> list[int]:
    try:
        ids = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.ClickException(
            f"--survivors must be survivor ids separated by commas, e.g. 1,2,3 (got {value!r})"
        ) from None
    if not ids:
        raise click.ClickException("--survivors lists no survivor")
    return ids


def _line(exc: ApiError) -> str:
    if exc.errors and len(exc.errors) == 1:
        return f"{exc.detail} ({exc.errors[0].get('message', '')})"
    return exc.detail


def _report(body: dict[str, Any]) -> None:
    stats, sq = body["stats"], body["status_quo"]
    n_tracks = len(body["tracks"])
    click.echo(
        f"Allocation {body['id']} ({body['status']}): {len(body['assignments'])} survivors, "
        f"{n_tracks} tracks, season {body['season']['label']}"
    )
    click.echo(f"{'':14}{'allocation':>12}{'status quo':>12}")
    for key, label in (
        ("assigned", "assigned"),
        ("unassigned", "unassigned"),
        ("first_choice", "first choice"),
        ("top_two", "top two"),
    ):
        click.echo(f"{label:14}{stats[key]:>12}{sq[key]:>12}")
    click.echo(f"{'total score':14}{body['total_score']:>12.4f}{sq['total_score']:>12.4f}")
    if "figures" in body:
        _report_figures(body["figures"])
    for a in body["assignments"]:
        click.echo(f"survivor {a['survivor_id']}: {a['explanation']}")


FIGURES = (
    ("assigned", "assigned"),
    ("first_choice", "first choice"),
    ("top_two", "top two"),
    ("top_two_good", "top two, good at"),
    ("talent_fit", "talent fit"),
    ("livable", "livable"),
    ("median_net_income_usd_month", "median net US$"),
)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _report_figures(figures: dict[str, dict[str, Any]]) -> None:
    """The cohort's figures: the proposal, arrival order and what the seats allow."""
    columns = (
        ("pathways", "pathways"),
        ("status_quo", "status quo"),
        ("seats_allow", "seats allow"),
    )
    survivors = figures["pathways"]["survivors"]
    click.echo(f"Cohort figures ({survivors} survivors; seats allow = each figure's maximum)")
    click.echo(f"{'':18}" + "".join(f"{label:>13}" for _, label in columns))
    for key, label in FIGURES:
        cells = "".join(f"{_cell(figures[c][key]):>13}" for c, _ in columns)
        click.echo(f"{label:18}{cells}")


@click.command("allocate")
@click.option("--org", "org_name", required=True, help="The NGO whose cohort is allocated.")
@click.option("--survivors", "survivor_list", default=None, help="Survivor ids, e.g. 1,2,3.")
@click.option("--all", "everyone", is_flag=True, help="Every survivor of the NGO.")
@click.option("--tracks", "track_list", default=None, help="Track codes (default: all with seats).")
@click.option("--confirm", is_flag=True, help="Reserve the seats at once.")
@with_appcontext
def allocate_command(
    org_name: str,
    survivor_list: str | None,
    everyone: bool,
    track_list: str | None,
    confirm: bool,
) -> None:
    """Allocate a cohort to the tracks' free seats; print the result against the status quo."""
    if (survivor_list is None) == (not everyone):
        raise click.ClickException("give either --survivors 1,2,3 or --all")
    tracks = None
    if track_list is not None:
        tracks = [code.strip() for code in track_list.split(",") if code.strip()]
        if not tracks:
            raise click.ClickException("--tracks lists no track code")
    db = get_database()
    progress = _Progress()
    with db.sessions() as session:
        org = session.scalar(select(Organisation).where(Organisation.name == org_name))
        if org is None:
            raise click.ClickException(f"there is no organisation {org_name!r}")
        if everyone:
            ids = list(
                session.scalars(
                    select(Survivor.id).where(Survivor.org_id == org.id).order_by(Survivor.id)
                )
            )
            # --all means those still waiting: a seat already held is not offered again.
            seated = service.already_seated(session, ids)
            if seated:
                click.echo(f"{len(seated)} survivors already hold a seat and are left out.")
                ids = [i for i in ids if i not in seated]
        else:
            assert survivor_list is not None
            ids = _ids(survivor_list)
        principal = Principal.operator(org.id, org.name, role="counsellor")
        try:
            body = service.propose(
                session, principal, current_config(), ids, tracks, progress=progress
            )
            progress.close()
            if confirm:
                body = service.confirm(session, principal, body["id"])
        except ApiError as exc:
            progress.close()
            raise click.ClickException(_line(exc)) from None
    _report(body)
    if confirm:
        reserved = sum(1 for a in body["assignments"] if a["track_code"])
        click.echo(f"Confirmed: {reserved} seats reserved.")
    else:
        click.echo(f"Proposal only: confirm it with POST /api/v1/allocations/{body['id']}/confirm.")
