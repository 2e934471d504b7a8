"""The audit trail: logins, failed logins, logouts, exports and attachment
downloads are recorded; only the district administrator reads it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.models import AuditAction, AuditEvent
from registration import roles, services
from registration.models import Attachment
from registration.tests.factories import registration_data
from registration.tests.test_backoffice_actions import HULI, staff

pytestmark = pytest.mark.django_db


def test_logins_failures_and_logouts_are_recorded(client):
    get_user_model().objects.create_user("audited", password="Right-password-2026", is_superuser=True)
    client.post("/admin/login/", {"username": "audited", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    client.post("/admin/login/", {"username": "audited", "password": "Right-password-2026"}, REMOTE_ADDR="10.1.1.1")
    client.post("/admin/logout/", REMOTE_ADDR="10.1.1.1")
    events = list(AuditEvent.objects.order_by("at", "pk").values_list("action", "username", "address"))
    assert events == [
        (AuditAction.LOGIN_FAILED, "audited", "10.1.1.1"),
        (AuditAction.LOGIN, "audited", "10.1.1.1"),
        (AuditAction.LOGOUT, "audited", "10.1.1.1"),
    ]


def test_every_export_is_recorded_with_its_filters_and_rows(client):
    officer = staff("officer_audit", roles.STREET_OFFICER, HULI)
    for _ in range(3):
        services.create_registration(registration_data(HULI))
    client.force_login(officer)
    response = client.get(reverse("works:index") + "?export=csv&status=submitted")
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == officer and event.rows == 3
    assert "工程台账" in event.what and "status=submitted" in event.what


def test_training_report_exports_are_recorded(client):
    client.force_login(get_user_model().objects.create_superuser("trainer_audit", password="x"))
    response = client.get(reverse("training_reports:person_times") + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.username == "trainer_audit" and event.rows is not None


def test_attachment_downloads_are_recorded_but_thumbnails_are_not(client):
    officer = staff("officer_dl", roles.STREET_OFFICER, HULI)
    work = services.create_registration(registration_data(HULI))
    attachment = Attachment(
        registration=work, kind="contract", original_name="合同.pdf", content_type="application/pdf", size=4
    )
    attachment.file.save("c.pdf", ContentFile(b"%PDF"), save=False)
    attachment.save()
    client.force_login(officer)
    url = reverse("registration_attachment", args=[attachment.pk])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert event.user == officer and work.reference in event.what and "合同.pdf" in event.what


def test_only_the_district_reads_the_audit_trail(client):
    AuditEvent.objects.create(action=AuditAction.LOGIN, username="someone")
    url = reverse("audit:index")
    client.force_login(staff("officer_no", roles.STREET_OFFICER, HULI))
    assert client.get(url).status_code in (302, 403)
    district = staff("district_reader", roles.DISTRICT_ADMIN)
    assert Group.objects.get(name=roles.DISTRICT_ADMIN).permissions.filter(codename="view_auditevent").exists()
    client.force_login(district)
    html = client.get(url + "?action=login").content.decode()
    assert "someone" in html
    response = client.get(url + "?export=xlsx")
    assert response.status_code == 200
    # reading the trail out is itself recorded
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, user=district).exists()
