"""Staff users in each role and works in two streets, for the back-office tests."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import StaffProfile, Street
from registration import roles, services
from registration.models import Hazard, Inspection
from registration.tests.factories import registration_data

HULI, JIANGTOU = "350206001", "350206004"

# role key -> (group name or None, street codes, is_superuser)
ROLES = {
    "editor": (roles.CONTENT_EDITOR, [], False),
    "inspector_huli": (roles.SAFETY_INSPECTOR, [HULI], False),
    "officer_huli": (roles.STREET_OFFICER, [HULI], False),
    "officer_jiangtou": (roles.STREET_OFFICER, [JIANGTOU], False),
    "district_admin": (roles.DISTRICT_ADMIN, [], False),
    "superuser": (None, [], True),
}


def make_staff(username, group, street_codes=(), is_superuser=False):
    user = get_user_model().objects.create_user(
        username, password="pw-for-tests-1", is_staff=True, is_superuser=is_superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    profile = StaffProfile.objects.create(user=user)
    profile.streets.set(Street.objects.filter(code__in=street_codes))
    return user


def make_work(street_code, **overrides):
    photo = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff fake jpeg " + street_code.encode(), "image/jpeg")
    return services.create_registration(registration_data(street_code=street_code, **overrides), [("photo", photo)])


def add_overdue_hazard(work, inspector):
    inspection = Inspection.objects.create(registration=work, inspector=inspector, result="hazards")
    return Hazard.objects.create(
        inspection=inspection,
        registration=work,
        category="fire",
        description="灭火器过期",
        deadline=timezone.localdate() - datetime.timedelta(days=3),
    )


@pytest.fixture
def staff(db):
    return {key: make_staff(key, group, streets, su) for key, (group, streets, su) in ROLES.items()}


@pytest.fixture
def works(db, staff):
    """One work in 湖里街道 and one in 江头街道, each with an attachment and an overdue hazard."""
    huli = make_work(HULI, address="湖里区华昌路88号湖里小区", owner_name="陈湖里")
    jiangtou = make_work(JIANGTOU, address="江头街道吕岭路66号江头花园", owner_name="林江头")
    for work in (huli, jiangtou):
        add_overdue_hazard(work, staff["superuser"])
    return {HULI: huli, JIANGTOU: jiangtou}


def checklist_answers(work, answer="compliant", **overrides):
    """POST data answering every item of the work's checklists (the inspection form's prefix)."""
    from registration.field.checklists import checklists_for

    data = {f"checklist-item_{item.pk}": answer for checklist in checklists_for(work) for item in checklist.items.all()}
    return {**data, **{f"checklist-{name}": value for name, value in overrides.items()}}
