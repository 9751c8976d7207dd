import pytest
from django.test import Client
from django.urls import path

from portal import urls as portal_urls


def boom(request):
    raise RuntimeError("test")


urlpatterns = [*portal_urls.urlpatterns, path("boom/", boom)]


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.test_error_pages")
def test_server_error_page_is_chinese():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "系统暂时出现错误" in response.content.decode()
