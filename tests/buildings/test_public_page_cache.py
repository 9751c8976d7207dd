"""The public 示范楼宇 page caches its rendered list (issue 9: caching of public pages): a cached visit renders
no list, yet every response carries its own CSP nonce on the chart's script, and a write shows at once."""

import re

import pytest

from tests.factories import designate, make_building

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_cache(settings):
    """What is tested is the view's use of the cache, so a cache that a loaded Redis cannot time out."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def showcases(world):
    designate(make_building("500103", name="解放碑软件大厦"), batch=1)
    designate(make_building("500105", name="观音桥数智大楼"), batch=2)


def _nonces(response) -> tuple[str, list[str]]:
    header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return header, re.findall(r'<script nonce="([^"]+)"', response.content.decode())


def test_a_cached_visit_renders_no_list_but_its_own_nonce(client, showcases):
    first = client.get("/demonstration-buildings/")
    second = client.get("/demonstration-buildings/")
    body = "buildings/_public_list_body.html"
    assert body in [t.name for t in first.templates]
    assert body not in [t.name for t in second.templates]  # the list came from the cache
    assert first.content.count(b"building-card-head") == second.content.count(b"building-card-head") == 2
    for response in (first, second):
        header, scripts = _nonces(response)
        # The chart's script and the menu's, both with this response's nonce.
        assert len(scripts) == 2 and set(scripts) == {header}
    assert _nonces(first)[0] != _nonces(second)[0]


def test_an_unusable_filter_shows_the_whole_list(client, showcases):
    response = client.get("/demonstration-buildings/", {"batch": "abc", "region": "500103"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "解放碑软件大厦" in page and "观音桥数智大楼" in page


def test_the_cached_page_follows_a_designation(world, client, showcases):
    assert "大坪科技大厦" not in client.get("/demonstration-buildings/").content.decode()
    designate(make_building("500103", name="大坪科技大厦"), batch=3)
    page = client.get("/demonstration-buildings/").content.decode()
    assert "大坪科技大厦" in page and "第三批" in page
