"""The Content-Security-Policy and Permissions-Policy headers (portal/security.py)."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/register/", "/register/status/", "/register/check/"])
def test_public_pages_allow_scripts_only_from_this_site(client, home_page, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    assert "geolocation=(self)" in response["Permissions-Policy"] and "microphone=()" in response["Permissions-Policy"]


def test_the_admin_has_its_own_policy(client):
    client.force_login(get_user_model().objects.create_superuser("csp_admin", password="x"))
    policy = directives(client.get("/admin/"))
    assert "'unsafe-inline'" in policy["script-src"] and "'self'" in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
