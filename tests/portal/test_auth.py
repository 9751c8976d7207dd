import pytest
from rest_framework.authtoken.models import Token

from tests.factories import TEST_PASSWORD, city_user, district_user

pytestmark = pytest.mark.django_db


def test_token_for_good_credentials(api):
    user = city_user(username="staff1")
    response = api.post(
        "/api/v1/auth/token/", {"username": "staff1", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.data["token"] == Token.objects.get(user=user).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    assert api.get("/api/v1/accounts/").status_code == 200


def test_token_refused_for_bad_credentials(api):
    city_user(username="staff1")
    response = api.post("/api/v1/auth/token/", {"username": "staff1", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.data == {"detail": "用户名或密码错误。"}
    assert not Token.objects.exists()


def test_token_refused_for_missing_fields_in_chinese(api):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert response.data["username"] == ["该字段是必填项。"]
    assert response.data["password"] == ["该字段是必填项。"]


def test_token_refused_for_deactivated_account(api):
    city_user(username="gone", is_active=False)
    response = api.post("/api/v1/auth/token/", {"username": "gone", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_missing_credentials_is_401_and_bad_token_is_401(api):
    assert api.get("/api/v1/accounts/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/accounts/")
    assert response.status_code == 401
    assert response.data == {"detail": "认证令牌无效。"}


def test_api_lockout_after_repeated_failures(api, settings):
    settings.AXES_FAILURE_LIMIT = 3
    city_user(username="staff1")
    for _ in range(3):
        api.post("/api/v1/auth/token/", {"username": "staff1", "password": "wrong"}, format="json")
    response = api.post(
        "/api/v1/auth/token/", {"username": "staff1", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["detail"]
    assert not Token.objects.exists()


def test_page_login_lockout_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    district_user(username="officer1")
    for _ in range(3):
        response = client.post("/login/", {"username": "officer1", "password": "wrong"})
        assert response.status_code in (200, 429)
    response = client.post("/login/", {"username": "officer1", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    district_user(username="officer1")
    district_user(username="officer2")
    for _ in range(3):
        client.post("/login/", {"username": "officer1", "password": "wrong"})
    response = client.post("/login/", {"username": "officer2", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_login_page_in_chinese_and_login_logout(client):
    district_user(username="officer1")
    page = client.get("/login/").content.decode()
    assert "登录" in page and 'lang="zh-CN"' in page
    bad = client.post("/login/", {"username": "officer1", "password": "wrong"})
    assert "请输入一个正确的用户名和密码" in bad.content.decode()
    good = client.post("/login/", {"username": "officer1", "password": TEST_PASSWORD})
    assert good.status_code == 302 and good.url == "/"
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
