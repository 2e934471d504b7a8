"""The page cache: anonymous visitors get the public Wagtail pages from the
shared cache (Redis in production, CACHE_URL), so a crowd costs no SQL.

Only what is safe to share is stored: a GET of a Wagtail page (marked by the
``before_serve_page`` hook in portal/wagtail_hooks.py), answered 200, for a
request without session, login or message cookie, whose response sets no
cookie, uses no CSRF token or CSP nonce and is not marked private. Forms,
search results and the registration, report and check-in views are never
Wagtail pages served this way, or they use a CSRF token.

Purging is by generation: every stored page and every piece of site data
(``cached()``) has the current generation token in its key. An edit that can
change a public page (publish, unpublish, move, delete, a setting, image,
document, media file, site, view restriction or a model listed in
``PAGE_CACHE_PURGE_MODELS``) replaces the token, so every page is rendered
afresh on its next request, on every app server at once. Old entries expire.
"""

import collections
import contextvars
import hashlib
import logging
import threading
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
STATUS_HEADER = "X-Page-Cache"
_MARK = "_page_cache_allowed"
# Vary values a shared copy can honour: no request header changes a public page.
_SHAREABLE_VARY = {"cookie", "accept-encoding"}
_PRIVATE_CACHE_CONTROL = ("private", "no-cache", "no-store")
# The generation read at the start of this request (and replaced by a purge in it).
_request_generation = contextvars.ContextVar("page_cache_generation", default=None)
# Saves of a page that only record a draft, a lock or comments: nothing public changes.
DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "wagtail_admin_comments",
    }
)


def page_cache_seconds():
    return max(0, int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0))


def generation():
    """The current generation token; a new one if the cache lost it."""
    token = _request_generation.get()
    if token is None:
        try:
            token = cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, None)
        except Exception:  # a cache outage must not take the site down
            logger.exception("page cache: cannot read the generation")
            token = uuid.uuid4().hex
    return token


def _new_generation():
    token = uuid.uuid4().hex
    try:
        cache.set(GENERATION_KEY, token, None)
    except Exception:
        logger.exception("page cache: cannot purge")
    if _request_generation.get() is not None:
        _request_generation.set(token)


def purge():
    """Make every cached page and site data stale. Done now, for reads later in
    this transaction, and again after commit, so that no request that read the
    old rows in between keeps them."""
    _new_generation()
    transaction.on_commit(_new_generation, robust=True)


def cached(name, build, timeout=None):
    """``build()``, kept in the cache until the next purge (site data such as
    the menu or the settings, which every page shows)."""
    if not getattr(settings, "SITE_DATA_CACHE", True):
        return build()
    token = generation()
    try:
        value = cache.get(f"pagecache:{token}:data:{name}")
    except Exception:
        logger.exception("page cache: cannot read %s", name)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(f"pagecache:{token}:data:{name}", value, timeout or max(page_cache_seconds(), 3600))
        except Exception:
            logger.exception("page cache: cannot store %s", name)
    return value


# What ``memoised`` keeps in this process: (generation, name) -> value, oldest first.
MEMO_SIZE = 32
_memo = collections.OrderedDict()
_memo_lock = threading.Lock()


def memoised(name, build):
    """``build()``, kept in this process's memory until the next purge: for
    what every visitor gets alike and costs far more to make than to keep,
    such as the HTML of a blank form. Unlike ``cached`` it is never shared,
    so a deployment (new code, new templates) starts afresh, while a purge
    still reaches every process at once (the generation is in the key). At
    most MEMO_SIZE values are kept; ``name`` must say everything the value
    depends on besides what a purge covers."""
    if not getattr(settings, "SITE_DATA_CACHE", True):
        return build()
    key = (generation(), name)
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    value = build()
    with _memo_lock:
        _memo[key] = value
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def allow(request, page):
    """Called for every Wagtail page served: the response may be stored unless
    the page class says ``page_cache = False``."""
    if getattr(page, "page_cache", True):
        setattr(request, _MARK, True)


def _public_read(request):
    return request.method in ("GET", "HEAD") and not request.path_info.startswith("/admin/")


def _anonymous(request):
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _may_store(request, response):
    if not getattr(request, _MARK, False) or request.method != "GET":
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "_csp_nonce", None):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or session.session_key):
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and messages.added_new:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in _PRIVATE_CACHE_CONTROL):
        return False
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}
    return vary <= _SHAREABLE_VARY


def _key(request, token):
    identity = "|".join([request.scheme, request.get_host(), translation.get_language() or "", request.get_full_path()])
    return f"pagecache:{token}:page:{hashlib.sha256(identity.encode()).hexdigest()}"


def _rebuild(request, stored):
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(request, etag=response.get("ETag"), last_modified=last_modified, response=response)


class PageCacheMiddleware:
    """Serve and store anonymous public pages (see the module docstring). It
    sits inside the security, CSP and X-Frame-Options middleware, so those
    headers are added afresh to every response, cached or not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            return self.get_response(request)
        # Read once for the whole request (a POST reads site data too, e.g. the settings).
        reset = _request_generation.set(generation())
        try:
            if not _public_read(request):
                return self.get_response(request)
            timeout = page_cache_seconds()
            if timeout and _anonymous(request):
                return self._serve(request, timeout)
            return self._render(request)
        finally:
            _request_generation.reset(reset)

    def _render(self, request):
        from .pages import prime_site

        try:
            prime_site(request)
        except DatabaseError:  # e.g. /healthz with the database down: it reports that itself
            logger.warning("page cache: cannot read the site", exc_info=True)
        return self.get_response(request)

    def _serve(self, request, timeout):
        key = _key(request, _request_generation.get())
        try:
            stored = cache.get(key)
        except Exception:
            logger.exception("page cache: cannot read a page")
            stored = None
        if stored is not None:
            response = _rebuild(request, stored)
            response[STATUS_HEADER] = "hit"
            self._front(response)
            return response
        response = self._render(request)
        if _may_store(request, response):
            stored = (response.status_code, list(response.items()), response.content)
            try:
                cache.set(key, stored, timeout)
            except Exception:
                logger.exception("page cache: cannot store a page")
            response[STATUS_HEADER] = "miss"
            self._front(response)
        return response

    @staticmethod
    def _front(response):
        """Let the front proxy (nginx) keep a shared page a short while."""
        seconds = getattr(settings, "FRONTEND_CACHE_SECONDS", 0)
        if getattr(settings, "WAGTAILFRONTENDCACHE", None) and seconds:
            response["X-Accel-Expires"] = str(seconds)


# Purging on edits


def _purge_on_save(sender, instance, created=False, update_fields=None, **kwargs):
    from wagtail.contrib.settings.models import AbstractSetting

    if update_fields and set(update_fields) <= DRAFT_FIELDS:
        return
    if created and isinstance(instance, AbstractSetting):
        return  # made with its defaults by the first page that read it: nothing shown changes
    purge()


def _purge_on_event(sender, **kwargs):
    purge()


def purge_models():
    """Every model whose rows a public page may show, besides the pages."""
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site

    models = [model for model in apps.get_models() if issubclass(model, Page)]
    models += [get_image_model(), get_document_model(), Site, PageViewRestriction]
    models += list(settings_registry)
    if apps.is_installed("wagtailmedia"):
        from wagtailmedia.models import get_media_model

        models.append(get_media_model())
    models += [apps.get_model(label) for label in getattr(settings, "PAGE_CACHE_PURGE_MODELS", [])]
    return models


# The front proxy's cache (wagtail.contrib.frontend_cache, WAGTAILFRONTENDCACHE)


def purge_front(pages):
    """After commit, send the front proxy a PURGE for each page and each of its
    ancestors, whose lists (an index, the home page) show it. Wagtail itself
    purges a page when it is published or unpublished, but before commit."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    for page in pages:
        batch.add_page(page)
        batch.add_pages(page.get_ancestors().filter(depth__gt=1))
    if batch.urls:
        transaction.on_commit(batch.purge, robust=True)


def _front_on_change(sender, instance, **kwargs):
    purge_front([instance])


def _front_on_delete(sender, instance, **kwargs):
    if instance.live and instance.depth and instance.depth > 1:
        purge_front([instance])


def connect_signals():
    from wagtail.models import Page
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
        pre_page_move,
    )

    for model in purge_models():
        post_save.connect(_purge_on_save, sender=model, dispatch_uid=f"page_cache_save_{model._meta.label}")
        post_delete.connect(_purge_on_event, sender=model, dispatch_uid=f"page_cache_delete_{model._meta.label}")
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(_purge_on_event, dispatch_uid=f"page_cache_{id(signal)}")
    # The front proxy: the old address before a move, the new one after it.
    for signal in (page_published, page_unpublished, pre_page_move, post_page_move):
        signal.connect(_front_on_change, dispatch_uid=f"page_cache_front_{id(signal)}")
    # Deleting a page of any type deletes its Page row too.
    pre_delete.connect(_front_on_delete, sender=Page, dispatch_uid="page_cache_front_delete")
