"""What the matcher reads from a season: pay and openings by key, living cost by town."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from market_survey.types import JOB_COLUMNS, LIVING_COST_COLUMNS, MarketSnapshot, SeasonParams

# A market key: one kind of work in one place.
KEY: tuple[str, ...] = ("town", "occupation", "employment", "venue")


def build_snapshot(
    season_id: int, params: SeasonParams, jobs: pd.DataFrame, living_costs: pd.DataFrame
) -> MarketSnapshot:
    """A ``MarketSnapshot`` with frames in the canonical columns and dtypes.

    Raises
    ------
    ValueError
        A frame lacks one of ``JOB_COLUMNS`` / ``LIVING_COST_COLUMNS``.
    """
    for name, frame, cols in (
        ("jobs", jobs, JOB_COLUMNS),
        ("living_costs", living_costs, LIVING_COST_COLUMNS),
    ):
        missing = [c for c in cols if c not in frame]
        if missing:
            raise ValueError(f"{name} frame lacks {', '.join(missing)}")
    j = jobs.loc[:, list(JOB_COLUMNS)].reset_index(drop=True)
    j = j.astype(
        {
            "pay_min_usd_month": "float64",
            "pay_max_usd_month": "float64",
            "openings": "int64",
            "startup_cost_usd": "float64",
        }
    )
    lc = living_costs.loc[:, list(LIVING_COST_COLUMNS)].reset_index(drop=True)
    lc = lc.astype(dict.fromkeys(LIVING_COST_COLUMNS[1:], "float64"))
    return MarketSnapshot(season_id=season_id, params=params, jobs=j, living_costs=lc)


def market_by_key(jobs: pd.DataFrame) -> pd.DataFrame:
    """Per (town, occupation, employment, venue): mean pay midpoint, openings, rows.

    Parameters
    ----------
    jobs
        A frame with ``JOB_COLUMNS``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``KEY``, sorted; columns ``pay_usd_month`` (mean of the rows'
        ``(pay_min + pay_max) / 2``), ``pay_min_usd_month`` and ``pay_max_usd_month``
        (the lowest and highest), ``openings`` (sum), ``rows`` (count) and
        ``startup_cost_usd`` (mean over self-employment rows that state one).
    """
    if len(jobs) == 0:
        index = pd.MultiIndex.from_arrays([[] for _ in KEY], names=list(KEY))
        return pd.DataFrame(
            {
                "pay_usd_month": pd.Series(dtype="float64"),
                "pay_min_usd_month": pd.Series(dtype="float64"),
                "pay_max_usd_month": pd.Series(dtype="float64"),
                "openings": pd.Series(dtype="int64"),
                "rows": pd.Series(dtype="int64"),
                "startup_cost_usd": pd.Series(dtype="float64"),
            },
            index=index,
        )
    mid = (jobs["pay_min_usd_month"] + jobs["pay_max_usd_month"]) / 2.0
    frame = jobs.loc[:, list(KEY)].assign(
        mid=mid.to_numpy(),
        lo=jobs["pay_min_usd_month"].to_numpy(),
        hi=jobs["pay_max_usd_month"].to_numpy(),
        openings=jobs["openings"].to_numpy(),
        startup=jobs["startup_cost_usd"].to_numpy(),
    )
    grouped = frame.groupby(list(KEY), sort=True, observed=True)
    return pd.DataFrame(
        {
            "pay_usd_month": grouped["mid"].mean(),
            "pay_min_usd_month": grouped["lo"].min(),
            "pay_max_usd_month": grouped["hi"].max(),
            "openings": grouped["openings"].sum().astype("int64"),
            "rows": grouped.size().astype("int64"),
            "startup_cost_usd": grouped["startup"].mean(),
        }
    )


def market(snapshot: MarketSnapshot) -> pd.DataFrame:
    """``market_by_key`` of the snapshot's jobs."""
    return market_by_key(snapshot.jobs)


def living_costs(snapshot: MarketSnapshot, towns: Iterable[str] | None = None) -> pd.DataFrame:
    """Living cost per town, US$ per month.

    Parameters
    ----------
    snapshot
        The season.
    towns
        The towns wanted; by default those with a living-cost row.

    Returns
    -------
    pandas.DataFrame
        Indexed by town code: ``food_usd_month``, ``room_usd_month``,
        ``other_usd_month``, ``total_usd_month`` and ``surveyed``. A town the survey
        has no row for gets the season's living wage as its total, all of it under
        ``other`` (food and room 0): nothing is known about what an employer who
        provides food or a room would save there, so nothing is subtracted.
    """
    lc = snapshot.living_costs.set_index("town")
    lc = lc.loc[:, ["food_usd_month", "room_usd_month", "other_usd_month"]].astype("float64")
    lc["surveyed"] = True
    if towns is not None:
        wanted = list(dict.fromkeys(towns))
        lc = lc.reindex(wanted)
        unsurveyed = lc["surveyed"].isna()
        lc.loc[unsurveyed, ["food_usd_month", "room_usd_month"]] = 0.0
        lc.loc[unsurveyed, "other_usd_month"] = snapshot.params.living_wage_usd_month
        lc["surveyed"] = ~unsurveyed
    lc["surveyed"] = lc["surveyed"].astype(bool)
    lc["total_usd_month"] = lc[["food_usd_month", "room_usd_month", "other_usd_month"]].sum(axis=1)
    lc.index.name = "town"
    return lc.loc[
        :, ["food_usd_month", "room_usd_month", "other_usd_month", "total_usd_month", "surveyed"]
    ]


def living_cost(snapshot: MarketSnapshot, town: str) -> float:
    """One town's food + room + other in US$/month (the living wage if unsurveyed)."""
    return float(living_costs(snapshot, [town])["total_usd_month"].iloc[0])


__all__ = ["KEY", "build_snapshot", "living_cost", "living_costs", "market", "market_by_key"]
