"""The fixed-window throttle and the client key it counts by."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from portal import throttle
from portal.throttle import Throttle, client_key


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the throttle module only: windows pass without sleeping."""
    now = SimpleNamespace(value=1_800_000_000.0)
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now.value))
    return now


def test_allows_up_to_the_limit_then_refuses(clock):
    limit = Throttle("test", limit=3, window_seconds=60)
    assert [limit.hit("a") for _ in range(5)] == [True, True, True, False, False]


def test_keys_and_scopes_are_counted_separately(clock):
    one, other = Throttle("one", limit=1, window_seconds=60), Throttle("other", limit=1, window_seconds=60)
    assert one.hit("a") and not one.hit("a")
    assert one.hit("b")
    assert other.hit("a")


def test_a_new_window_starts_from_zero(clock):
    limit = Throttle("test", limit=2, window_seconds=3600)
    clock.value = 3600 * 500_000  # the start of a window
    assert limit.hit("a") and limit.hit("a") and not limit.hit("a")
    clock.value += 3599
    assert not limit.hit("a")
    assert limit.retry_after() == 2
    clock.value += 1
    assert limit.hit("a")


def test_refused_attempts_still_count(clock):
    """Hammering on does not sneak through when the limit is checked by count."""
    limit = Throttle("test", limit=1, window_seconds=60)
    limit.hit("a")
    for _ in range(5):
        limit.hit("a")
    assert cache.get(limit._cache_key("a")) == 6


def test_counter_that_expired_between_add_and_incr_starts_again(clock, monkeypatch):
    limit = Throttle("test", limit=1, window_seconds=60)
    monkeypatch.setattr(throttle.cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(throttle.cache, "incr", lambda key: (_ for _ in ()).throw(ValueError(key)))
    assert limit.hit("a")


def test_cache_keys_hold_no_personal_data(clock):
    limit = Throttle("lookup", limit=1, window_seconds=60)
    key = limit._cache_key("203.0.113.9")
    assert "203.0.113.9" not in key and key.startswith("throttle:lookup:")


# --- the client key -----------------------------------------------------------


def request(remote="198.51.100.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_ignored_by_default(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_key(request(forwarded="203.0.113.1")) == "198.51.100.7"


def test_without_the_setting_forwarded_for_is_ignored(settings):
    del settings.TRUSTED_PROXY_COUNT
    assert client_key(request(forwarded="203.0.113.1")) == "198.51.100.7"


def test_behind_one_trusted_proxy_the_last_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # the first entry was written by the client itself and may be forged
    assert client_key(request(remote="10.0.0.1", forwarded="1.2.3.4, 203.0.113.1")) == "203.0.113.1"


def test_behind_two_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_key(request(remote="10.0.0.2", forwarded="1.2.3.4, 203.0.113.1, 10.0.0.1")) == "203.0.113.1"


def test_too_few_forwarded_entries_fall_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_key(request(remote="10.0.0.2", forwarded="203.0.113.1")) == "10.0.0.2"
    assert client_key(request(remote="10.0.0.2")) == "10.0.0.2"


def test_ipv6_clients_are_counted_per_64(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    a = client_key(request(remote="2001:db8:1:2:aaaa::1"))
    b = client_key(request(remote="2001:db8:1:2:bbbb::9"))
    c = client_key(request(remote="2001:db8:1:3::1"))
    assert a == b == "2001:db8:1:2::/64"
    assert c != a
    assert client_key(request(remote="::ffff:203.0.113.5")) == "203.0.113.5"
