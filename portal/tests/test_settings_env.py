import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings.env import cache_from_url, env_bool, env_list, env_str, search_backend


def test_cache_url_defaults_to_local_memory():
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")


def test_cache_url_redis():
    cache = cache_from_url("redis://127.0.0.1:6379/1")
    assert cache == {"BACKEND": "portal.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1"}


def test_cache_url_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://x")


def test_env_readers(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.delenv("X_MISSING", raising=False)
    assert env_list("X_LIST") == ["a.example", "b.example"]
    assert env_bool("X_BOOL") is True
    assert env_bool("X_MISSING", default=False) is False
    assert env_str("X_MISSING", "d") == "d"
    with pytest.raises(ImproperlyConfigured):
        env_str("X_MISSING", required=True)


def test_base_settings_are_chinese_and_shanghai(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert {code for code, _ in settings.LANGUAGES} == {"zh-hans", "en"}


def test_production_settings_need_a_secret_key(monkeypatch):
    import importlib
    import sys

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ALLOWED_HOSTS", "portal.example.gov.cn")
    sys.modules.pop("portal.settings.production", None)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        importlib.import_module("portal.settings.production")
    sys.modules.pop("portal.settings.production", None)


def test_production_settings_need_allowed_hosts(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    sys.modules.pop("portal.settings.production", None)
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        importlib.import_module("portal.settings.production")
    sys.modules.pop("portal.settings.production", None)


def test_production_settings_read_the_environment(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "s" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "portal.example.gov.cn")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal:5432/huli")
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/2")
    sys.modules.pop("portal.settings.production", None)
    sys.modules.pop("portal.settings.base", None)
    try:
        production = importlib.import_module("portal.settings.production")
        assert production.DEBUG is False
        assert production.ALLOWED_HOSTS == ["portal.example.gov.cn"]
        assert production.DATABASES["default"]["HOST"] == "db.internal"
        assert production.CACHES["default"]["BACKEND"].endswith("RedisCache")
        assert production.ALLOW_DEMO_CONTENT is False
        assert production.SESSION_COOKIE_SECURE is True
    finally:
        sys.modules.pop("portal.settings.production", None)
        sys.modules.pop("portal.settings.base", None)


def test_search_backend_defaults_to_the_sites_database_backend():
    assert search_backend() == {"BACKEND": "portal.search_backend"}
    assert search_backend("") == search_backend("database")


@pytest.mark.parametrize(
    "analyzer, expected",
    [
        ("cjk", {"default": {"type": "cjk"}}),
        ("smartcn", {"default": {"type": "smartcn"}}),
        (
            "ik",
            {
                "default": {"type": "custom", "tokenizer": "ik_max_word"},
                "default_search": {"type": "custom", "tokenizer": "ik_smart"},
            },
        ),
    ],
)
def test_search_backend_on_a_search_cluster_uses_a_chinese_analyzer(analyzer, expected):
    backend = search_backend("opensearch2", ["https://search.internal:9200"], "huli_", analyzer)
    assert backend == {
        "BACKEND": "wagtail.search.backends.opensearch2",
        "URLS": ["https://search.internal:9200"],
        "INDEX_PREFIX": "huli_",
        "INDEX_SETTINGS": {"settings": {"analysis": {"analyzer": expected}}},
    }


@pytest.mark.parametrize(
    "engine, urls, analyzer",
    [("solr", ["http://x:8983"], "cjk"), ("elasticsearch8", [], "cjk"), ("elasticsearch8", ["http://x:9200"], "jieba")],
)
def test_search_backend_refuses_what_it_cannot_run(engine, urls, analyzer):
    with pytest.raises(ImproperlyConfigured):
        search_backend(engine, urls, "huli_", analyzer)


def test_settings_read_the_search_backend_from_the_environment(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("WAGTAILSEARCH_BACKEND", "elasticsearch8")
    monkeypatch.setenv("WAGTAILSEARCH_URL", "http://es1:9200,http://es2:9200")
    monkeypatch.setenv("WAGTAILSEARCH_ANALYZER", "smartcn")
    sys.modules.pop("portal.settings.base", None)
    try:
        backend = importlib.import_module("portal.settings.base").WAGTAILSEARCH_BACKENDS["default"]
    finally:
        sys.modules.pop("portal.settings.base", None)
    assert backend["BACKEND"] == "wagtail.search.backends.elasticsearch8"
    assert backend["URLS"] == ["http://es1:9200", "http://es2:9200"]
    assert backend["INDEX_PREFIX"] == "huli_"
    assert backend["INDEX_SETTINGS"]["settings"]["analysis"]["analyzer"] == {"default": {"type": "smartcn"}}
