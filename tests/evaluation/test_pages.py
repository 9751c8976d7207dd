import pytest
from openpyxl import load_workbook

from evaluation import services

from .conftest import run_now

pytestmark = pytest.mark.django_db


def test_run_page_ranking_and_publish(year_2025, make_scheme, world, client, django_assert_max_num_queries):
    run = run_now(make_scheme())
    client.force_login(world.city)
    with django_assert_max_num_queries(12):
        page = client.get(f"/evaluation/runs/{run.pk}/").content.decode()
    assert "渝中区" in page and "3000.00" in page and "发布结果" in page
    client.post(f"/evaluation/runs/{run.pk}/publish/")
    run.refresh_from_db()
    assert run.status == "published"


def test_ranking_and_scorecard_export(year_2025, make_scheme, world, client):
    import io

    run = run_now(make_scheme())
    client.force_login(world.city)
    response = client.get(f"/evaluation/runs/{run.pk}/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["排名", "方案参数"]
    assert [c.value for c in book["排名"][2]][:4] == [1, "渝中区", 90, 3000]
    assert book["方案参数"]["B3"].value == 2025
    card = load_workbook(
        io.BytesIO(client.get(f"/evaluation/runs/{run.pk}/regions/500103/", {"format": "xlsx"}).content)
    )
    assert card.sheetnames == ["得分卡", "数据明细", "方案参数"]
    assert card["得分卡"]["E6"].value == 90  # the total row


def test_scorecard_shows_the_records_behind_the_numbers(year_2025, make_scheme, world, client):
    run = run_now(make_scheme())
    services.publish_run(actor=world.city, run=run)
    client.force_login(world.district)  # 渝中区
    page = client.get(f"/evaluation/runs/{run.pk}/regions/500103/").content.decode()
    assert "构成这个数的" in page and "测试楼宇" in page
    assert (
        client.get(f"/evaluation/runs/{run.pk}/regions/500105/").status_code == 404
    )  # another region's card


def test_district_sees_the_published_ranking_not_drafts(year_2025, make_scheme, world, client):
    scheme = make_scheme()
    draft = run_now(scheme)
    client.force_login(world.district)
    assert client.get(f"/evaluation/runs/{draft.pk}/").status_code == 404
    services.publish_run(actor=world.city, run=draft)
    page = client.get(f"/evaluation/runs/{draft.pk}/").content.decode()
    assert "江北区" in page and "发布结果" not in page


def test_manual_score_page(make_scheme, world, client):
    from .conftest import DEVELOPMENT

    indicators = DEVELOPMENT[:3] + [
        {"code": "mechanism", "name": "工作机制", "weight": "30", "source": "manual"}
    ]
    scheme = make_scheme(indicators=indicators)
    client.force_login(world.city)
    response = client.post(
        f"/evaluation/schemes/{scheme.pk}/",
        {"region": "500105", "indicator": "mechanism", "score": "31", "comment": "x"},
        follow=True,
    )
    assert "“工作机制”的得分应在 0 至 30.00 之间。" in response.content.decode()
    client.post(
        f"/evaluation/schemes/{scheme.pk}/", {"region": "500105", "indicator": "mechanism", "score": "25"}
    )
    assert scheme.manual_scores.get().score == 25
