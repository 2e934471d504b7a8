"""The sliding-window throttle and the client key it counts by."""

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


def test_a_burst_at_a_window_edge_gets_no_more_than_the_limit(clock):
    """A fixed window would allow 2 x limit around its edge; the sliding one does not."""
    limit = Throttle("test", limit=10, window_seconds=3600)
    clock.value = 3600 * 500_000 + 3599  # the last second of a slice
    assert all(limit.hit("a") for _ in range(10))
    clock.value += 2  # the next slice has begun
    assert [limit.hit("a") for _ in range(10)] == [False] * 10
    assert limit.retry_after() == 3600


def test_the_limit_slides_back_as_the_window_moves_on(clock):
    limit = Throttle("test", limit=4, window_seconds=100)
    clock.value = 100 * 1_000_000  # the start of a slice
    assert all(limit.hit("a") for _ in range(4)) and not limit.allows("a")
    clock.value += 100  # next slice: the 4 old attempts still weigh fully
    assert not limit.allows("a")
    clock.value += 50  # half of them have slid out of the window
    assert limit.count("a") == pytest.approx(2)
    assert limit.allows("a")
    clock.value += 100
    assert limit.count("a") == 0


def test_allows_does_not_count_and_reset_forgets(clock):
    limit = Throttle("test", limit=2, window_seconds=60)
    for _ in range(5):
        assert limit.allows("a")
    limit.hit("a")
    limit.hit("a")
    assert not limit.allows("a") and limit.allows("b")
    limit.reset("a")
    assert limit.allows("a") and limit.count("a") == 0


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
