"""Pages and API shapes: the dashboards, the public progress page, the policy text, target progress."""

from datetime import date

import pytest

from programmes import services
from programmes.models import Programme, Target
from tests.factories import make_work_item

pytestmark = pytest.mark.django_db


def test_targets_api_shape(api, world):
    target = Target.objects.get(programme__code="002", name="新增软件企业")
    data = api.as_user(world.enterprise).get(f"/api/v1/targets/{target.pk}/").json()
    assert data["programme"] == "002" and data["region"] == "500109"
    assert data["metric"] == "new_enterprises" and data["unit"] == "家" and data["year"] == 2025
    assert data["target_value"] == "750.00" and data["actual_value"] == "0.00"
    assert data["share_elapsed"] == "100.00" and data["status"] == "behind"
    listing = api.get("/api/v1/targets/?programme=000&year=2027").json()
    assert listing["count"] == 5 and {"count", "next", "previous", "results"} <= set(listing)


def test_public_sees_only_published_programmes(api, client):
    Programme.objects.filter(code="003").update(published=False)
    codes = {p["code"] for p in api.get("/api/v1/programmes/").json()["results"]}
    assert "003" not in codes and "004" in codes
    page = client.get("/progress/").content.decode()
    assert "<title>政策目标进展" in page and 'name="description"' in page
    assert "高质量发展行动计划" not in page and "满天星" in page
    hidden = Programme.objects.get(code="003")
    assert client.get(f"/programmes/{hidden.pk}/text/").status_code == 404
    text = client.get(f"/programmes/{Programme.objects.get(code='004').pk}/text/").content.decode()
    assert "渝府办〔2022〕21" in text


def test_city_dashboard_shows_headline_targets_regions_overdue_and_completeness(client, world):
    make_work_item("500103", number="D-1", due_date=date(2026, 1, 31), title="逾期的测试事项")
    client.force_login(world.city)
    page = client.get("/dashboard/").content.decode()
    assert "<title>目标看板" in page and 'id="trend-chart"' in page
    assert "逾期的测试事项" in page and "上月报送情况" in page and "渝中区" in page


def test_district_dashboard_shows_its_own_targets(client, world):
    officer = __import__("tests.factories", fromlist=["district_user"]).district_user(
        "500109", username="beibei"
    )
    client.force_login(officer)
    page = client.get("/dashboard/region/").content.decode()
    assert "北碚区看板" in page and "新增软件企业" in page and "盘活存量楼宇" in page
    client.force_login(world.district)
    page = client.get("/dashboard/region/?region=500109").content.decode()
    assert "渝中区看板" in page  # a district officer always sees its own region


def test_manual_progress_from_the_target_page(client, world):
    target = Target.objects.get(programme__code="001", name="软件领军人才")
    client.force_login(world.city)
    response = client.post(
        f"/targets/{target.pk}/progress/", {"reported_on": "2024-02-01", "value": "3", "evidence": "名单"}
    )
    assert response.status_code == 302 and not target.entries.exists()
    page = client.get(response.url).content.decode()
    assert "进展日期须在文件实施期内" in page
    services.record_progress(
        actor=world.city, target=target, reported_on=date(2023, 11, 30), value="10", evidence="公示"
    )
    assert "已完成" in client.get(f"/targets/{target.pk}/").content.decode()
