"""Back-office actions: the rules in registration/backoffice.py, and the admin
views around them from the wrong side (street, role, anonymous, bad input)."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import ModelLogEntry

from portal.models import StaffProfile, Street
from registration import roles, services
from registration.backoffice import actions as backoffice
from registration.models import (
    EnforcementReferral,
    Hazard,
    HazardCategory,
    Inspection,
    InspectionResult,
    Registration,
    Status,
    StatusChange,
)
from registration.tests.factories import registration_data
from registration.tests.staff import checklist_answers
from registration.tests.test_forms import answers, image_bytes

pytestmark = pytest.mark.django_db

HULI, JIANGTOU = "350206001", "350206004"
TODAY = timezone.localdate


def private_files():
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return {path for path in root.rglob("*") if path.is_file()}


def photo(name="hazard.jpg", fmt="JPEG"):
    return SimpleUploadedFile(name, image_bytes(fmt), content_type="image/jpeg")


def staff(username, role, street_code=None):
    roles.sync_roles(apps)
    user = User.objects.create_user(username, password="pw", is_staff=False)
    user.groups.add(Group.objects.get(name=role))
    if street_code:
        StaffProfile.objects.create(user=user).streets.add(Street.objects.get(code=street_code))
    return user


@pytest.fixture
def officer():
    return staff("officer_huli", roles.STREET_OFFICER, HULI)


@pytest.fixture
def inspector():
    return staff("inspector_huli", roles.SAFETY_INSPECTOR, HULI)


def work(status=Status.SUBMITTED, street_code=HULI):
    registration = services.create_registration(registration_data(street_code))
    if status != Status.SUBMITTED:
        Registration.objects.filter(pk=registration.pk).update(status=status)
        registration.refresh_from_db()
    return registration


def hazard_data(**overrides):
    return {
        "category": HazardCategory.FALL_PROTECTION,
        "description": "临边无防护栏杆",
        "photo": None,
        "deadline": TODAY() + datetime.timedelta(days=3),
        **overrides,
    }


def logged(registration, action):
    return ModelLogEntry.objects.for_instance(registration).filter(action=f"registration.{action}")


# The rules


def test_accept_and_return_log_who_and_why(officer):
    first, second = work(), work()
    backoffice.accept(first, officer)
    assert Registration.objects.get(pk=first.pk).status == Status.UNDER_WAY
    entry = logged(first, "accept").get()
    assert entry.user == officer and entry.data["status"] == Status.UNDER_WAY

    with pytest.raises(services.TransitionError):
        backoffice.return_for_correction(second, officer, "   ")
    assert Registration.objects.get(pk=second.pk).status == Status.SUBMITTED
    backoffice.return_for_correction(second, officer, "缺少施工合同")
    change = StatusChange.objects.filter(registration=second).last()
    assert (change.to_status, change.reason, change.actor_label) == (Status.RETURNED, "缺少施工合同", "湖里街道")
    assert logged(second, "return").get().data["reason"] == "缺少施工合同"


@pytest.mark.parametrize("status", [Status.UNDER_WAY, Status.COMPLETED, Status.WITHDRAWN, Status.RETURNED])
def test_only_submitted_works_can_be_accepted(officer, status):
    registration = work(status)
    with pytest.raises(services.TransitionError):
        backoffice.accept(registration, officer)
    assert not logged(registration, "accept").exists()


def test_inspection_with_hazards_and_rectification(inspector):
    registration = work(Status.UNDER_WAY)
    inspection = backoffice.record_inspection(
        registration, inspector, timezone.now(), InspectionResult.HAZARDS, "", [hazard_data(photo=photo())]
    )
    hazard = inspection.hazards.get()
    assert hazard.photo.name.startswith("hazards/") and hazard.is_open
    assert list(backoffice.open_hazards(registration)) == [hazard]
    assert logged(registration, "inspect").get().data["hazards"] == 1

    backoffice.rectify_hazard(hazard, inspector, TODAY(), photo("after.png", "PNG"))
    hazard.refresh_from_db()
    assert hazard.verified_by == inspector and hazard.rectified_on == TODAY() and hazard.rectification_photo
    assert not backoffice.open_hazards(registration).exists()
    assert logged(registration, "rectify").get().user == inspector
    with pytest.raises(services.TransitionError):
        backoffice.rectify_hazard(hazard, inspector, TODAY())


def test_stop_work_inspection_stops_the_work(inspector):
    registration = work(Status.UNDER_WAY)
    backoffice.record_inspection(
        registration,
        inspector,
        timezone.now(),
        InspectionResult.STOP_WORK,
        "脚手架无连墙件",
        [hazard_data(category=HazardCategory.COLLAPSE)],
    )
    assert Registration.objects.get(pk=registration.pk).status == Status.STOPPED
    assert StatusChange.objects.filter(registration=registration).last().reason == "脚手架无连墙件"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RETURNED, Status.COMPLETED, Status.WITHDRAWN])
def test_only_works_under_way_or_stopped_are_inspected(inspector, status):
    registration = work(status)
    with pytest.raises(services.TransitionError):
        backoffice.record_inspection(registration, inspector, timezone.now(), InspectionResult.NO_HAZARD)
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    "result, hazards, notes",
    [
        (InspectionResult.HAZARDS, [], ""),
        (InspectionResult.NO_HAZARD, [hazard_data()], ""),
        (InspectionResult.STOP_WORK, [], ""),
        (InspectionResult.HAZARDS, [hazard_data(deadline=datetime.date(2020, 1, 1))], ""),
        (InspectionResult.HAZARDS, [hazard_data(description="  ")], ""),
    ],
)
def test_inconsistent_inspections_save_nothing(inspector, result, hazards, notes):
    registration = work(Status.UNDER_WAY)
    with pytest.raises(services.TransitionError):
        backoffice.record_inspection(registration, inspector, timezone.now(), result, notes, hazards)
    assert not Inspection.objects.exists() and not Hazard.objects.exists()
    assert Registration.objects.get(pk=registration.pk).status == Status.UNDER_WAY


def test_inspection_time_cannot_be_in_the_future(inspector):
    with pytest.raises(services.TransitionError):
        backoffice.record_inspection(
            work(Status.UNDER_WAY), inspector, timezone.now() + datetime.timedelta(hours=2), InspectionResult.NO_HAZARD
        )


def test_write_off_refused_with_open_hazards_unless_overridden(officer, inspector):
    registration = work(Status.UNDER_WAY)
    inspection = backoffice.record_inspection(
        registration, inspector, timezone.now(), InspectionResult.HAZARDS, "", [hazard_data()]
    )
    with pytest.raises(services.TransitionError, match="1"):
        backoffice.write_off(registration, officer)
    assert Registration.objects.get(pk=registration.pk).status == Status.UNDER_WAY
    backoffice.write_off(registration, officer, override_reason="业主已停业，隐患随拆除消失")
    assert Registration.objects.get(pk=registration.pk).status == Status.COMPLETED
    entry = logged(registration, "write_off").get()
    assert entry.data["override_reason"] == "业主已停业，隐患随拆除消失"
    assert entry.data["open_hazards"] == [inspection.hazards.get().pk]


def test_write_off_without_hazards_needs_no_reason(inspector):
    registration = work(Status.STOPPED)
    backoffice.write_off(registration, inspector)
    assert Registration.objects.get(pk=registration.pk).status == Status.COMPLETED
    assert "override_reason" not in logged(registration, "write_off").get().data
    with pytest.raises(services.TransitionError):
        backoffice.write_off(registration, inspector)


def test_stop_and_release(officer):
    registration = work(Status.UNDER_WAY)
    with pytest.raises(services.TransitionError):
        backoffice.release(registration, officer, "已整改")  # not stopped
    with pytest.raises(services.TransitionError):
        backoffice.stop_work(registration, officer, "")
    backoffice.stop_work(registration, officer, "临时用电不规范")
    assert Registration.objects.get(pk=registration.pk).status == Status.STOPPED
    with pytest.raises(services.TransitionError):
        backoffice.release(registration, officer, " ")
    backoffice.release(registration, officer, "已整改到位")
    assert Registration.objects.get(pk=registration.pk).status == Status.UNDER_WAY
    assert [entry.action for entry in ModelLogEntry.objects.for_instance(registration).order_by("pk")] == [
        "registration.submit",
        "registration.stop",
        "registration.release",
    ]


def test_referral_and_case_outcome(officer):
    registration = work(Status.STOPPED)
    with pytest.raises(services.TransitionError):
        backoffice.refer_to_enforcement(registration, officer, "湖里街道综合执法队", "")
    referral = backoffice.refer_to_enforcement(registration, officer, "湖里街道综合执法队", "拒不整改")
    with pytest.raises(services.TransitionError):
        backoffice.record_case_outcome(referral, officer, "", "")
    with pytest.raises(services.TransitionError):
        backoffice.record_case_outcome(referral, officer, "湖执〔2026〕12号", "", closed=True)  # no outcome
    backoffice.record_case_outcome(referral, officer, "湖执〔2026〕12号", "罚款五千元", closed=True)
    referral.refresh_from_db()
    assert referral.case_number == "湖执〔2026〕12号" and referral.closed_at
    with pytest.raises(services.TransitionError):
        backoffice.record_case_outcome(referral, officer, "x", "y")
    assert logged(registration, "case_outcome").get().data["closed"] is True
    with pytest.raises(services.TransitionError):
        backoffice.refer_to_enforcement(work(Status.SUBMITTED), officer, "执法队", "未登记即施工")


def test_overdue_hazards_and_counts(inspector):
    registration, other = work(Status.UNDER_WAY), work(Status.UNDER_WAY)
    backoffice.record_inspection(
        registration,
        inspector,
        timezone.now(),
        InspectionResult.HAZARDS,
        "",
        [hazard_data(), hazard_data(deadline=TODAY() + datetime.timedelta(days=10))],
    )
    later = TODAY() + datetime.timedelta(days=5)
    assert backoffice.overdue_hazards(registration, later).count() == 1
    assert backoffice.overdue_hazards(Registration.objects.all(), later).count() == 1
    assert backoffice.overdue_hazards(registration, TODAY()).count() == 0
    rows = {
        row.pk: (row.open_hazard_count, row.overdue_hazard_count)
        for row in backoffice.annotate_hazard_counts(Registration.objects.all(), later)
    }
    assert rows == {registration.pk: (2, 1), other.pk: (0, 0)}


# The views


def url(registration, action):
    return f"/admin/works/{registration.pk}/{action}/"


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(url(work(), "accept"))
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


@pytest.mark.parametrize("action", ["accept", "return", "inspect/new", "refer", "stop", "release", "write-off"])
def test_another_streets_work_is_not_found(client, officer, action):
    client.force_login(officer)
    assert client.get(url(work(street_code=JIANGTOU), action)).status_code == 404


@pytest.mark.parametrize("action", ["accept", "return", "refer", "stop", "release"])
def test_inspectors_cannot_review_or_enforce(client, inspector, action):
    client.force_login(inspector)
    assert client.get(url(work(), action)).status_code == 403
    assert client.post(url(work(), action), {"reason": "x", "department": "y"}).status_code == 403


def test_content_editors_can_do_nothing(client):
    editor = staff("editor", roles.CONTENT_EDITOR)
    client.force_login(editor)
    assert client.get(url(work(Status.UNDER_WAY), "inspect/new")).status_code == 404  # no street at all
    assert client.get("/admin/works/new-paper/").status_code == 403


def test_nested_objects_of_another_street_are_not_found(client, officer, inspector):
    theirs = work(Status.UNDER_WAY, JIANGTOU)
    inspection = backoffice.record_inspection(
        theirs, inspector, timezone.now(), InspectionResult.HAZARDS, "", [hazard_data()]
    )
    referral = backoffice.refer_to_enforcement(theirs, officer, "执法队", "拒不整改")
    client.force_login(officer)
    ours = work(Status.UNDER_WAY)
    hazard = inspection.hazards.get()
    assert client.get(f"/admin/works/{theirs.pk}/hazards/{hazard.pk}/rectify/").status_code == 404
    assert client.get(f"/admin/works/{ours.pk}/hazards/{hazard.pk}/rectify/").status_code == 404
    assert client.get(f"/admin/works/{ours.pk}/referrals/{referral.pk}/outcome/").status_code == 404


def test_accept_and_return_through_the_views(client, officer):
    client.force_login(officer)
    first, second = work(), work()
    assert client.get(url(first, "accept")).status_code == 200
    assert client.post(url(first, "accept")).status_code == 302
    response = client.post(url(second, "return"), {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert Registration.objects.get(pk=second.pk).status == Status.SUBMITTED
    client.post(url(second, "return"), {"reason": "缺少施工合同"})
    assert Registration.objects.get(pk=second.pk).status == Status.RETURNED
    response = client.post(url(first, "accept"))  # twice: the action no longer applies, and says why
    assert response.status_code == 409 and "现在不能“受理登记”" in response.content.decode()
    assert Registration.objects.get(pk=first.pk).status == Status.UNDER_WAY


def inspection_post(**hazard):
    data = {
        "inspected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "result": "hazards",
        "notes": "",
        "hazards-TOTAL_FORMS": "3",
        "hazards-INITIAL_FORMS": "0",
        "hazards-MIN_NUM_FORMS": "0",
        "hazards-MAX_NUM_FORMS": "10",
    }
    for name, value in hazard.items():
        data[f"hazards-0-{name}"] = value
    return data


def valid_hazard(**overrides):
    return {
        "category": "fall_protection",
        "description": "临边无防护",
        "photo": photo(),
        "deadline": (TODAY() + datetime.timedelta(days=3)).isoformat(),
        **overrides,
    }


def test_inspection_through_the_view(client, inspector):
    client.force_login(inspector)
    registration = work(Status.UNDER_WAY)
    page = client.get(url(registration, "inspect/new"))
    assert page.status_code == 200
    assert page.context["form"]["inspected_at"].value().date() == TODAY()  # defaults to now
    response = client.post(
        url(registration, "inspect/new"), {**inspection_post(**valid_hazard()), **checklist_answers(registration)}
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    hazard = Hazard.objects.get()
    assert hazard.photo and hazard.inspection.inspector == inspector

    response = client.post(
        f"/admin/works/{registration.pk}/hazards/{hazard.pk}/rectify/",
        {"rectified_on": TODAY().isoformat(), "photo": photo("after.jpg")},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.verified_by == inspector


@pytest.mark.parametrize(
    "bad",
    [
        {"deadline": "2020-01-01"},
        {"photo": SimpleUploadedFile("hazard.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")},
        {"photo": ""},
        {"description": ""},
    ],
)
def test_bad_inspections_save_nothing(client, inspector, bad):
    client.force_login(inspector)
    registration = work(Status.UNDER_WAY)
    before = private_files()
    response = client.post(
        url(registration, "inspect/new"), {**inspection_post(**valid_hazard(**bad)), **checklist_answers(registration)}
    )
    assert response.status_code == 200
    assert not Inspection.objects.exists() and not Hazard.objects.exists()
    assert private_files() == before


def test_hazards_result_without_hazards_is_shown_on_the_form(client, inspector):
    client.force_login(inspector)
    registration = work(Status.UNDER_WAY)
    response = client.post(url(registration, "inspect/new"), {**inspection_post(), **checklist_answers(registration)})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Inspection.objects.exists()


def test_write_off_view_needs_the_override_with_open_hazards(client, inspector):
    client.force_login(inspector)
    registration = work(Status.UNDER_WAY)
    backoffice.record_inspection(registration, inspector, timezone.now(), InspectionResult.HAZARDS, "", [hazard_data()])
    response = client.post(url(registration, "write-off"), {"override_reason": ""})
    assert response.status_code == 200 and "临边无防护栏杆" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == Status.UNDER_WAY
    assert client.post(url(registration, "write-off"), {"override_reason": "隐患已随拆除消除"}).status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == Status.COMPLETED


def test_referral_views(client, officer):
    client.force_login(officer)
    registration = work(Status.UNDER_WAY)
    assert client.post(url(registration, "refer"), {"department": "执法队", "reason": ""}).status_code == 200
    assert client.post(url(registration, "refer"), {"department": "执法队", "reason": "拒不整改"}).status_code == 302
    referral = EnforcementReferral.objects.get()
    response = client.post(
        f"/admin/works/{registration.pk}/referrals/{referral.pk}/outcome/",
        {"case_number": "湖执〔2026〕3号", "outcome": "责令改正", "closed": "on"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.closed_at and referral.outcome == "责令改正"


def test_paper_registration_uses_the_public_rules_and_the_officers_streets(client, officer):
    client.force_login(officer)
    assert client.get("/admin/works/new-paper/").status_code == 200
    jiangtou = Street.objects.get(code=JIANGTOU)
    response = client.post("/admin/works/new-paper/", answers(street=str(jiangtou.pk)))
    assert response.status_code == 200 and "street" in response.context["form"].errors
    response = client.post("/admin/works/new-paper/", answers(owner_mobile="1380000"))
    assert response.status_code == 200 and "owner_mobile" in response.context["form"].errors
    assert not Registration.objects.exists()
    assert client.post("/admin/works/new-paper/", answers()).status_code == 302
    registration = Registration.objects.get()
    assert registration.entered_by == officer and registration.status == Status.SUBMITTED


def test_detail_page_offers_the_actions_of_the_role_and_history_shows_them(client, officer, inspector):
    registration = work()
    client.force_login(officer)
    page = client.get(f"/admin/works/inspect/{registration.pk}/").content.decode()
    assert url(registration, "accept") in page and url(registration, "return") in page
    assert url(registration, "inspect/new") not in page
    client.post(url(registration, "accept"))
    entry = logged(registration, "accept").get()
    assert entry.message == str(backoffice.LOG_ACTIONS["registration.accept"])  # the label in Wagtail's history

    client.force_login(inspector)
    page = client.get(f"/admin/works/inspect/{registration.pk}/").content.decode()
    assert url(registration, "inspect/new") in page and url(registration, "write-off") in page
    assert url(registration, "stop") not in page and url(registration, "refer") not in page
