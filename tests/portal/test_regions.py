import pytest

from portal.models import Region

pytestmark = pytest.mark.django_db

CENTRAL_URBAN = {
    "渝中区",
    "大渡口区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "渝北区",
    "巴南区",
    "两江新区",
    "西部科学城重庆高新区",
}


def test_counts_by_kind():
    assert Region.objects.filter(kind="district").count() == 26
    assert Region.objects.filter(kind="county").count() == 12
    assert Region.objects.filter(kind="zone").count() == 4
    assert Region.objects.filter(kind="park").count() == 6
    assert Region.objects.top_level().count() == 42


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("500101", "万州区"),
        ("500103", "渝中区"),
        ("500109", "北碚区"),
        ("500120", "璧山区"),
        ("500151", "铜梁区"),
        ("500156", "武隆区"),
        ("500229", "城口县"),
        ("500233", "忠县"),
        ("500243", "彭水县"),
        ("LJXQ", "两江新区"),
        ("GXQ", "西部科学城重庆高新区"),
        ("JKQ", "重庆经开区"),
        ("WSJKQ", "万盛经开区"),
    ],
)
def test_codes(code, name):
    assert Region.objects.get(code=code).name == name


def test_codes_of_districts_and_counties_are_gb2260():
    for region in Region.objects.filter(kind__in=["district", "county"]):
        assert region.code.isdigit() and region.code.startswith("500") and len(region.code) == 6


def test_central_urban_membership():
    assert set(Region.objects.central_urban().values_list("name", flat=True)) == CENTRAL_URBAN


def test_beibei_parks_are_children_in_order():
    beibei = Region.objects.get(code="500109")
    parks = list(beibei.children.order_by("code").values_list("code", "name", "kind"))
    assert parks == [
        ("500109-01", "缙云人文科技城", "park"),
        ("500109-02", "蔡家智慧新城", "park"),
        ("500109-03", "西部（重庆）科学城北碚园区", "park"),
        ("500109-04", "两江水土新城", "park"),
        ("500109-05", "温泉谷两山生态文旅产业园", "park"),
        ("500109-06", "生态农业科技产业示范区", "park"),
    ]


def test_park_without_parent_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="X-1", name="无上级园区", kind="park")
    assert not Region.objects.filter(code="X-1").exists()


def test_regions_api_is_public_and_filterable(api):
    response = api.get("/api/v1/regions/", {"central_urban": "true"})
    assert response.status_code == 200
    assert response.data["count"] == 11
    names = {row["name"] for row in response.data["results"]}
    assert names == CENTRAL_URBAN

    parks = api.get("/api/v1/regions/", {"parent": "500109"}).data
    assert parks["count"] == 6
    assert parks["results"][0] == {
        "code": "500109-01",
        "name": "缙云人文科技城",
        "kind": "park",
        "central_urban": False,
        "parent": "500109",
    }


def test_regions_api_query_count_is_fixed(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/regions/", {"page_size": 200}).data["count"] == 48
