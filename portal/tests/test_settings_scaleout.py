"""The environment switches of a stateless app server: Redis sessions, S3
media (public and private buckets), the Celery broker. Each case loads the
settings in a fresh interpreter with exactly the environment given."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CLEAN = {
    name: value
    for name, value in os.environ.items()
    if not name.startswith(("AWS_", "CELERY_", "CACHE_URL", "DJANGO_", "SECRET_KEY", "ALLOWED_HOSTS"))
}
PRODUCTION = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "a.b"}
S3 = {
    "AWS_STORAGE_BUCKET_NAME": "huli-public",
    "AWS_PRIVATE_STORAGE_BUCKET_NAME": "huli-private",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "AWS_ACCESS_KEY_ID": "key",
    "AWS_SECRET_ACCESS_KEY": "secret",
}
SHOW = """
import json
from django.conf import settings
print(json.dumps({
    "storages": settings.STORAGES,
    "session_engine": settings.SESSION_ENGINE,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "csp": {k: [str(v) for v in vs] for k, vs in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()},
    "docs": getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None),
}, default=str))
"""


def run(code, module="portal.settings.base", **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**CLEAN, "DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": str(BASE_DIR), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def loaded(module="portal.settings.base", **env):
    result = run(SHOW, module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_configuration_everything_stays_on_one_machine():
    values = loaded()
    assert values["storages"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert values["storages"]["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert values["session_engine"] == "django.contrib.sessions.backends.db"
    assert values["eager"] is True and values["broker"] == ""
    assert values["docs"] is None


def test_redis_cache_holds_the_sessions_and_a_broker_turns_eager_off():
    values = loaded(CACHE_URL="redis://127.0.0.1:6379/3", CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//")
    assert values["session_engine"] == "django.contrib.sessions.backends.cache"
    assert values["eager"] is False and values["broker"].startswith("amqp://")


def test_a_bucket_puts_public_and_private_media_in_s3():
    values = loaded(**S3)
    public, private = values["storages"]["default"], values["storages"]["private"]
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == "huli-public" and private["OPTIONS"]["bucket_name"] == "huli-private"
    assert private["OPTIONS"]["default_acl"] == "private" and private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["querystring_expire"] <= 600 and not private["OPTIONS"]["custom_domain"]
    assert public["OPTIONS"]["querystring_auth"] is False
    assert public["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert public["OPTIONS"]["addressing_style"] == "path"
    # the browser may load public media from the object store, and nothing else new
    assert "http://127.0.0.1:9000" in values["csp"]["img-src"] and "http://127.0.0.1:9000" in values["csp"]["media-src"]
    assert "http://127.0.0.1:9000" not in values["csp"]["script-src"]
    assert values["docs"] == "serve_view"  # documents keep Wagtail's privacy checks


def test_a_custom_domain_serves_public_media_only():
    values = loaded(**S3, AWS_S3_CUSTOM_DOMAIN="www.huli.example.cn/media")
    assert values["storages"]["default"]["OPTIONS"]["custom_domain"] == "www.huli.example.cn/media"
    assert not values["storages"]["private"]["OPTIONS"]["custom_domain"]
    assert "https://www.huli.example.cn" in values["csp"]["img-src"]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"AWS_STORAGE_BUCKET_NAME": "huli-public"}, "AWS_PRIVATE_STORAGE_BUCKET_NAME must be set"),
        ({**S3, "AWS_PRIVATE_STORAGE_BUCKET_NAME": "huli-public"}, "must differ"),
    ],
)
def test_a_private_bucket_of_its_own_is_required(env, message):
    result = run(SHOW, **env)
    assert result.returncode != 0 and message in result.stderr


def test_production_deploy_check_stays_clean_with_every_switch_on():
    env = {**PRODUCTION, **S3, "CACHE_URL": "redis://127.0.0.1:6379/3", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env={**CLEAN, "DJANGO_SETTINGS_MODULE": "portal.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (" in result.stdout


REDIS_URL = os.environ.get("SESSION_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.mark.django_db
def test_a_login_lives_in_redis_where_another_server_finds_it(settings, client, django_user_model):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{secrets.token_hex(8)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    user = django_user_model.objects.create_user("officer-on-a", password="pw-for-tests-1")
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    raw = redis.Redis.from_url(REDIS_URL)
    try:
        stored = raw.keys(f"{prefix}:*{key}")
        assert len(stored) == 1 and raw.ttl(stored[0]) > 0  # in Redis, and it expires
        from django.contrib.sessions.models import Session

        assert not Session.objects.exists()  # nothing in this server's database
        # "server B": its own connection to the same Redis reads the login
        from django.contrib.sessions.backends.cache import SessionStore
        from django.core.cache.backends.redis import RedisCache

        other = SessionStore(session_key=key)
        other._cache = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
        assert other.load()["_auth_user_id"] == str(user.pk)
    finally:
        for name in raw.keys(f"{prefix}:*"):
            raw.delete(name)
