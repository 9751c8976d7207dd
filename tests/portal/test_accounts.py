import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal import services
from portal.choices import Role
from portal.models import User
from tests.factories import EnterpriseFactory, make_uscc, region

pytestmark = pytest.mark.django_db

GOOD = "Strong-pass-2026"


def create(api, actor, **data):
    return api.as_user(actor).post("/api/v1/accounts/", data, format="json")


def test_city_creates_each_role(world, api):
    assert create(api, world.city, username="c2", password=GOOD, role="city").status_code == 201
    response = create(api, world.city, username="d2", password=GOOD, role="district", region="500109")
    assert response.status_code == 201
    assert response.data == {
        "id": response.data["id"],
        "username": "d2",
        "role": "district",
        "region": "500109",
        "enterprise": None,
        "is_active": True,
        "last_login": None,
    }
    response = create(
        api, world.city, username="e2", password=GOOD, role="enterprise", enterprise=world.other_enterprise.pk
    )
    assert response.status_code == 201
    assert response.data["region"] == "500105"  # an enterprise user's region is its enterprise's
    user = User.objects.get(username="e2")
    assert user.check_password(GOOD) and user.region is None
    assert user.history.first().history_user == world.city


def test_district_opens_enterprise_user_for_own_region(world, api):
    response = create(
        api,
        world.district,
        username="filer2",
        password=GOOD,
        role="enterprise",
        enterprise=world.own_enterprise.pk,
    )
    assert response.status_code == 201
    assert User.objects.get(username="filer2").enterprise == world.own_enterprise


@pytest.mark.parametrize(
    ("data", "status", "field", "message"),
    [
        ({"role": "enterprise", "enterprise": "OTHER"}, 404, "detail", "不存在或不在您的权限范围内"),
        (
            {"role": "district", "region": "500103"},
            403,
            "detail",
            "区县用户只能为本区域的企业开设企业填报员账号。",
        ),
        ({"role": "city"}, 403, "detail", "区县用户只能为本区域的企业开设企业填报员账号。"),
    ],
)
def test_district_refused_outside_its_remit(world, api, data, status, field, message):
    if data.get("enterprise") == "OTHER":
        data["enterprise"] = world.other_enterprise.pk
    before = User.objects.count()
    response = create(api, world.district, username="intruder", password=GOOD, **data)
    assert response.status_code == status
    assert message in str(response.data[field])
    assert User.objects.count() == before


def test_service_refuses_other_region_enterprise_even_without_the_api(world):
    with pytest.raises(ValidationError) as exc:
        services.create_account(
            actor=world.district,
            username="x1",
            password=GOOD,
            role=Role.ENTERPRISE,
            enterprise=world.other_enterprise,
        )
    assert exc.value.message_dict == {"enterprise": ["企业不存在或不在您管辖的区域内。"]}
    assert not User.objects.filter(username="x1").exists()


def test_enterprise_user_may_not_manage_accounts(world):
    with pytest.raises(PermissionDenied, match="您的角色无权管理账号。"):
        services.create_account(
            actor=world.enterprise,
            username="x1",
            password=GOOD,
            role=Role.ENTERPRISE,
            enterprise=world.own_enterprise,
        )
    assert not User.objects.filter(username="x1").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "p1", "password": "123", "role": "city"}, "password", "密码长度太短"),
        ({"username": "p1", "password": "12345678901", "role": "city"}, "password", "密码只包含数字。"),
        (
            {"username": "city-staff", "password": GOOD, "role": "city"},
            "username",
            "用户名“city-staff”已被使用。",
        ),
        ({"username": "CITY-STAFF", "password": GOOD, "role": "city"}, "username", "已被使用"),
        ({"username": "p1", "role": "city"}, "password", "请设置初始密码。"),
        ({"username": "p1", "password": GOOD, "role": "district"}, "region", "区县用户必须指定所属区域。"),
        (
            {"username": "p1", "password": GOOD, "role": "enterprise"},
            "enterprise",
            "企业填报员必须指定所属企业。",
        ),
        (
            {"username": "p1", "password": GOOD, "role": "city", "region": "500103"},
            "role",
            "市级用户不能绑定区域或企业。",
        ),
        ({"username": "p1", "password": GOOD, "role": "mayor"}, "role", "不是合法选项"),
        ({"username": "p1", "password": GOOD, "role": "district", "region": "999999"}, "region", "不存在"),
    ],
)
def test_bad_account_input_is_refused_and_nothing_written(world, api, data, field, message):
    before = User.objects.count()
    response = create(api, world.city, **data)
    assert response.status_code == 400, response.data
    assert message in " ".join(response.data[field])
    assert User.objects.count() == before


def test_enterprise_user_region_must_match_its_enterprise(world, api):
    before = User.objects.count()
    response = create(
        api,
        world.city,
        username="p1",
        password=GOOD,
        role="enterprise",
        enterprise=world.own_enterprise.pk,
        region="500105",
    )
    assert response.status_code == 400
    assert response.data["region"] == ["企业填报员的区域由其企业决定，与所填区域不一致。"]
    assert User.objects.count() == before


def test_database_refuses_a_role_without_its_binding(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="loose", role=Role.DISTRICT)
    assert not User.objects.filter(username="loose").exists()


def test_district_sees_only_its_region_accounts(world, api):
    usernames = {
        row["username"] for row in api.as_user(world.district).get("/api/v1/accounts/").data["results"]
    }
    assert usernames == {"officer-yuzhong", "filer-own"}
    own = {row["username"] for row in api.as_user(world.enterprise).get("/api/v1/accounts/").data["results"]}
    assert own == {"filer-own"}


def test_district_deactivates_and_resets_its_enterprise_user(world, api):
    response = api.as_user(world.district).patch(
        f"/api/v1/accounts/{world.enterprise.pk}/",
        {"is_active": False, "password": "New-pass-2026x"},
        format="json",
    )
    assert response.status_code == 200
    world.enterprise.refresh_from_db()
    assert not world.enterprise.is_active and world.enterprise.check_password("New-pass-2026x")


@pytest.mark.parametrize(
    ("target", "data", "status", "message"),
    [
        ("district", {"is_active": False}, 403, "区县用户只能重置本区域企业填报员的密码或启用、停用其账号。"),
        ("enterprise", {"role": "city"}, 403, "区县用户只能重置本区域企业填报员的密码或启用、停用其账号。"),
        ("enterprise", {"username": "renamed"}, 400, "用户名创建后不能修改。"),
        ("enterprise", {"password": "short"}, 400, "密码长度太短"),
    ],
)
def test_district_refused_updates(world, api, target, data, status, message):
    account = world.user(target)
    before = (account.is_active, account.role, account.username, account.password)
    response = api.as_user(world.district).patch(f"/api/v1/accounts/{account.pk}/", data, format="json")
    assert response.status_code == status
    assert message in str(response.data)
    account.refresh_from_db()
    assert (account.is_active, account.role, account.username, account.password) == before


def test_nobody_deactivates_themselves(world, api):
    response = api.as_user(world.city).patch(
        f"/api/v1/accounts/{world.city.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"is_active": ["不能停用自己的账号。"]}
    world.city.refresh_from_db()
    assert world.city.is_active


def test_city_moves_an_officer_to_another_region(world, api):
    response = api.as_user(world.city).patch(
        f"/api/v1/accounts/{world.district.pk}/", {"region": "500109"}, format="json"
    )
    assert response.status_code == 200
    world.district.refresh_from_db()
    assert world.district.region.code == "500109"


def test_account_list_query_count_is_fixed(world, api, django_assert_max_num_queries):
    api.as_user(world.city)

    def list_accounts():
        with django_assert_max_num_queries(3):  # token and user, count, page
            return api.get("/api/v1/accounts/").data["count"]

    small = list_accounts()
    for n in range(30):
        enterprise = EnterpriseFactory(region=region("500109"), uscc=make_uscc(7000000 + n, "500109"))
        services.create_account(
            actor=world.city, username=f"bulk{n}", password=GOOD, role=Role.ENTERPRISE, enterprise=enterprise
        )
    assert list_accounts() == small + 30


def test_account_pages(world, client, django_assert_max_num_queries):
    client.force_login(world.district)
    with django_assert_max_num_queries(8):
        page = client.get("/accounts/").content.decode()
    assert "filer-own" in page and "filer-other" not in page
    form = client.get("/accounts/new/").content.decode()
    assert world.own_enterprise.name in form and world.other_enterprise.name not in form
    response = client.post(
        "/accounts/new/",
        {"username": "filer3", "password": GOOD, "role": "enterprise", "enterprise": world.own_enterprise.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"  # the page, not /api/v1/accounts/ of the same old name
    assert User.objects.get(username="filer3").enterprise == world.own_enterprise
    assert '<a href="/accounts/">返回列表</a>' in form
    assert 'href="/accounts/"' in page and 'href="/api/v1/accounts/"' not in page  # 账号管理 in the menu


def test_account_page_shows_service_errors_and_writes_nothing(world, client):
    client.force_login(world.city)
    before = User.objects.count()
    response = client.post("/accounts/new/", {"username": "p1", "password": GOOD, "role": "district"})
    assert response.status_code == 400
    assert "区县用户必须指定所属区域。" in response.content.decode()
    assert User.objects.count() == before
