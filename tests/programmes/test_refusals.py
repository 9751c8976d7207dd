"""Bad input that must be refused: each asserts the Chinese message and that nothing was written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from programmes import services
from programmes.models import (
    Event,
    InvestmentProject,
    Programme,
    ProgressEntry,
    Target,
    WorkItem,
    WorkItemNote,
)
from tests.factories import make_project, make_work_item, region

pytestmark = pytest.mark.django_db


def messages_of(exc, field):
    return exc.value.message_dict[field]


def test_a_target_without_a_metric_or_manual_progress_is_refused(world):
    programme = Programme.objects.get(code="004")
    before = Target.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_target(
            actor=world.city,
            programme=programme,
            name="无来源目标",
            metric="",
            unit="个",
            year=2025,
            target_value="1",
        )
    assert messages_of(exc, "metric") == ["目标必须有实时计算的指标，或设为人工填报进度。"]
    assert Target.objects.count() == before


def test_a_target_without_a_metric_is_refused_through_the_api(world, api):
    before = Target.objects.count()
    response = api.as_user(world.city).post(
        "/api/v1/targets/",
        {"programme": "004", "name": "无来源目标", "unit": "个", "year": 2025, "target_value": "1"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"metric": ["目标必须有实时计算的指标，或设为人工填报进度。"]}
    assert Target.objects.count() == before


def test_negative_values_are_refused(world):
    programme = Programme.objects.get(code="004")
    targets = Target.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_target(
            actor=world.city,
            programme=programme,
            name="负目标",
            metric="manual",
            unit="个",
            year=2025,
            target_value="-1",
        )
    assert messages_of(exc, "target_value") == ["目标值不能为负数，收到 -1.00。"]
    assert Target.objects.count() == targets

    manual = Target.objects.get(programme__code="001", name="软件领军人才")
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=world.city, target=manual, reported_on=date(2023, 6, 30), value="-3", evidence="名单"
        )
    assert messages_of(exc, "value") == ["完成值不能为负数，收到 -3.00。"]
    assert not ProgressEntry.objects.exists()

    with pytest.raises(ValidationError) as exc:
        make_project("500103", name="负投资项目", amount="-100")
    assert messages_of(exc, "amount") == ["投资额不能为负数，收到 -100.00。"]
    assert not InvestmentProject.objects.exists()


def test_negative_amount_is_refused_through_the_api(world, api):
    response = api.as_user(world.district).post(
        "/api/v1/investment-projects/",
        {
            "name": "负投资项目",
            "investor": "某公司",
            "region": "500103",
            "amount": "-5.00",
            "signed_on": "2025-01-02",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"amount": ["投资额不能为负数，收到 -5.00。"]}
    assert not InvestmentProject.objects.exists()


def test_progress_dated_outside_the_programmes_period_is_refused(world, api):
    manual = Target.objects.get(programme__code="001", name="软件领军人才")  # 001 runs through 2023
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=world.city, target=manual, reported_on=date(2024, 1, 1), value="3", evidence="名单"
        )
    assert messages_of(exc, "reported_on") == [
        "进展日期须在文件实施期内（2023-01-01 至 2023-12-31），收到 2024-01-01。"
    ]
    response = api.as_user(world.city).post(
        f"/api/v1/targets/{manual.pk}/progress/",
        {"reported_on": "2022-12-31", "value": "3", "evidence": "名单"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["reported_on"] == [
        "进展日期须在文件实施期内（2023-01-01 至 2023-12-31），收到 2022-12-31。"
    ]
    assert not ProgressEntry.objects.exists()


def test_progress_without_evidence_or_on_a_live_target_is_refused(world):
    manual = Target.objects.get(programme__code="001", name="软件领军人才")
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=world.city, target=manual, reported_on=date(2023, 6, 1), value="3", evidence=" "
        )
    assert messages_of(exc, "evidence") == ["请填写证明材料（文件名、文号或链接）。"]
    live = Target.objects.get(programme__code="001", name="新增从业人员")
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=world.city, target=live, reported_on=date(2023, 6, 1), value="3", evidence="x"
        )
    assert messages_of(exc, "target") == ["该目标由实时数据计算进度，不能人工填报。"]
    assert not ProgressEntry.objects.exists()


def test_a_district_officer_cannot_update_another_regions_work_item(world, api, client):
    item = make_work_item("500103", number="R-1")
    # the service refuses it
    with pytest.raises(ValidationError) as exc:
        services.add_work_item_note(
            actor=world.other_district, work_item=item, note="越权更新", status="done"
        )
    assert messages_of(exc, "region") == ["区县用户只能维护本区域的工作事项。"]
    # the API and the page do not even find it
    response = api.as_user(world.other_district).patch(
        f"/api/v1/work-items/{item.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 404
    client.force_login(world.other_district)
    assert client.post(f"/work-items/{item.pk}/", {"note": "越权", "status": "done"}).status_code == 404
    item.refresh_from_db()
    assert item.status == "not_started" and not WorkItemNote.objects.exists()


def test_a_district_officer_cannot_update_a_city_work_item(world):
    item = make_work_item(None, number="C-1")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="市级工作事项由市经济信息委更新。"):
        services.add_work_item_note(actor=world.district, work_item=item, note="更新", status="done")
    assert not WorkItemNote.objects.exists()


def test_a_district_officer_cannot_update_another_regions_project_or_event(world, api):
    project = make_project("500103", name="渝中项目")
    with pytest.raises(ValidationError) as exc:
        services.update_project(actor=world.other_district, project=project, amount="1.00")
    assert messages_of(exc, "region") == ["区县用户只能维护本区域的招商项目。"]
    response = api.as_user(world.other_district).patch(
        f"/api/v1/investment-projects/{project.pk}/", {"amount": "1.00"}, format="json"
    )
    assert response.status_code == 404
    project.refresh_from_db()
    assert str(project.amount) == "10000.00"
    # registering in another region is refused with the message, nothing written
    response = api.as_user(world.other_district).post(
        "/api/v1/events/",
        {"name": "越权活动", "kind": "forum", "region": "500103", "held_on": "2025-04-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"region": ["区县用户只能维护本区域的活动。"]}
    assert not Event.objects.exists()


def test_work_item_notes_move_the_status_and_stamp_completion(world):
    item = make_work_item("500103", number="S-1")
    services.add_work_item_note(
        actor=world.district, work_item=item, note="开始推进", status="in_progress", noted_on=date(2026, 1, 5)
    )
    services.add_work_item_note(
        actor=world.district, work_item=item, note="完成", status="done", noted_on=date(2026, 2, 1)
    )
    item.refresh_from_db()
    assert (item.status, item.completed_on) == ("done", date(2026, 2, 1))
    with pytest.raises(ValidationError) as exc:
        services.add_work_item_note(
            actor=world.district, work_item=item, note="补记", noted_on=date(2026, 1, 1)
        )
    assert messages_of(exc, "noted_on") == ["进展日期不能早于上一条进展（2026-02-01）。"]
    assert item.notes.count() == 2
    assert WorkItem.objects.get(pk=item.pk).history.first().history_user == world.district
    assert region("500103") == item.region
