"""Retention: works that ended more than REGISTRATION_RETENTION_YEARS ago lose
their personal data, nothing else does, and the figures stay the same."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from registration import retention, services
from registration.models import Attachment, OutboundMessage, Registration, Status, StatusChange
from registration.tests.factories import registration_data

pytestmark = pytest.mark.django_db

YEARS_AGO = timezone.now() - datetime.timedelta(days=365 * 5 + 30)


def ended(status, when, **overrides):
    work = services.create_registration(registration_data(**overrides))
    if status == Status.COMPLETED:
        services.change_status(work, Status.UNDER_WAY, actor_label="街道")
    services.change_status(work, status, actor_label="街道", reason="" if status == Status.COMPLETED else "不再施工")
    StatusChange.objects.filter(registration=work).update(created_at=when)
    attachment = Attachment(registration=work, kind="photo", original_name="现场.png", content_type="image/png", size=3)
    attachment.file.save("p.png", ContentFile(b"png"), save=False)
    attachment.save()
    return work


def figures():
    return sorted(
        Registration.objects.values_list("street_id", "kind", "category_id", "status").annotate(n=Count("pk"))
    )


def test_exactly_the_works_due_are_anonymised_and_the_figures_stay():
    person = ended(
        Status.COMPLETED,
        YEARS_AGO,
        owner_type="individual",
        owner_name="王小明",
        owner_uscc="",
        contractor_type="individual",
        contractor_name="张志明",
        contractor_uscc="",
        contractor_id_number="35020619850302123X",
    )
    withdrawn = ended(Status.WITHDRAWN, YEARS_AGO)
    recent = ended(Status.COMPLETED, timezone.now() - datetime.timedelta(days=300))
    old_but_active = services.create_registration(registration_data())
    StatusChange.objects.filter(registration=old_but_active).update(created_at=YEARS_AGO)
    before, files = figures(), [a.file.path for a in Attachment.objects.filter(registration=person)]

    call_command("anonymise_expired", stdout=open("/dev/null", "w"))

    assert figures() == before
    person.refresh_from_db()
    assert person.anonymised_at is not None
    for field in ("owner_name", "owner_contact", "address", "contractor_name", "site_manager_name"):
        assert getattr(person, field) == retention.ANONYMISED, field
    assert person.owner_mobile == person.site_manager_mobile == person.registrant_mobile == ""
    assert person.contractor_id_number == ""
    assert not Attachment.objects.filter(registration=person).exists()
    assert not any(__import__("os").path.exists(path) for path in files)
    assert not OutboundMessage.objects.filter(registration__in=[person, withdrawn]).exists()
    withdrawn.refresh_from_db()
    assert withdrawn.owner_name == "厦门示例置业有限公司"  # an organisation's name is not personal data
    assert withdrawn.site_manager_mobile == "" and withdrawn.anonymised_at is not None
    for untouched in (recent, old_but_active):
        untouched.refresh_from_db()
        assert untouched.anonymised_at is None and untouched.site_manager_mobile == "13900000002"
        assert Attachment.objects.filter(registration=untouched).exists() or untouched == old_but_active
    # running again changes nothing more
    assert retention.anonymise_due() == 0


def test_the_retention_period_comes_from_the_settings(settings):
    work = ended(Status.COMPLETED, timezone.now() - datetime.timedelta(days=400))
    assert retention.anonymise_due() == 0
    settings.REGISTRATION_RETENTION_YEARS = 1
    assert retention.anonymise_due() == 1
    work.refresh_from_db()
    assert work.anonymised_at is not None


def test_the_privacy_notice_states_the_period_and_the_referral(client, settings):
    settings.REGISTRATION_RETENTION_YEARS = 4
    html = client.get("/register/").content.decode()
    assert "完工核销或撤销后 4 年" in html and "执法" in html
