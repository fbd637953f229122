"""Settings: defaults, then the environment, then the mapping a caller (a test) passes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from market_survey.ingest import ReadLimits
from matcher import Settings, Weights

DEFAULTS: dict[str, Any] = {
    # Database: a SQLite file under ./instance/ unless DATABASE_URL names another.
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    # Page sign-ins: kept on the server, ended at sign-out, after this long without a
    # request, and this long after signing in whatever happens.
    "PAGE_SESSION_IDLE_MINUTES": 30,
    "PAGE_SESSION_HOURS": 10,
    # The sign-in cookie: never read by scripts, not sent by other sites' forms, and
    # over TLS only when the service is served behind it (PATHWAYS_SECURE_COOKIES=1).
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    # Uploads larger than this are refused with 413 before they are read.
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    # Every other body (a JSON request, a form) is refused with 413 above this.
    "MAX_BODY_BYTES": 256 * 1024,
    # A survey sent over HTTP (or the surveyor's page) is read only this far: past a
    # cap the reading stops with 413. The command line has no row cap (see README).
    "SURVEY_MAX_ROWS": 20_000,
    "SURVEY_MAX_COLUMNS": 60,
    "SURVEY_MAX_CELL_CHARS": 1_000,
    "SURVEY_MAX_UNPACKED_MB": 256,
    # A current season older than this many months is reported as stale.
    "SEASON_STALE_MONTHS": 9,
    # Exchange rate used for vacancy pay when no published season gives one.
    "KHR_PER_USD": 4100.0,
    # What an NGO can give towards starting an own business (the study: under US$125).
    "NGO_STARTUP_SUPPORT_USD": 125.0,
    # Per-deployment overrides of the matcher's weights and settings (field -> value;
    # see matcher/weights.py). Read once by create_app: a bad name or value stops it.
    "MATCHER_WEIGHTS": {},
    "MATCHER_SETTINGS": {},
    # Months after a job or a business starts at which a follow-up is due.
    "FOLLOW_UP_MONTHS": (1, 3, 6, 12),
    # Outcome reports show no count of fewer people than this (the CTDC's k).
    "REPORT_MIN_CELL": 11,
    # Outcome models are saved in, and only loaded from, this folder (default: models/
    # under the instance folder, which git ignores).
    "MODEL_FOLDER": None,
    # Placements with a follow-up needed before an outcome model is trained; until one
    # is active, recommendations carry no retention component and say so.
    "MIN_OUTCOMES": 200,
    "LOG_LEVEL": "INFO",
    "RATELIMIT_DEFAULT": "600 per minute",
    # What one token may store per minute, recommendations and allocations together
    # (each is kept, to be explained later): flask-limiter syntax.
    "RATELIMIT_WRITES": "30 per minute",
    # Where the rate limits are counted: memory:// is per process; when several
    # processes serve (gunicorn -w 2), name a shared store, e.g. redis://host:6379.
    "RATELIMIT_STORAGE_URI": "memory://",
    # Failed authentications allowed per address and per token prefix (then 429).
    "RATELIMIT_AUTH_FAILURES": "10 per minute",
    # Vacancies paying above this multiple of the season's pay for work learned on the
    # job are held for an admin's review (matcher/README.md).
    "LURE_PAY_FACTOR": 2.0,
    # Days a new token lasts; an admin issues a new one when it expires.
    "TOKEN_DAYS": 90,
    # How page passwords are hashed: an argon2-cffi profile (RFC 9106's low-memory
    # argon2id by default; the tests use CHEAPEST, never a deployment).
    "PASSWORD_HASH_PROFILE": "RFC_9106_LOW_MEMORY",
    # Failed page sign-ins allowed per address and per username before a pause.
    "RATELIMIT_SIGN_IN": "10 per 15 minutes",
}

# Environment variable -> setting. Documented in .env.example.
ENVIRONMENT: dict[str, tuple[str, type]] = {
    "DATABASE_URL": ("DATABASE_URL", str),
    "PATHWAYS_SECRET_KEY": ("SECRET_KEY", str),
    "PATHWAYS_MAX_UPLOAD_MB": ("MAX_CONTENT_LENGTH", int),
    "PATHWAYS_MAX_BODY_KB": ("MAX_BODY_BYTES", int),
    "PATHWAYS_SURVEY_MAX_ROWS": ("SURVEY_MAX_ROWS", int),
    "PATHWAYS_SURVEY_MAX_COLUMNS": ("SURVEY_MAX_COLUMNS", int),
    "PATHWAYS_SURVEY_MAX_CELL_CHARS": ("SURVEY_MAX_CELL_CHARS", int),
    "PATHWAYS_SURVEY_MAX_UNPACKED_MB": ("SURVEY_MAX_UNPACKED_MB", int),
    "PATHWAYS_SEASON_STALE_MONTHS": ("SEASON_STALE_MONTHS", int),
    "PATHWAYS_KHR_PER_USD": ("KHR_PER_USD", float),
    "PATHWAYS_NGO_STARTUP_SUPPORT_USD": ("NGO_STARTUP_SUPPORT_USD", float),
    "PATHWAYS_FOLLOW_UP_MONTHS": ("FOLLOW_UP_MONTHS", str),
    "PATHWAYS_REPORT_MIN_CELL": ("REPORT_MIN_CELL", int),
    "PATHWAYS_MODEL_FOLDER": ("MODEL_FOLDER", str),
    "PATHWAYS_MIN_OUTCOMES": ("MIN_OUTCOMES", int),
    "PATHWAYS_LOG_LEVEL": ("LOG_LEVEL", str),
    "PATHWAYS_RATELIMIT": ("RATELIMIT_DEFAULT", str),
    "PATHWAYS_RATELIMIT_WRITES": ("RATELIMIT_WRITES", str),
    "PATHWAYS_RATELIMIT_AUTH_FAILURES": ("RATELIMIT_AUTH_FAILURES", str),
    "PATHWAYS_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "PATHWAYS_TOKEN_DAYS": ("TOKEN_DAYS", int),
    "PATHWAYS_LURE_PAY_FACTOR": ("LURE_PAY_FACTOR", float),
    "PATHWAYS_RATELIMIT_SIGN_IN": ("RATELIMIT_SIGN_IN", str),
    "PATHWAYS_PASSWORD_HASH_PROFILE": ("PASSWORD_HASH_PROFILE", str),
    "PATHWAYS_PAGE_SESSION_IDLE_MINUTES": ("PAGE_SESSION_IDLE_MINUTES", int),
    "PATHWAYS_PAGE_SESSION_HOURS": ("PAGE_SESSION_HOURS", int),
    "PATHWAYS_SECURE_COOKIES": ("SESSION_COOKIE_SECURE", bool),
}

SURVEY_CAPS = (
    "SURVEY_MAX_ROWS",
    "SURVEY_MAX_COLUMNS",
    "SURVEY_MAX_CELL_CHARS",
    "SURVEY_MAX_UNPACKED_MB",
)
PASSWORD_PROFILES = ("RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY", "CHEAPEST")

FLAGS = {"1": True, "true": True, "yes": True, "on": True}
FLAGS |= {"0": False, "false": False, "no": False, "off": False}


def _value(raw: str, kind: type) -> Any:
    if kind is bool:  # bool("false") is True
        if raw.strip().casefold() not in FLAGS:
            raise ValueError(raw)
        return FLAGS[raw.strip().casefold()]
    return kind(raw)


class ConfigError(ValueError):
    """A setting that cannot be used (named in the message)."""


def load_config(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    instance_path: str | os.PathLike[str] = "instance",
) -> dict[str, Any]:
    """Merge defaults, environment and overrides, later ones winning."""
    config = dict(DEFAULTS)
    env = os.environ if environ is None else environ
    for variable, (key, kind) in ENVIRONMENT.items():
        raw = env.get(variable)
        if raw is None or raw == "":
            continue
        try:
            value = _value(raw, kind)
        except ValueError as exc:
            raise ConfigError(f"{variable}={raw!r} is not a valid {kind.__name__}") from exc
        if variable == "PATHWAYS_MAX_UPLOAD_MB":
            value = int(value) * 1024 * 1024
        if variable == "PATHWAYS_MAX_BODY_KB":
            value = int(value) * 1024
        if variable == "PATHWAYS_FOLLOW_UP_MONTHS":
            value = _months(variable, str(value))
        config[key] = value
    config.update(overrides or {})
    if not config["DATABASE_URL"]:
        folder = Path(instance_path)
        config["DATABASE_URL"] = f"sqlite:///{(folder / 'pathways.sqlite3').resolve()}"
    config["DATABASE_URL"] = normalise_database_url(str(config["DATABASE_URL"]))
    if not config["MODEL_FOLDER"]:
        config["MODEL_FOLDER"] = str((Path(instance_path) / "models").resolve())
    if not isinstance(config["MIN_OUTCOMES"], int) or config["MIN_OUTCOMES"] < 1:
        raise ConfigError(f"MIN_OUTCOMES must be 1 or more, got {config['MIN_OUTCOMES']!r}")
    months = config["FOLLOW_UP_MONTHS"]
    if not months or any(not isinstance(m, int) or isinstance(m, bool) or m < 1 for m in months):
        raise ConfigError(f"FOLLOW_UP_MONTHS must be whole months of 1 or more, got {months!r}")
    config["FOLLOW_UP_MONTHS"] = tuple(sorted(set(months)))
    if not isinstance(config["TOKEN_DAYS"], int) or config["TOKEN_DAYS"] < 1:
        raise ConfigError(f"TOKEN_DAYS must be 1 or more, got {config['TOKEN_DAYS']!r}")
    if config["PASSWORD_HASH_PROFILE"] not in PASSWORD_PROFILES:
        raise ConfigError(
            f"PASSWORD_HASH_PROFILE must be one of {', '.join(PASSWORD_PROFILES)}, "
            f"got {config['PASSWORD_HASH_PROFILE']!r}"
        )
    if not isinstance(config["REPORT_MIN_CELL"], int) or config["REPORT_MIN_CELL"] < 1:
        raise ConfigError(f"REPORT_MIN_CELL must be 1 or more, got {config['REPORT_MIN_CELL']!r}")
    for key in SURVEY_CAPS:
        if not isinstance(config[key], int) or isinstance(config[key], bool) or config[key] < 1:
            raise ConfigError(f"{key} must be a whole number of 1 or more, got {config[key]!r}")
    return config


def _months(variable: str, raw: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(f"{variable}={raw!r} must be months separated by commas") from exc


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class ServiceConfig:
    """What the use cases read of the settings: made once by ``create_app``, passed in."""

    weights: Weights
    engine: Settings
    khr_per_usd: float  # for vacancy pay while no published season gives a rate
    season_stale_months: int
    follow_up_months: tuple[int, ...]
    report_min_cell: int
    survey_limits: ReadLimits  # how far an uploaded survey is read (HTTP and pages)
    # A vacancy paying more than this many times the season's pay for work learned on
    # the job is held as a possible lure (matcher/README.md).
    lure_pay_factor: float = 2.0
    model_folder: str = "instance/models"
    min_outcomes: int = 200
    password_hash_profile: str = "RFC_9106_LOW_MEMORY"  # noqa: S105 (a profile name)


def service_config(config: Mapping[str, Any]) -> ServiceConfig:
    """The use cases' settings of an app's config.

    Raises ``matcher.SettingsError`` naming a bad matcher weight or setting, so that a
    misconfigured deployment does not start.
    """
    engine = dict(config["MATCHER_SETTINGS"])
    engine.setdefault("ngo_startup_support_usd", config["NGO_STARTUP_SUPPORT_USD"])
    return ServiceConfig(
        weights=Weights.from_mapping(config["MATCHER_WEIGHTS"]),
        engine=Settings.from_mapping(engine),
        khr_per_usd=float(config["KHR_PER_USD"]),
        season_stale_months=int(config["SEASON_STALE_MONTHS"]),
        follow_up_months=tuple(config["FOLLOW_UP_MONTHS"]),
        report_min_cell=int(config["REPORT_MIN_CELL"]),
        survey_limits=ReadLimits(
            max_rows=int(config["SURVEY_MAX_ROWS"]),
            max_columns=int(config["SURVEY_MAX_COLUMNS"]),
            max_cell_chars=int(config["SURVEY_MAX_CELL_CHARS"]),
            max_unpacked_bytes=int(config["SURVEY_MAX_UNPACKED_MB"]) * 1024 * 1024,
        ),
        lure_pay_factor=float(config["LURE_PAY_FACTOR"]),
        model_folder=str(config["MODEL_FOLDER"]),
        min_outcomes=int(config["MIN_OUTCOMES"]),
        password_hash_profile=str(config["PASSWORD_HASH_PROFILE"]),
    )


def current_config() -> ServiceConfig:
    """The running app's ``ServiceConfig``, for the entry points that call use cases."""
    settings: ServiceConfig = current_app.extensions["pathways.services"]
    return settings
