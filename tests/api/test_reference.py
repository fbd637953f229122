"""Reference data as FACTS.md gives it: provinces, towns, occupations, skill families."""

import pytest

from training_catalog import SKILL_FAMILIES

TOWN_CODES = {
    "PNH",
    "SRP",
    "SHV",
    "BTB",
    "POI",
    "SSP",
    "SVR",
    "BVT",
    "KPT",
    "KEP",
    "KCM",
    "TKO",
    "KKG",
    "CBM",
    "TKM",
}


@pytest.fixture
def headers(token, auth):
    return auth(token("counsellor"))


def test_all_25_provinces_have_iso_codes_and_khmer_names(client, headers) -> None:
    items = client.get("/api/v1/provinces?limit=500", headers=headers).get_json()["items"]
    assert {p["code"] for p in items} == {f"KH-{n}" for n in range(1, 26)}
    assert all(p["name_km"] for p in items)
    assert {p["code"]: p["name"] for p in items}["KH-20"] == "Svay Rieng"


def test_the_15_towns_with_their_provinces_and_tourist_flags(client, headers) -> None:
    items = client.get("/api/v1/towns", headers=headers).get_json()["items"]
    towns = {t["code"]: t for t in items}
    assert set(towns) == TOWN_CODES
    assert towns["SRP"]["tourist_hub"] and towns["SRP"]["province"] == "KH-17"
    assert not towns["SVR"]["tourist_hub"]
    assert towns["BVT"]["province"] == "KH-20"


def test_occupations_carry_the_flags_the_law_needs(client, headers) -> None:
    items = client.get("/api/v1/occupations", headers=headers).get_json()["items"]
    occupations = {o["code"]: o for o in items}
    assert occupations["9313"]["hazardous"]  # construction labourer
    assert occupations["5132"]["night_work"]  # bartender
    assert occupations["8153"]["on_the_job"]  # garment sewing is learned at work
    assert occupations["7531"]["skill_family"] == "textile"
    assert any(o["exploitation_risk"] for o in items)
    assert all(o["name_km"] for o in items)


def test_the_13_skill_families_in_contract_order(client, headers) -> None:
    items = client.get("/api/v1/skill-families", headers=headers).get_json()["items"]
    assert sorted(i["name"] for i in items) == sorted(SKILL_FAMILIES)


def test_pages_follow_the_cursor_to_the_end(client, headers) -> None:
    seen, cursor = [], None
    while True:
        url = "/api/v1/provinces?limit=10" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).get_json()
        seen += [p["code"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 25


def test_a_forged_cursor_is_400(client, headers) -> None:
    response = client.get("/api/v1/towns?cursor=%%%", headers=headers)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "cursor"


def test_health_names_the_database(client) -> None:
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok"
    assert body["database"] in ("sqlite", "postgresql")


def test_the_openapi_document_lists_the_reference_endpoints(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/towns", "/api/v1/occupations", "/api/v1/health"):
        assert path in spec["paths"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_the_interactive_docs_page_and_its_assets_are_served_locally(client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/api/v1/docs/static/" in page.data
    asset = client.get("/api/v1/docs/static/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()
