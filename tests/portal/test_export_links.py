"""Every list page offers its filtered list as .xlsx (issue 8), and the public 示范楼宇 export is whole."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import designate, make_building

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "path", "api"),
    [
        (
            "district",
            "/enterprises/?industry=software",
            "/api/v1/enterprises/?format=xlsx&amp;industry=software",
        ),
        ("district", "/reports/", "/api/v1/monthly-reports/?format=xlsx"),
        ("district", "/buildings/", "/api/v1/buildings/?format=xlsx"),
        ("anonymous", "/demonstration-buildings/", "/api/v1/demonstration-buildings/?format=xlsx"),
        ("anonymous", "/scenarios/", "/api/v1/scenarios/?format=xlsx"),
        ("district", "/scenarios/manage/", "/api/v1/scenarios/?format=xlsx"),
        ("city", "/programmes/", "/api/v1/programmes/?format=xlsx"),
        ("city", "/targets/", "/api/v1/targets/?format=xlsx"),
        ("city", "/work-items/", "/api/v1/work-items/?format=xlsx"),
        ("district", "/projects/", "/api/v1/investment-projects/?format=xlsx"),
        ("district", "/events/", "/api/v1/events/?format=xlsx"),
    ],
)
def test_list_pages_link_their_export(world, client, who, path, api):
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    assert api in response.content.decode()


def test_public_demonstration_export_is_the_whole_filtered_list(world, client):
    for n in range(3):
        designate(make_building("500103", name=f"示范楼宇{n}"), batch=1)
    response = client.get("/api/v1/demonstration-buildings/", {"format": "xlsx", "page_size": 1})
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    assert sheet.max_row == 4  # the header and all three buildings, not one page
