"""Small readers for configuration taken from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name, "")
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return default


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name, "")
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def cache_from_url(url):
    """Turn CACHE_URL into a CACHES entry: redis://… or locmem:// (the default)."""
    if not url or url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL scheme not supported: {url.split(':', 1)[0]}")


SEARCH_ENGINES = ("elasticsearch7", "elasticsearch8", "elasticsearch9", "opensearch2", "opensearch3")
# The index's default analyzer (every text field and query): a Chinese one.
# "cjk" is built in (overlapping bigrams, as the database backend indexes);
# smartcn and ik are plugins installed on the search cluster.
CJK_ANALYZERS = {
    "cjk": {"default": {"type": "cjk"}},
    "smartcn": {"default": {"type": "smartcn"}},
    "ik": {
        "default": {"type": "custom", "tokenizer": "ik_max_word"},
        "default_search": {"type": "custom", "tokenizer": "ik_smart"},
    },
}


def search_backend(engine="database", urls=(), index_prefix="huli_", analyzer="cjk"):
    """Turn WAGTAILSEARCH_BACKEND (and its URL, prefix, analyzer) into a WAGTAILSEARCH_BACKENDS entry.

    "database" is the site's own backend (portal/search_backend.py: Wagtail's,
    with GIN-indexed bigrams on PostgreSQL); the others are Wagtail's
    Elasticsearch/OpenSearch backends with a Chinese analyzer.
    """
    if engine in ("", "database"):
        return {"BACKEND": "portal.search_backend"}
    if engine not in SEARCH_ENGINES:
        raise ImproperlyConfigured(f"WAGTAILSEARCH_BACKEND must be database or one of {', '.join(SEARCH_ENGINES)}.")
    if not urls:
        raise ImproperlyConfigured(f"WAGTAILSEARCH_URL must be set for WAGTAILSEARCH_BACKEND={engine}.")
    if analyzer not in CJK_ANALYZERS:
        raise ImproperlyConfigured(f"WAGTAILSEARCH_ANALYZER must be one of {', '.join(CJK_ANALYZERS)}.")
    return {
        "BACKEND": f"wagtail.search.backends.{engine}",
        "URLS": list(urls),
        "INDEX_PREFIX": index_prefix,
        "INDEX_SETTINGS": {"settings": {"analysis": {"analyzer": CJK_ANALYZERS[analyzer]}}},
    }
