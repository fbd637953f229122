"""``pathways simulate-outcomes`` and ``pathways train-model``: the learning loop from
the command line (the same use cases as ``POST /models/train``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from api.auth import Principal
from api.cli.allocations import _line
from api.cli.common import database_errors
from api.config import current_config
from api.errors import ApiError
from api.sample.outcomes import simulate
from api.services import outcome_models as service
from api.services.survivors import today_utc
from api.store.db import get_database

OPERATOR = Principal.operator()


class _Bars:
    """One tqdm bar per stage (on stderr, shown on a terminal only)."""

    def __init__(self) -> None:
        self.bars: dict[str, Any] = {}

    def count(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, leave=False, disable=None)
        bar.n = done
        bar.refresh()

    def fraction(self, stage: str, value: float) -> None:
        self.count(stage, round(100 * value), 100)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


@click.command("simulate-outcomes")
@click.option("--placements", default=2000, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=7, show_default=True, type=click.IntRange(0, 2**31))
@click.option("--org", "org_name", default=None, help="The NGO (default: the sample shelter).")
@click.option("--today", default=None, help="No follow-up after this day (YYYY-MM-DD).")
@with_appcontext
def simulate_outcomes(placements: int, seed: int, org_name: str | None, today: str | None) -> None:
    """Simulate placements and follow-ups with a known ground truth (matcher.simulate)."""
    try:
        day = date.fromisoformat(today) if today else today_utc()
    except ValueError:
        raise click.ClickException(f"--today must be a date YYYY-MM-DD, got {today!r}") from None
    bars = _Bars()
    try:
        with database_errors("simulate outcomes"), get_database().sessions() as session:
            summary = simulate(
                session,
                None,
                current_config(),
                placements=placements,
                seed=seed,
                today=day,
                org_name=org_name,
                progress=bars.count,
            )
    except ApiError as exc:
        raise click.ClickException(_line(exc)) from None
    finally:
        bars.close()
    click.echo(
        f"Simulated {summary['placements']} placements with {summary['follow_ups']} "
        f"follow-ups for {summary['organisation']}; true share in work at 12 months "
        f"{summary['true_share_lasting']:.2f}; churning employers: "
        f"{', '.join(summary['churning_employers']) or 'none'}"
    )


@click.command("train-model")
@click.option("--activate/--no-activate", default=True, show_default=True)
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0, 2**31))
@with_appcontext
def train_model(activate: bool, seed: int) -> None:
    """Train an outcome model on every placement with a follow-up and save it."""
    bars = _Bars()
    try:
        with database_errors("train a model"), get_database().sessions() as session:
            body = service.train_model(
                session,
                OPERATOR,
                current_config(),
                activate_it=activate,
                seed=seed,
                progress=bars.fraction,
            )
    except ApiError as exc:
        raise click.ClickException(_line(exc)) from None
    finally:
        bars.close()
    m = body["metrics"]
    click.echo(
        f"Model {body['version']} ({body['card']['classifier']}) trained on {body['rows']} "
        f"placements{'; active' if body['active'] else ''}. Backtest after {m['cutoff']} "
        f"({m['rows']} outcomes): ROC AUC {m['roc_auc']}, Brier {m['brier']}, ECE {m['ece']}"
    )
