"""Hazard deadlines followed up: one message before the deadline and one
after it, to the owner, the registrant and the contractor's site manager;
and the street officer's list of hazards to follow up."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registration import roles
from registration.field.reminders import send_hazard_reminders
from registration.models import Hazard, Inspection, OutboundMessage, Registration, Status
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, TODAY, staff, work

pytestmark = pytest.mark.django_db


def hazard(registration, days_left, category="fall_protection"):
    inspector = staff(f"inspector_{Hazard.objects.count()}", roles.SAFETY_INSPECTOR, HULI)
    inspection = Inspection.objects.create(registration=registration, inspector=inspector, result="hazards")
    return Hazard.objects.create(
        inspection=inspection,
        registration=registration,
        category=category,
        description="临边无防护",
        deadline=TODAY() + datetime.timedelta(days=days_left),
    )


def test_reminders_go_once_before_the_deadline_and_once_after_it():
    registration = work(Status.UNDER_WAY)
    tomorrow, later, late = hazard(registration, 1), hazard(registration, 5), hazard(registration, -2, "fire")
    rectified = hazard(registration, -1)
    Hazard.objects.filter(pk=rectified.pk).update(rectified_on=TODAY())
    finished = work(Status.COMPLETED)
    hazard(finished, -3)

    assert send_hazard_reminders() == (1, 1)
    messages = OutboundMessage.objects.filter(registration=registration).order_by("pk")
    recipients = {message.recipient for message in messages}
    assert recipients == {registration.owner_mobile, registration.registrant_mobile, registration.site_manager_mobile}
    bodies = {message.body for message in messages}
    deadline = f"{tomorrow.deadline:%Y-%m-%d}"
    assert any(f"须于{deadline}前整改完毕" in body for body in bodies)
    assert any("消防" in body or "火灾" in body for body in bodies) and any("已超期" in body for body in bodies)
    assert all(registration.reference in body for body in bodies)

    # running again sends nothing; a day later the next one is due
    before = OutboundMessage.objects.count()
    assert send_hazard_reminders() == (0, 0) and OutboundMessage.objects.count() == before
    tomorrow.refresh_from_db()
    late.refresh_from_db()
    assert tomorrow.reminded_at and late.overdue_notified_at and not Hazard.objects.get(pk=later.pk).reminded_at
    in_four_days = timezone.now() + datetime.timedelta(days=4)
    assert send_hazard_reminders(now=in_four_days) == (1, 1)  # `later` is due, `tomorrow` now overdue


def test_the_command_reports_what_it_queued(capsys):
    hazard(work(Status.UNDER_WAY), 0)
    call_command("send_hazard_reminders")
    assert "1 before the deadline, 0 overdue" in capsys.readouterr().out


def test_the_officers_list_shows_their_streets_overdue_hazards_in_bounded_queries(client):
    officer = staff("officer_huli", roles.STREET_OFFICER, HULI)
    own, other = work(Status.UNDER_WAY), work(Status.UNDER_WAY, street_code=JIANGTOU)
    overdue, soon = hazard(own, -1), hazard(own, 1)
    far = hazard(other, -1)
    client.force_login(officer)

    def page(query=""):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("hazards:index") + query)
        assert response.status_code == 200
        return [item.pk for item in response.context["object_list"]], len(queries)

    listed, few = page()
    assert listed == [overdue.pk]  # opens on what is overdue
    assert page("?state=due_soon")[0] == [soon.pk]
    assert sorted(page("?state=open")[0]) == sorted([overdue.pk, soon.pk])
    assert far.pk not in page("?state=open")[0]
    for _ in range(10):
        hazard(own, -2)
    listed, many = page()
    assert len(listed) == 11 and many == few
