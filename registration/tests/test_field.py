"""Field work: the round's order, the checklists, proof of presence, the
inspection form on site and its bad input, photos re-encoded with their EXIF
position kept in the record only."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from registration import roles
from registration.backoffice import actions as backoffice
from registration.field import presence
from registration.field.checklists import checklists_for
from registration.field.round import round_for
from registration.models import (
    Checklist,
    ChecklistAnswer,
    ChecklistAnswerValue,
    Hazard,
    HighRiskOperation,
    Inspection,
    InspectionResult,
    OpenedVia,
    Registration,
    Status,
    WorkCategory,
)
from registration.tests.staff import checklist_answers
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, TODAY, private_files, staff, work

pytestmark = pytest.mark.django_db


def gps_photo(size=(3000, 2000), name="现场.jpg"):
    """A phone-sized JPEG, taken on its side (orientation 6), with a GPS position in Huli."""
    exif = Image.Exif()
    exif[0x8825] = {
        1: "N",
        2: (IFDRational(24), IFDRational(29), IFDRational(30)),
        3: "E",
        4: (IFDRational(118), IFDRational(6), IFDRational(36)),
    }
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def inspector():
    return staff("inspector_huli", roles.SAFETY_INSPECTOR, HULI)


def inspect_url(registration, **query):
    url = reverse("registration_backoffice:inspect", args=[registration.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def post_data(**extra):
    return {
        "inspected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "result": "no_hazard",
        "notes": "",
        "hazards-TOTAL_FORMS": "0",
        "hazards-INITIAL_FORMS": "0",
        "hazards-MIN_NUM_FORMS": "0",
        "hazards-MAX_NUM_FORMS": "10",
        **extra,
    }


def first_item(registration, checklist_name):
    return Checklist.objects.get(name=checklist_name).items.order_by("sort_order", "pk").first()


# --- which checklists ------------------------------------------------------


def test_checklists_follow_the_category_and_the_high_risk_operations():
    registration = work(Status.UNDER_WAY)  # small work, with work at height and temporary power
    assert [checklist.name for checklist in checklists_for(registration)] == ["通用现场检查", "高处作业", "临时用电"]
    registration.high_risk_operations.clear()
    aircon = WorkCategory.objects.get(name="空调安装、维护、拆除")
    Registration.objects.filter(pk=registration.pk).update(category=aircon, kind=aircon.kind)
    registration.refresh_from_db()
    assert [checklist.name for checklist in checklists_for(registration)] == ["通用现场检查", "空调等外机安装"]
    Checklist.objects.filter(name="空调等外机安装").update(active=False)
    assert [checklist.name for checklist in checklists_for(registration)] == ["通用现场检查"]


def test_checklists_cost_two_queries_however_many_items():
    registration = work(Status.UNDER_WAY)
    registration.high_risk_operations.add(*HighRiskOperation.objects.all())
    with CaptureQueriesContext(connection) as queries:
        items = [item for checklist in checklists_for(registration) for item in checklist.items.all()]
        names = [item.checklist.name for item in items]
    assert len(items) > 10 and len(names) == len(items)
    assert len(queries) == 2


# --- the round -------------------------------------------------------------


def at(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


def test_the_round_puts_the_most_overdue_visit_first(inspector):
    weekly = WorkCategory.objects.filter(kind="small_work").order_by("sort_order").first()
    assert weekly.inspection_interval_days == 7
    a, b, c = (work(Status.UNDER_WAY) for _ in range(3))
    for registration in (a, b, c):
        registration.high_risk_operations.clear()
    Registration.objects.filter(pk=a.pk).update(submitted_at=at(1))  # due in 6 days
    Registration.objects.filter(pk=b.pk).update(submitted_at=at(10))  # 3 days overdue
    Registration.objects.filter(pk=c.pk).update(submitted_at=at(30))
    backoffice.record_inspection(c, inspector, at(8), InspectionResult.NO_HAZARD)  # 1 day overdue
    work(Status.COMPLETED)  # not on the round
    work(Status.UNDER_WAY, street_code=JIANGTOU)  # another street
    order = list(round_for(inspector))
    assert [registration.pk for registration in order] == [b.pk, c.pk, a.pk]
    assert [registration.interval_days for registration in order] == [7, 7, 7]

    # work at height is visited every 3 days: a is overdue now
    a.high_risk_operations.add(HighRiskOperation.objects.get(code="height"))
    Registration.objects.filter(pk=a.pk).update(submitted_at=at(9))  # 6 days overdue at 3-day visits
    assert [registration.pk for registration in round_for(inspector)][0] == a.pk

    # an overdue hazard puts its work first of all, and an inspection today sends a work to the end
    hazard_inspection = backoffice.record_inspection(a, inspector, at(4), InspectionResult.NO_HAZARD)
    Hazard.objects.create(
        inspection=hazard_inspection,
        registration=c,
        category="fire",
        description="灭火器过期",
        deadline=TODAY() - datetime.timedelta(days=1),
    )
    order = list(round_for(inspector))
    assert order[0].pk == c.pk and order[0].overdue_hazard_count == 1
    backoffice.record_inspection(b, inspector, timezone.now(), InspectionResult.NO_HAZARD)
    assert list(round_for(inspector))[-1].pk == b.pk


def test_the_round_page_lists_due_works_in_bounded_queries(client, inspector):
    client.force_login(inspector)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("registration_backoffice:round"))
        assert response.status_code == 200
        return len(queries), response

    work(Status.UNDER_WAY)
    few, response = count()
    assert "从未巡查" in response.content.decode()
    for _ in range(15):
        work(Status.UNDER_WAY)
    many, response = count()
    assert many == few, (few, many)
    assert response.content.decode().count('class="round__card"') == 16


@pytest.mark.parametrize("role", [roles.STREET_OFFICER, roles.GRID_WORKER, roles.CONTENT_EDITOR])
def test_only_inspectors_and_district_staff_open_the_round(client, role):
    user = staff("someone", role, HULI)
    client.force_login(user)
    response = client.get(reverse("registration_backoffice:round"))
    assert response.status_code == (200 if role == roles.STREET_OFFICER else 403)


# --- proof of presence -------------------------------------------------------


def test_scanning_the_receipt_opens_the_inspection_form_for_an_inspector(client, inspector):
    registration = work(Status.UNDER_WAY)
    verify = reverse("registration:verify", args=[registration.verify_token])
    assert "专职安全员：登录后巡查本工程" in client.get(verify).content.decode()
    client.force_login(inspector)
    response = client.get(verify)
    assert response.status_code == 302 and response["Location"].startswith(inspect_url(registration) + "?presence=")
    form = client.get(response["Location"])
    ticket = form.context["form"]["presence"].value()
    assert presence.is_valid(ticket, inspector, registration)
    response = client.post(inspect_url(registration), post_data(presence=ticket, **checklist_answers(registration)))
    assert response.status_code == 302 and response["Location"] == reverse("registration_backoffice:round")
    assert Inspection.objects.get().opened_via == OpenedVia.SCAN


def test_the_verify_page_stays_public_for_anyone_else(client):
    registration = work(Status.UNDER_WAY)
    verify = reverse("registration:verify", args=[registration.verify_token])
    for user in (staff("other_street", roles.SAFETY_INSPECTOR, JIANGTOU), staff("grid", roles.GRID_WORKER, HULI)):
        client.force_login(user)
        response = client.get(verify)
        assert response.status_code == 200 and registration.reference in response.content.decode()
    client.force_login(staff("inspector_huli", roles.SAFETY_INSPECTOR, HULI))
    Registration.objects.filter(pk=registration.pk).update(status=Status.COMPLETED)
    assert client.get(verify).status_code == 200  # a finished work is not inspected


@pytest.mark.parametrize("case", ["other_user", "other_work", "tampered", "expired", "none"])
def test_a_ticket_proves_presence_only_for_its_inspector_and_work(inspector, case):
    registration, other = work(Status.UNDER_WAY), work(Status.UNDER_WAY)
    ticket = presence.issue(inspector, registration)
    user, target, max_age = inspector, registration, presence.PRESENCE_MAX_AGE
    if case == "other_user":
        user = staff("someone_else", roles.SAFETY_INSPECTOR, HULI)
    elif case == "other_work":
        target = other
    elif case == "tampered":
        ticket = ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")
    elif case == "expired":
        max_age = -1
    elif case == "none":
        ticket = ""
    assert not presence.is_valid(ticket, user, target, max_age=max_age)
    assert presence.is_valid(presence.issue(inspector, registration), inspector, registration)


def test_a_forged_ticket_records_the_inspection_as_from_the_desk(client, inspector):
    registration = work(Status.UNDER_WAY)
    client.force_login(inspector)
    client.post(inspect_url(registration), post_data(presence="forged", **checklist_answers(registration)))
    assert Inspection.objects.get().opened_via == OpenedVia.DESK


# --- the inspection with its checklist ------------------------------------------


def test_a_failed_item_becomes_a_hazard_with_its_deadline_and_photo(client, inspector):
    registration = work(Status.UNDER_WAY)
    item = first_item(registration, "高处作业")
    assert (item.hazard_category, item.deadline_days) == ("fall_protection", 0)
    client.force_login(inspector)
    page = client.get(inspect_url(registration, **{"from": "round"}))
    assert page.context["checklist_form"][f"item_{item.pk}_deadline"].value() == TODAY()  # prefilled
    deadline = TODAY() + datetime.timedelta(days=1)
    answers = checklist_answers(
        registration,
        **{
            f"item_{item.pk}": "not_compliant",
            f"item_{item.pk}_note": "三楼外墙作业未系安全带",
            f"item_{item.pk}_deadline": deadline.isoformat(),
            f"item_{item.pk}_photo": gps_photo(),
        },
    )
    data = post_data(
        result="hazards",
        opened_from="round",
        latitude="24.491234",
        longitude="118.110987",
        accuracy="12",
        device_time="2026-12-03T09:30:00.000Z",
        **answers,
    )
    response = client.post(inspect_url(registration), data)
    assert response.status_code == 302, response.context and response.context["checklist_form"].errors
    inspection = Inspection.objects.get()
    assert inspection.opened_via == OpenedVia.ROUND
    assert (inspection.latitude, inspection.longitude, inspection.position_accuracy_m) == (
        Decimal("24.491234"),
        Decimal("118.110987"),
        12,
    )
    assert inspection.device_time == datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.UTC)
    hazard = Hazard.objects.get()
    assert hazard.category == "fall_protection" and hazard.deadline == deadline
    assert hazard.description == "作业人员系挂安全带，安全绳固定在可靠处：三楼外墙作业未系安全带"
    assert (hazard.photo_latitude, hazard.photo_longitude) == (Decimal("24.491667"), Decimal("118.110000"))
    stored = Image.open(hazard.photo.open("rb"))
    assert max(stored.size) == 1600 and stored.size[0] < stored.size[1]  # downscaled and upright
    assert not stored.getexif() and "exif" not in stored.info  # the position is in the record only
    answers = ChecklistAnswer.objects.filter(inspection=inspection)
    assert answers.count() == len(checklist_answers(registration))
    failed = answers.get(answer=ChecklistAnswerValue.NOT_COMPLIANT)
    assert failed.hazard == hazard and failed.item_text == item.text and failed.checklist_name == "高处作业"
    # the work's page shows how the inspection was opened and where
    detail = client.get(reverse("works:inspect", args=[registration.pk])).content.decode()
    assert "从巡查清单" in detail and "24.491234, 118.110987" in detail and "24.491667, 118.110000" in detail


def test_a_checklist_with_no_answers_is_refused_and_nothing_is_saved(client, inspector):
    registration = work(Status.UNDER_WAY)
    client.force_login(inspector)
    before = private_files()
    response = client.post(inspect_url(registration), post_data())
    assert response.status_code == 200
    content = response.content.decode()
    total = len(checklist_answers(registration))
    assert f"检查表还有 {total} 项未作答" in content
    assert "未保存任何内容" in content
    assert not Inspection.objects.exists() and private_files() == before


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"_deadline": ""}, "请填写"),
        ({"_deadline": "2020-01-01"}, "整改期限不能早于今天"),
        (
            {"_photo": SimpleUploadedFile("x.jpg", b"MZ\x90\x00" + b"\x00" * 300, content_type="image/jpeg")},
            "不是 JPG 或 PNG 格式的照片",
        ),
    ],
)
def test_bad_answers_of_a_failed_item_save_nothing(client, inspector, bad, message):
    registration = work(Status.UNDER_WAY)
    item = first_item(registration, "通用现场检查")
    client.force_login(inspector)
    answers = checklist_answers(
        registration,
        **{f"item_{item.pk}": "not_compliant", **{f"item_{item.pk}{key}": value for key, value in bad.items()}},
    )
    before = private_files()
    response = client.post(inspect_url(registration), post_data(result="hazards", **answers))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Inspection.objects.exists() and not Hazard.objects.exists() and private_files() == before


def test_an_oversized_photo_is_refused(client, inspector, settings):
    registration = work(Status.UNDER_WAY)
    item = first_item(registration, "通用现场检查")
    client.force_login(inspector)
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 10), content_type="image/jpeg")
    answers = checklist_answers(registration, **{f"item_{item.pk}": "not_compliant", f"item_{item.pk}_photo": big})
    response = client.post(inspect_url(registration), post_data(result="hazards", **answers))
    assert response.status_code == 200 and "单个文件不能超过" in response.content.decode()
    assert not Inspection.objects.exists()


def test_a_failed_item_with_no_hazard_result_is_explained(client, inspector):
    registration = work(Status.UNDER_WAY)
    item = first_item(registration, "通用现场检查")
    client.force_login(inspector)
    response = client.post(
        inspect_url(registration),
        post_data(
            result="no_hazard",
            **checklist_answers(
                registration, **{f"item_{item.pk}": "not_compliant", f"item_{item.pk}_deadline": TODAY().isoformat()}
            ),
        ),
    )
    assert response.status_code == 200 and "但填写了隐患" in response.content.decode()
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("field, value", [("latitude", "91"), ("longitude", "-181"), ("accuracy", "-3")])
def test_an_impossible_position_is_refused(client, inspector, field, value):
    registration = work(Status.UNDER_WAY)
    client.force_login(inspector)
    response = client.post(inspect_url(registration), post_data(**{field: value}, **checklist_answers(registration)))
    assert response.status_code == 200 and not Inspection.objects.exists()


def test_grid_workers_and_other_streets_cannot_inspect(client):
    registration = work(Status.UNDER_WAY)
    client.force_login(staff("grid", roles.GRID_WORKER, HULI))
    assert client.get(inspect_url(registration)).status_code == 403  # their street's work, not their job
    client.force_login(staff("far_inspector", roles.SAFETY_INSPECTOR, JIANGTOU))
    assert client.get(inspect_url(registration)).status_code == 404
    assert client.post(inspect_url(registration), post_data(**checklist_answers(registration))).status_code == 404
    assert not Inspection.objects.exists()
