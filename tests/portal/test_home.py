import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("anonymous", ["工作人员和企业登录"], ["账号管理", "接口文档", "管理后台"]),
        ("enterprise", ["修改密码", "接口文档"], ["账号管理", "管理后台"]),
        ("district", ["账号管理", "渝中区看板"], ["管理后台"]),
        ("city", ["账号管理", "目标看板"], []),
    ],
)
def test_home_sends_each_role_to_its_work(world, client, who, present, absent):
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    page = client.get("/", follow=True).content.decode()
    for text in present:
        assert text in page
    for text in absent:
        assert text not in page


def test_admin_link_only_for_staff(world, client):
    world.city.is_staff = True
    world.city.save()
    client.force_login(world.city)
    assert "管理后台" in client.get("/", follow=True).content.decode()


def test_health(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_404_page_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "target"), [("city", "/dashboard/"), ("district", "/dashboard/region/")])
def test_staff_start_on_their_dashboard(world, client, who, target):
    client.force_login(world.user(who))
    response = client.get("/")
    assert (response.status_code, response.url) == (302, target)
