"""Rate limits in Django's cache, against guessing (status lookup, training
check-in codes …).

Sliding-window counters: each key counts its attempts in numbered slices of
time (time // window_seconds), and the attempts of the last window_seconds
are estimated as the current slice's count plus the previous slice's,
weighted by how much of it still lies within the window. Unlike a fixed
window this never lets a burst at a slice edge through at twice the rate.
``cache.add`` creates a counter atomically and ``cache.incr`` increments it
atomically (Redis INCR; a lock in LocMemCache), so parallel requests cannot
both slip under the limit.

Keys are hashed: the cache then holds neither addresses nor reference
numbers, and any key is safe for every cache backend.
"""

import hashlib
import ipaddress
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


class Throttle:
    def __init__(self, scope, limit, window_seconds):
        self.scope = scope
        self.limit = limit
        self.window_seconds = window_seconds

    def _cache_key(self, key, window=None):
        if window is None:
            window = int(time.time() // self.window_seconds)
        digest = hashlib.sha256(f"{self.scope}\0{key}".encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{window}:{digest}"

    def _slices(self, key):
        """(current slice's key, previous slice's key, weight of the previous slice)."""
        now = time.time()
        window = int(now // self.window_seconds)
        weight = 1 - (now % self.window_seconds) / self.window_seconds
        return self._cache_key(key, window), self._cache_key(key, window - 1), weight

    def count(self, key):
        """The attempts counted for ``key`` over the last window_seconds (estimated)."""
        current, previous, weight = self._slices(key)
        counts = cache.get_many([current, previous])
        return counts.get(previous, 0) * weight + counts.get(current, 0)

    def allows(self, key):
        """Whether one more attempt for ``key`` is within the limit, without counting it."""
        return self.count(key) + 1 <= self.limit

    def hit(self, key):
        """Count one attempt for ``key``; True while it is within the limit.

        Every call counts, allowed or not, so hammering on does not help.
        """
        current, previous, weight = self._slices(key)
        timeout = 2 * self.window_seconds + 60
        if cache.add(current, 1, timeout=timeout):
            count = 1
        else:
            try:
                count = cache.incr(current)
            except ValueError:  # the key expired between add and incr
                cache.add(current, 1, timeout=timeout)
                count = 1
        return (cache.get(previous, 0) * weight + count) <= self.limit

    def reset(self, key):
        """Forget ``key``'s attempts (e.g. a client's failures once it succeeds)."""
        current, previous, _weight = self._slices(key)
        cache.delete_many([current, previous])

    def retry_after(self):
        """Seconds until the current slice ends, for the Retry-After header."""
        return int(self.window_seconds - time.time() % self.window_seconds) + 1


def client_address(request):
    """The client's IP address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies
    of ours in front, the address the outermost of them saw (see client_key).
    django-axes counts failed logins by it too."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return address


def client_key(request):
    """Who is asking, as a throttle key.

    X-Forwarded-For can be written by anyone, so it is used only when the
    setting TRUSTED_PROXY_COUNT says how many proxies of ours stand in front
    of Django (default 0: trust nothing, use REMOTE_ADDR). Each proxy appends
    the address it saw, so the client's address is the n-th entry from the
    right; anything further left may be forged.

    IPv6 clients usually own a whole /64 and could rotate addresses inside
    it, so they are counted per /64.
    """
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def too_many_attempts(request, template, throttle):
    """The 429 page, with Retry-After saying when the client's window ends."""
    response = render(request, template, status=429)
    response["Retry-After"] = str(throttle.retry_after())
    return response


def throttled(per_client, template, per_key=None, key=None, counts=None):
    """Limit a view: the one way every app throttles a public form.

    Each counted request is one attempt against ``per_client`` (keyed by
    client_key) and, when ``key(request, *args, **kwargs)`` gives a value,
    against ``per_key`` too (e.g. one reference number or one check-in code,
    so that many clients together cannot guess it either). Both always
    count, allowed or not. ``counts(request, *args, **kwargs)`` says which
    requests count (default: all). Over either limit the view is not called:
    ``template`` answers 429 with Retry-After.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if counts is None or counts(request, *args, **kwargs):
                allowed = per_client.hit(client_key(request))
                value = key(request, *args, **kwargs) if per_key and key else None
                if value:
                    allowed = per_key.hit(value) and allowed
                if not allowed:
                    return too_many_attempts(request, template, per_client)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
