"""The public verification page behind the receipt's QR code."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registration import services
from registration.models import OwnerType, Status, StatusChange
from registration.public.status_guide import ENDED_NOTICES
from registration.tests.factories import registration_data

pytestmark = pytest.mark.django_db

PERSON = dict(
    owner_type=OwnerType.INDIVIDUAL,
    owner_name="张三丰",
    owner_contact="张三丰",
    owner_mobile="13812345678",
    owner_uscc="",
    site_manager_mobile="13987654321",
)


@pytest.fixture
def registration(home_page):
    return services.create_registration(registration_data(**PERSON, address="湖里区示例路8号602室"))


def verify(client, registration):
    return client.get(f"/verify/{registration.verify_token}/")


def test_shows_the_public_facts(client, registration):
    response = verify(client, registration)
    assert response.status_code == 200
    content = response.content.decode()
    for fact in [
        registration.reference,
        Status.SUBMITTED.label,
        registration.get_kind_display(),
        registration.category.name,
        registration.street.name,
        registration.community.name,
        registration.contractor_name,
    ]:
        assert str(fact) in content
    assert f'datetime="{registration.planned_start:%Y-%m-%d}"' in content
    assert f'datetime="{registration.planned_end:%Y-%m-%d}"' in content
    assert "text-bg-info" in content  # the status badge


def test_never_shows_personal_data(client, registration):
    content = verify(client, registration).content.decode()
    for secret in ["13812345678", "13987654321", "1381234", "5678", "张三丰", "602室", "91110108551385082Q"]:
        assert secret not in content


def test_never_shows_a_company_owner_name_either(client, home_page):
    registration = services.create_registration(registration_data())
    content = verify(client, registration).content.decode()
    assert registration.owner_name not in content
    assert registration.owner_mobile not in content


def test_is_not_indexed_and_leaks_no_referrer(client, registration):
    response = verify(client, registration)
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"
    assert b'<meta name="robots" content="noindex">' in response.content
    assert "no-cache" in response["Cache-Control"]  # a passer-by must see today's status


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.WITHDRAWN])
def test_ended_works_say_so(client, registration, status):
    if status == Status.COMPLETED:
        services.change_status(registration, Status.UNDER_WAY, actor_label="湖里街道")
    services.change_status(registration, status, actor_label="湖里街道", reason="完工")
    content = verify(client, registration).content.decode()
    assert 'data-ended="true"' in content
    assert str(ENDED_NOTICES[status]) in content
    assert str(status.label) in content


def test_active_works_are_not_marked_ended(client, registration):
    services.change_status(registration, Status.UNDER_WAY, actor_label="湖里街道")
    content = verify(client, registration).content.decode()
    assert 'data-ended="true"' not in content
    assert "text-bg-success" in content


@pytest.mark.parametrize("token", ["no-such-token", "A" * 24, "x" * 200])
def test_unknown_token_is_a_friendly_404(client, registration, token):
    response = client.get(f"/verify/{token}/")
    assert response.status_code == 404
    assert response.templates[0].name == "registration/verify_not_found.html"
    assert response["Referrer-Policy"] == "no-referrer"


def test_post_is_refused(client, registration):
    assert client.post(f"/verify/{registration.verify_token}/").status_code == 405


def test_queries_do_not_grow_with_the_history(client, registration):
    def count():
        verify(client, registration)  # warm the caches shared by every page (site, settings)
        with CaptureQueriesContext(connection) as queries:
            assert verify(client, registration).status_code == 200
        return len(queries)

    few = count()
    StatusChange.objects.bulk_create(
        StatusChange(registration=registration, from_status="submitted", to_status="submitted", actor_label="x")
        for _ in range(30)
    )
    assert count() == few


def test_query_budget(client, registration, django_assert_max_num_queries):
    verify(client, registration)  # warm the per-process caches (site root, settings)
    with django_assert_max_num_queries(6):
        verify(client, registration)


@pytest.mark.parametrize("path", [[], [Status.RETURNED]])
def test_never_says_under_safety_management_before_acceptance(client, registration, path):
    for status in path:
        services.change_status(registration, status, actor_label="湖里街道", reason="信息不全")
    content = verify(client, registration).content.decode()
    assert "纳入" not in content
    assert ("已登记，待街道受理" in content) is (not path)
    assert ("不能作为有效登记凭证" in content) is bool(path)


def test_an_accepted_work_is_under_safety_management(client, registration):
    services.change_status(registration, Status.UNDER_WAY, actor_label="湖里街道")
    assert "已纳入湖里区安全生产管理" in verify(client, registration).content.decode()
