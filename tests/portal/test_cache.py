"""portal.cache: the Redis client kept per server, and VersionedCache (the 示范楼宇 and enterprise-list caches)."""

import pytest
from django.core.cache import cache

from portal.cache import ResilientRedisCache, VersionedCache


def test_the_redis_cache_keeps_one_client_per_server():
    backend = ResilientRedisCache("redis://127.0.0.1:6379/0", {})  # no connection is made to build it
    client = backend._cache.get_client()
    assert backend._cache.get_client() is client
    assert backend._cache.get_client(write=True) is client  # one server: reads and writes share it


@pytest.fixture
def versioned():
    cache.clear()
    return VersionedCache("test:versioned", timeout=60)


@pytest.mark.django_db
def test_a_value_is_computed_once_per_version(versioned, django_capture_on_commit_callbacks):
    computed = []

    def compute():
        computed.append(1)
        return f"value {len(computed)}"

    assert versioned.get_or_compute("k", compute) == "value 1"
    assert versioned.get_or_compute("k", compute) == "value 1"
    with django_capture_on_commit_callbacks(execute=True):
        versioned.invalidate()
    assert versioned.get_or_compute("k", compute) == "value 2"
    assert len(computed) == 2


@pytest.mark.django_db
def test_invalidate_bumps_now_and_once_on_commit_however_many_writes(
    versioned, django_capture_on_commit_callbacks
):
    version = versioned.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(5):
            versioned.invalidate()
        assert versioned.version() == version + 5  # the writer's own reads miss at once
    assert len(callbacks) == 5
    assert versioned.version() == version + 6  # and the commit bumps once more, once


def test_an_entry_stored_under_an_older_version_is_not_served(versioned):
    version, value = versioned.lookup("k")
    assert value is None
    versioned.store("k", version - 1, "stale")  # a reader that took the number before a write's commit
    assert versioned.lookup("k") == (version, None)
    versioned.store("k", version, "fresh")
    assert versioned.lookup("k") == (version, "fresh")


def test_a_lost_version_starts_above_every_older_number(versioned):
    versioned.store("k", versioned.version(), "old")
    before = versioned.version()
    cache.delete(versioned.version_key)  # evicted, or Redis restarted empty
    assert versioned.version() > before
    assert versioned.lookup("k")[1] is None


def test_without_a_cache_every_read_computes(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    versioned = VersionedCache("test:dummy", timeout=60)
    assert [versioned.get_or_compute("k", lambda n=n: n) for n in range(3)] == [0, 1, 2]
