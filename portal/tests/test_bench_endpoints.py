"""/bench/hello/ exists only for bench/server_bench.py (BENCH_ENDPOINTS=1)."""

import importlib

import pytest
from django.urls import clear_url_caches

import portal.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls_with(settings):
    """Reload the URLconf with BENCH_ENDPOINTS set; reload it as it was afterwards."""

    def reload(value):
        settings.BENCH_ENDPOINTS = value
        importlib.reload(portal.urls)
        clear_url_caches()

    yield reload
    settings.BENCH_ENDPOINTS = False
    importlib.reload(portal.urls)
    clear_url_caches()


def test_hello_is_not_mounted_by_default(client, urls_with):
    urls_with(False)
    assert client.get("/bench/hello/").status_code == 404


def test_hello_answers_through_the_middleware_when_enabled(client, urls_with):
    urls_with(True)
    response = client.get("/bench/hello/")
    assert response.status_code == 200
    assert response.content == b"hello"
    # The project's middleware ran: the same security headers as any page.
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
