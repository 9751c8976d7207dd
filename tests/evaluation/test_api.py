import pytest

from evaluation.models import ManualScore, Run, Scheme

from .conftest import CODES, DEVELOPMENT, run_now

pytestmark = pytest.mark.django_db


def scheme_body(**overrides):
    body = {
        "name": "中心城区发展评价（2025年度）",
        "year": 2025,
        "period": "Y",
        "regions": CODES,
        "indicators": DEVELOPMENT,
        "award_table": ["3000", "2500", "2000"],
        "award_cap": "3000",
    }
    body.update(overrides)
    return body


def test_city_creates_a_scheme(world, api):
    response = api.as_user(world.city).post("/api/v1/evaluation/schemes/", scheme_body(), format="json")
    assert response.status_code == 201, response.data
    assert response.data["award_table"] == ["3000.00", "2500.00", "2000.00"]
    assert [i["weight"] for i in response.data["indicators"]] == ["20.00", "20.00", "30.00", "30.00"]
    assert response.data["tie_rule"] == "share"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"indicators": [dict(DEVELOPMENT[0], weight="25")] + DEVELOPMENT[1:]},
            "indicators",
            "各项指标权重之和必须为 100，现为 105。",
        ),
        ({"indicators": []}, "indicators", "评价方案至少需要一项指标。"),
        (
            {"award_table": ["3000", "2500", "2000", "1500", "1000"]},
            "award_table",
            "奖励表有 5 个名次，多于参评区域数 4。",
        ),
        (
            {"award_table": ["3500"], "award_cap": "3000"},
            "award_table",
            "第 1 名奖励 3500.00 万元超过上限 3000.00 万元。",
        ),
        ({"award_cap": "5000"}, "award_cap", "单个区域奖励上限应在 0 至 3000 万元之间"),
        ({"regions": ["500103", "500109-01"]}, "regions", "参评区域不能混合区县和园区"),
        (
            {"indicators": [dict(DEVELOPMENT[0], code="acquired")] * 2 + DEVELOPMENT[2:]},
            "indicators",
            "代码为空或重复",
        ),
    ],
)
def test_bad_schemes_are_refused_and_nothing_written(world, api, overrides, field, message):
    response = api.as_user(world.city).post(
        "/api/v1/evaluation/schemes/", scheme_body(**overrides), format="json"
    )
    assert response.status_code == 400
    assert message in " ".join(str(m) for m in response.data[field])
    assert not Scheme.objects.exists()


@pytest.mark.parametrize(("score", "status"), [("-1", 400), ("20.01", 400), ("20", 201), ("0", 201)])
def test_manual_score_within_zero_and_weight(world, api, make_scheme, score, status):
    indicators = DEVELOPMENT[:3] + [
        {"code": "ecosystem", "name": "产业生态建设", "weight": "30", "source": "manual"}
    ]
    indicators[0] = dict(indicators[0], weight="10")
    indicators[3] = dict(indicators[3], weight="20")
    indicators[1] = dict(indicators[1], weight="40")
    scheme = make_scheme(indicators=indicators)
    body = {"region": "500105", "indicator": "ecosystem", "score": score, "comment": "生态建设成效明显"}
    response = api.as_user(world.city).post(
        f"/api/v1/evaluation/schemes/{scheme.pk}/manual-scores/", body, format="multipart"
    )
    assert response.status_code == status, response.data
    if status == 400:
        assert response.data["score"] == ["“产业生态建设”的得分应在 0 至 20.00 之间。"]
        assert not ManualScore.objects.exists()


def test_manual_score_refused_for_a_computed_indicator_or_a_foreign_region(world, api, make_scheme):
    scheme = make_scheme()
    url = f"/api/v1/evaluation/schemes/{scheme.pk}/manual-scores/"
    response = api.as_user(world.city).post(url, {"region": "500103", "indicator": "acquired", "score": "5"})
    assert response.data == {"indicator": ["“acquired”不是该方案的人工评分指标。"]}
    assert not ManualScore.objects.exists()


def test_recompute_returns_202_and_a_run(world, api, make_scheme, django_capture_on_commit_callbacks):
    scheme = make_scheme()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(world.city).post(f"/api/v1/evaluation/schemes/{scheme.pk}/recompute/")
    assert response.status_code == 202
    run = api.as_user(world.city).get(f"/api/v1/evaluation/runs/{response.data['run']}/").data
    assert (run["status"], run["progress"], len(run["results"])) == ("done", 100, 4)
    assert run["diff_from_published"] is None


@pytest.mark.parametrize("who", ["district", "enterprise"])
def test_recompute_and_publish_are_city_only(world, api, make_scheme, who):
    scheme = make_scheme()
    run = run_now(scheme)
    client = api.as_user(world.user(who))
    assert client.post(f"/api/v1/evaluation/schemes/{scheme.pk}/recompute/").status_code == 403
    assert client.post(f"/api/v1/evaluation/runs/{run.pk}/publish/").status_code in (403, 404)
    run.refresh_from_db()
    assert run.status == "done" and Run.objects.count() == 1


def test_editing_a_published_run_is_409(world, api, make_scheme):
    run = run_now(make_scheme())
    client = api.as_user(world.city)
    assert (
        client.patch(f"/api/v1/evaluation/runs/{run.pk}/", {"note": "初算"}, format="json").status_code == 200
    )
    assert client.post(f"/api/v1/evaluation/runs/{run.pk}/publish/").data["status"] == "published"
    response = client.patch(f"/api/v1/evaluation/runs/{run.pk}/", {"note": "改动"}, format="json")
    assert response.status_code == 409
    assert response.data == {"detail": "已发布的评价结果不能修改；如需更正，请重新计算并发布新的结果。"}
    again = client.post(f"/api/v1/evaluation/runs/{run.pk}/publish/")
    assert again.status_code == 409
    run.refresh_from_db()
    assert run.note == "初算"


def test_district_sees_published_runs_of_its_schemes_only(world, api, make_scheme):
    scheme = make_scheme()
    draft, published = run_now(scheme), run_now(scheme)
    published.status = "published"
    published.save()
    elsewhere = make_scheme(codes=["500106", "500107"], table=())
    client = api.as_user(world.district)
    assert [s["id"] for s in client.get("/api/v1/evaluation/schemes/").data["results"]] == [scheme.pk]
    assert client.get(f"/api/v1/evaluation/runs/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v1/evaluation/runs/{published.pk}/").status_code == 200
    assert client.get(f"/api/v1/evaluation/schemes/{elsewhere.pk}/").status_code == 404
