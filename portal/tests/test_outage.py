"""A database outage answers 503 with Retry-After and a Chinese page that
needs no database; other errors stay 500 (portal/views.py:server_error)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


def outage(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.parametrize("path", ["/", "/register/", "/register/status/", "/admin/login/"])
def test_pages_answer_503_while_the_database_is_down(path, home_page):
    client = Client(raise_request_exception=False)
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", outage):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "系统维护中" in response.content.decode()


def test_other_errors_stay_500(home_page):
    client = Client(raise_request_exception=False)
    with mock.patch("registration.public.lookup_views.render", side_effect=ValueError("a bug")):
        response = client.get("/register/check/")
    assert response.status_code == 500 and "Retry-After" not in response
    assert "服务暂时不可用" in response.content.decode()
