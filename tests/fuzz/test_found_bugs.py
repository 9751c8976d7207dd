"""Each bug the fuzzing found, pinned by a plain test of the fixed behaviour (and the ones in files this
suite may not change, as strict expected failures until their owners fix them)."""

import json

import pytest
from django.core.management import call_command

from evaluation.models import Run
from tests import factories


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    return json.loads(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ["/api/v1/events/", "/api/v1/investment-projects/"])
@pytest.mark.parametrize("year", ["52769007882617820", "-1", "2025.5", "0"])
def test_a_year_filter_out_of_range_is_a_400_not_a_crash(world, api, path, year):
    """``?year=5.2769e16`` overflowed ``date`` in the ``__year`` lookup: 500."""
    response = api.as_user(world.city).get(path, {"year": year})
    assert response.status_code == 400
    assert list(response.json()) == ["year"]


def test_a_year_filter_still_filters(world, api):
    event = factories.make_event("500103")
    client = api.as_user(world.city)
    assert client.get("/api/v1/events/", {"year": event.held_on.year}).json()["count"] == 1
    assert client.get("/api/v1/events/", {"year": event.held_on.year - 1}).json()["count"] == 0


@pytest.mark.parametrize("body", [{"note": "长" * 501}, ["note"], {"note": ["a", "b"]}])
def test_a_run_note_the_database_cannot_hold_is_a_400(world, api, body):
    """A note over 500 characters reached PostgreSQL and failed there (500); a list body had no ``.get``."""
    from tests.evaluation.conftest import run_now

    scheme = factories_scheme()
    run = run_now(scheme)
    response = api.as_user(world.city).patch(f"/api/v1/evaluation/runs/{run.pk}/", body, format="json")
    assert response.status_code == 400
    assert Run.objects.get(pk=run.pk).note == ""


def test_a_run_note_is_still_saved(world, api):
    from tests.evaluation.conftest import run_now

    run = run_now(factories_scheme())
    response = api.as_user(world.city).patch(
        f"/api/v1/evaluation/runs/{run.pk}/", {"note": "初算"}, format="json"
    )
    assert response.status_code == 200 and response.json()["note"] == "初算"


def factories_scheme():
    from evaluation import services

    return services.create_scheme(
        actor=None,
        name="回归测试方案",
        year=2025,
        period="Y",
        regions=[factories.region("500103"), factories.region("500105")],
        indicators=[{"code": "e", "name": "新增企业数", "weight": "100", "source": "new_enterprises"}],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/accounts/-4.1e-284/", "/api/v1/imports/jobs/x/", "/api/v1/nothing/"]
)
def test_an_api_url_no_route_matches_answers_json(client, path):
    """Django's HTML 404 page answered API URLs that no route matches (an id with a dot, a bad slug)."""
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.django_db
def test_a_page_url_no_route_matches_still_answers_the_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_error_of_an_export_is_json_not_a_spreadsheet(world, api):
    """``?format=xlsx`` with a bad filter rendered the 400's error dict as a workbook."""
    response = api.as_user(world.city).get("/api/v1/enterprises/", {"format": "xlsx", "region": "nowhere"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "region" in response.json()
    ok = api.as_user(world.city).get("/api/v1/enterprises/", {"format": "xlsx"})
    assert ok.status_code == 200 and ok["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_created_or_edited_scenario_answers_its_figures(world, api):
    """POST and PATCH answered a scenario without ``application_count`` and ``awarded_amount``, which the
    schema requires in every answer."""
    client = api.as_user(world.district)
    data = factories.scenario_data()
    data["region"] = data["region"].code
    created = client.post("/api/v1/scenarios/", data, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["application_count"] == 0 and created.json()["awarded_amount"] is None
    edited = client.patch(f"/api/v1/scenarios/{created.json()['id']}/", {"title": "改名"}, format="json")
    assert edited.status_code == 200
    assert {"application_count", "awarded_amount", "winners"} <= set(edited.json())
    # A PATCH's answer left out the list fields of an unpublished scenario (DRF skips a field's default
    # in a partial serializer) instead of answering them null.
    assert edited.json()["list_no"] is None and edited.json()["list_title"] is None


def test_the_schema_documents_the_errors_and_the_public_reads(db, schema):
    paths = schema["paths"]
    report = paths["/api/v1/monthly-reports/{id}/submit/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(report["responses"])
    assert report["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorDetail"
    }
    assert {} in paths["/api/v1/regions/"]["get"]["security"]
    assert {} not in paths["/api/v1/accounts/"]["get"]["security"]
    assert "403" not in paths["/api/v1/regions/"]["get"]["responses"]
    assert set(paths["/api/v1/auth/token/"]["post"]["responses"]) == {"200", "400", "429"}
    export = paths["/api/v1/enterprises/"]["get"]["responses"]["200"]["content"]
    assert export["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]["schema"] == {
        "type": "string",
        "format": "binary",
    }


def test_the_schema_says_which_fields_may_be_null(db, schema):
    components = schema["components"]["schemas"]
    for component, field in [
        ("Region", "parent"),
        ("Scenario", "list_no"),
        ("Scenario", "list_title"),
        ("ScenarioList", "region"),
        ("ProgressEntry", "entered_by"),
        ("WorkItemNote", "author"),
    ]:
        assert components[component]["properties"][field].get("nullable") is True, (component, field)


def test_detail_actions_answering_lists_are_neither_paged_nor_exported(db, schema):
    """manual-scores, progress and notes answer plain lists: the schema promised pages, filters and an
    Excel export (404), and a 200 list for the POST that creates one entry (201)."""
    for path in [
        "/api/v1/evaluation/schemes/{id}/manual-scores/",
        "/api/v1/targets/{id}/progress/",
        "/api/v1/work-items/{id}/notes/",
    ]:
        get, post = schema["paths"][path]["get"], schema["paths"][path]["post"]
        assert [p["name"] for p in get["parameters"]] == ["id"], path
        assert get["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
        assert "201" in post["responses"] and "200" not in post["responses"], path


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/occupancies/", "building"),
        ("/api/v1/occupancies/", "enterprise"),
        ("/api/v1/monthly-reports/", "enterprise"),
        ("/api/v1/support-grants/", "enterprise"),
        ("/api/v1/scenario-applications/", "scenario"),
        ("/api/v1/scenario-applications/", "enterprise"),
    ],
)
@pytest.mark.parametrize("value", ["-1.2199309881668147e+299", str(2**64), "0.5", "0"])
def test_an_id_filter_that_is_no_id_is_a_400(world, api, path, name, value):
    """An id beyond 64 bits crashed SQLite ("Python int too large to convert to SQLite INTEGER", 500)."""
    response = api.as_user(world.city).get(path, {name: value})
    assert response.status_code == 400 and list(response.json()) == [name]


def test_an_id_filter_still_filters(world, api):
    world.grant()
    client = api.as_user(world.city)
    mine = client.get("/api/v1/support-grants/", {"enterprise": world.own_enterprise.pk}).json()
    other = client.get("/api/v1/support-grants/", {"enterprise": world.other_enterprise.pk}).json()
    assert (mine["count"], other["count"]) == (1, 0)


def test_a_batch_filter_is_a_whole_number(world, api):
    response = api.as_user(world.city).get("/api/v1/buildings/", {"batch": "1.5"})
    assert response.status_code == 400 and list(response.json()) == ["batch"]


# --- found, not fixed here: the files belong to engineers rewriting them now (reported to the lead) -----


def test_the_schema_says_a_demonstration_building_may_have_no_park(db, schema):
    properties = schema["components"]["schemas"]["DemonstrationBuilding"]["properties"]
    assert properties["park"].get("nullable") and properties["park_name"].get("nullable")


def test_a_batch_beyond_the_column_is_a_400(world, api):
    building = factories.make_building("500103")
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/designate/", {"batch": 40000}, format="json"
    )
    assert response.status_code == 400


def test_a_refused_import_file_answers_what_the_schema_documents(db, schema):
    """A refused file answers 400 ``{"file": [...]}``; the schema documented only the row report there."""
    content = schema["paths"]["/api/v1/imports/{kind}/"]["post"]["responses"]["400"]["content"]
    documented = content["application/json"]["schema"]
    if "$ref" in documented:
        documented = schema["components"]["schemas"][documented["$ref"].rsplit("/", 1)[-1]]
    assert (
        "oneOf" in documented or "anyOf" in documented or not set(documented.get("required", [])) - {"file"}
    )
