"""Use cases called directly with a session, without HTTP (Cosmic Python's
``test_services.py``): what a view, a page or a command gets from each."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.auth import Principal
from api.config import service_config
from api.errors import Conflict, Forbidden, NotFound
from api.sample import load_sample
from api.services import recommendations, surveys, survivors
from api.store.models import AuditEvent, Organisation
from tests.api.builders import THIS_YEAR


def counsellor_of(session, name: str) -> Principal:
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name)
        session.add(org)
        session.commit()
    return Principal(user_id=None, org_id=org.id, org_name=name, role="counsellor")


RECORD = {
    "case_code": "SVC-001",
    "birth_year": THIS_YEAR - 16,
    "home_province": "KH-20",
    "literacy": "basic",
    "aptitudes": {"mechanical": 5},
    "preferences": ["7231"],
}


def test_a_survivor_created_by_one_ngo_is_not_found_by_another(session) -> None:
    mine, theirs = counsellor_of(session, "Shelter A"), counsellor_of(session, "Shelter B")
    created = survivors.create_survivor(session, mine, RECORD)
    assert survivors.read_survivor(session, mine, created.id).case_code == "SVC-001"
    with pytest.raises(NotFound):
        survivors.read_survivor(session, theirs, created.id)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == created.id)
    ).all()
    assert actions == ["create", "read"]  # the refused read wrote nothing


def test_the_operator_of_no_organisation_cannot_create_a_survivor(session) -> None:
    with pytest.raises(Forbidden):
        survivors.create_survivor(session, Principal.operator(), RECORD)


def test_a_recommendation_from_the_sample_names_a_livable_motorcycle_track(app, session) -> None:
    config = service_config(app.config)
    load_sample(session, config)
    session.commit()
    shelter = counsellor_of(session, "Svay Rieng Shelter")
    minor = next(
        s
        for s in survivors.list_survivors(session, shelter, 50, None)[0]
        if s.case_code == "SRS-2026-001"
    )
    body = recommendations.recommend(session, shelter, config, minor.id, limit=3)
    top = body["items"][0]
    assert top["track"]["code"] == "motorcycle-repair-svr"
    assert top["meets_living_wage"] is True
    stored = recommendations.read_recommendation(session, shelter, minor.id, body["id"])
    assert stored["items"] == body["items"]


def test_a_published_season_cannot_be_published_or_deleted_again(app, session) -> None:
    load_sample(session, service_config(app.config))
    session.commit()
    season = surveys.current_season_summary(session, 9)
    assert season is not None
    with pytest.raises(Conflict):
        surveys.delete_season(session, Principal.operator(), season["id"])
