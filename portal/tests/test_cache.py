"""portal.cache.RedisCache: Django's Redis cache with one client per pool."""

import os
import secrets

import pytest

from portal.cache import RedisCache

REDIS_URL = os.environ.get("CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.fixture
def redis_cache():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{secrets.token_hex(8)}"
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    yield cache
    raw = redis.Redis.from_url(REDIS_URL)
    for name in raw.keys(f"{prefix}:*"):
        raw.delete(name)


def test_one_client_serves_every_operation(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client is redis_cache._cache.get_client("key")
    assert client.connection_pool is redis_cache._cache._get_connection_pool(False)


def test_it_is_still_a_cache(redis_cache):
    assert redis_cache.get("missing", "default") == "default"
    redis_cache.set("page", {"title": "施工"}, 60)
    assert redis_cache.get("page") == {"title": "施工"}
    assert redis_cache.add("page", "other") is False and redis_cache.add("new", 1) is True
    assert redis_cache.incr("new") == 2
    assert redis_cache.get_or_set("made", lambda: "once", None) == "once"
    assert redis_cache.get_many(["page", "new", "missing"]) == {"page": {"title": "施工"}, "new": 2}
    redis_cache.delete("page")
    assert redis_cache.get("page") is None and redis_cache.has_key("new")
