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
        return {"BACKEND": "portal.cache.RedisCache", "LOCATION": url}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL scheme not supported: {url.split(':', 1)[0]}")


def s3_storages(storages, bucket):
    """STORAGES with public and private media in S3-compatible buckets
    (django-storages), and the origins public media are loaded from.

    Public media (``bucket``: images, documents, videos) get plain URLs
    (no signature, so cached pages stay valid); the bucket must allow
    anonymous reads of its objects, or sit behind AWS_S3_CUSTOM_DOMAIN
    (for example ``www.example.cn/media`` proxied to the bucket by nginx,
    which keeps media on the site's own origin). Private media
    (AWS_PRIVATE_STORAGE_BUCKET_NAME: attachments, photos) are written with
    the ``private`` ACL and are only ever read by Django after a permission
    check; any URL they produced would be signed and short-lived.
    """
    from urllib.parse import urlsplit

    private_bucket = env_str("AWS_PRIVATE_STORAGE_BUCKET_NAME", required=True)
    if private_bucket == bucket:
        raise ImproperlyConfigured("AWS_PRIVATE_STORAGE_BUCKET_NAME must differ from the public media bucket.")
    endpoint = env_str("AWS_S3_ENDPOINT_URL")  # MinIO, Ceph, moto…; unset for AWS itself
    region = env_str("AWS_S3_REGION_NAME")
    connection = {
        "endpoint_url": endpoint,
        "region_name": region,
        "access_key": env_str("AWS_ACCESS_KEY_ID"),
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
        "signature_version": "s3v4",
        # Most S3-compatible servers want bucket names in the path, not the host.
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "path" if endpoint else "auto"),
        "file_overwrite": False,  # two uploads called photo.jpg stay two files
        "max_memory_size": 5 * 1024 * 1024,  # a file read back spills to a temporary file beyond this
    }
    custom_domain = env_str("AWS_S3_CUSTOM_DOMAIN")
    protocol = env_str("AWS_S3_URL_PROTOCOL", "https:")
    public = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **connection,
            "bucket_name": bucket,
            "default_acl": None,  # the bucket's policy decides
            "querystring_auth": False,
            "custom_domain": custom_domain or None,
            "url_protocol": protocol,
        },
    }
    private = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **connection,
            "bucket_name": private_bucket,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": None,
        },
    }
    if custom_domain:
        origins = [f"{protocol}//{custom_domain.split('/')[0]}"]
    elif endpoint:
        origins = ["{0.scheme}://{0.netloc}".format(urlsplit(endpoint))]
    else:
        origins = [f"https://{bucket}.s3.amazonaws.com"] + (
            [f"https://{bucket}.s3.{region}.amazonaws.com"] if region else []
        )
    return {**storages, "default": public, "private": private}, origins


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
