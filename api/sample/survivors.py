"""The demo survivors of the sample shelter (``data/sample/survivors.csv``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from api.audit import audit
from api.sample.files import read_sample_csv
from api.sample.organisations import organisation
from api.services.survivors import case_code_taken, survivor_problems, today_utc
from api.store.consent import add_consent
from api.store.models import Survivor

SAMPLE_SHELTER = "Svay Rieng Shelter"


def _sample_row(row: Mapping[str, str], year: int) -> dict[str, Any]:
    def words(name: str) -> list[str]:
        return row[name].split()

    def flag(name: str) -> bool:
        return row[name].strip().lower() == "true"

    return {
        "case_code": row["case_code"],
        "birth_year": year - int(row["age"]),
        "gender": row["gender"] or None,
        "home_province": row["home_province"],
        "literacy": row["literacy"],
        "education_grade": int(row["education_grade"] or 0),
        "aptitudes": {k: int(v) for k, v in (w.split(":") for w in words("aptitudes"))},
        "preferences": words("preferences"),
        "relocation": row["relocation"],
        "willing_towns": words("willing_towns"),
        "avoid_towns": words("avoid_towns"),
        "needs_accommodation": flag("needs_accommodation"),
        "self_employment_interest": flag("self_employment_interest"),
        "completed_tracks": words("completed_tracks"),
        "consent_share_with_employers": flag("consent_share_with_employers"),
        "notes": row["notes"],
    }


def load_sample_survivors(session: Session) -> str:
    """The demo survivors of the sample shelter (``data/sample/survivors.csv``)."""
    org = organisation(session, SAMPLE_SHELTER)
    year = today_utc().year
    added = 0
    for number, row in enumerate(read_sample_csv("survivors.csv"), start=1):
        values = _sample_row(row, year)
        problems = survivor_problems(session, values)
        if problems:
            listed = "; ".join(f"{p['field']} {p['message']}" for p in problems)
            raise ValueError(f"survivors.csv row {number}: {listed}")
        if case_code_taken(session, org.id, values["case_code"], None):
            continue
        given = values.pop("consent_share_with_employers")
        survivor = Survivor(org_id=org.id, **values)
        session.add(survivor)
        session.flush()
        if given:
            add_consent(
                session,
                survivor,
                given=True,
                method="written",
                guardian_consented=True,
                note="demo survivor of the shipped sample",
                user_id=None,
            )
        audit(session, None, "create", "survivor", survivor.id, org.id)
        added += 1
    session.flush()
    return f"survivors: {added} added"
