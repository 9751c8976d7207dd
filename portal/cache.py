"""A Redis cache that degrades to no cache when Redis is down.

Django's ``RedisCache`` raises on a connection error, so a stopped Redis would turn every cached page (the
public 示范楼宇 list, say) into a 500. Here such an error is logged and treated as a miss: reads return their
default, writes do nothing, ``add`` reports nothing added and ``incr`` a missing key. Pages are then
computed from the database, as without a cache.

After a failure the cache is skipped for ``RETRY_AFTER`` seconds: a Redis that accepts connections but
never answers would otherwise cost every cache call its socket timeout. Other Redis errors (a wrong type,
say) are programming errors and still raise. ``/health/`` still reports the cache as down (its write does
not read back).
"""

import functools
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DOWN = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 5.0  # seconds

# Redis location → monotonic time before which it is not tried again. Shared by the threads of a process
# (Django gives each thread its own backend instance).
_down_until: dict[str, float] = {}


def _degrade(method, fallback):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if time.monotonic() < _down_until.get(self._location, 0):
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except DOWN as exc:
            _down_until[self._location] = time.monotonic() + RETRY_AFTER
            logger.warning("Cache unavailable, %s treated as a miss: %s", method.__name__, exc)
            return fallback(*args, **kwargs)

    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = str(server)

    get = _degrade(RedisCache.get, _default)
    get_many = _degrade(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _degrade(RedisCache.has_key, lambda *args, **kwargs: False)
    set = _degrade(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _degrade(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    add = _degrade(RedisCache.add, lambda *args, **kwargs: False)
    touch = _degrade(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _degrade(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _degrade(RedisCache.delete_many, lambda *args, **kwargs: None)
    incr = _degrade(RedisCache.incr, _missing_key)
    clear = _degrade(RedisCache.clear, lambda *args, **kwargs: False)


def clear_portal_keys(cache=None) -> None:
    """Forget everything the portal cached (after a restore, say: cached pages and figures would show the
    replaced data). On Redis only the keys under the cache's KEY_PREFIX go: Celery's queue lives in the
    same Redis database, and ``clear`` would flush it too. Redis down: logged, nothing to clear."""
    cache = cache or caches["default"]  # the backend itself, not django.core.cache.cache's proxy
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    try:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    except DOWN as exc:  # the restore stands; stale entries live until they expire or Redis restarts
        logger.warning("Cache unavailable, not cleared: %s", exc)
