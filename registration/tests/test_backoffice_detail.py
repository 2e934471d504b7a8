"""What street staff read in the back office: a work's history with the
reasons, the write-off override, photos, dates and values as people read
them, actions only when they apply, deleting with a reason, the paper form's
errors and the ledger spreadsheet."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.models import ModelLogEntry

from registration import roles
from registration.backoffice import actions as backoffice
from registration.models import Hazard, HazardCategory, HighRiskOperation, InspectionResult, Registration, Status
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, hazard_data, photo, staff, work
from registration.tests.test_forms import answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "officer": staff("officer_huli", roles.STREET_OFFICER, HULI),
        "inspector": staff("inspector_huli", roles.SAFETY_INSPECTOR, HULI),
        "other_officer": staff("officer_jiangtou", roles.STREET_OFFICER, JIANGTOU),
        "district": staff("district_admin", roles.DISTRICT_ADMIN),
        "editor": staff("editor", roles.CONTENT_EDITOR),
    }


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def text(response):
    return response.content.decode()


def camera_photo(width=2400, height=1800):
    """A JPEG as a phone takes it: large, with EXIF (a GPS block) in it."""
    image = Image.new("RGB", (width, height), "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (24.0, 30.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def worked_case(people):
    """A Huli work taken through every action that carries a reason."""
    officer, inspector = people["officer"], people["inspector"]
    registration = work()
    backoffice.accept(registration, officer)
    backoffice.record_inspection(
        registration,
        inspector,
        timezone.now(),
        InspectionResult.STOP_WORK,
        "脚手架未设防护网",
        [hazard_data(photo=camera_photo())],
    )
    referral = backoffice.refer_to_enforcement(registration, officer, "湖里街道综合执法队", "拒不整改")
    backoffice.record_case_outcome(referral, officer, "湖执2026第0012号", "已责令整改", closed=True)
    backoffice.release(registration, officer, "防护网已补设")
    backoffice.write_off(registration, inspector, "业主已拆除脚手架，现场无作业")
    return registration


# History (办理记录)


@pytest.mark.parametrize("who", ["officer", "inspector", "district"])
def test_everyone_who_sees_the_work_reads_its_history_with_the_reasons(client, people, who):
    registration = worked_case(people)
    response = page(client, people[who], reverse("works:history", args=[registration.pk]))
    assert response.status_code == 200
    html = text(response)
    for reason in (
        "脚手架未设防护网",
        "湖里街道综合执法队",
        "拒不整改",
        "湖执2026第0012号",
        "已责令整改",
        "防护网已补设",
        "业主已拆除脚手架，现场无作业",
        "登记人",
    ):
        assert reason in html, reason
    assert "之前" not in html  # absolute times, not "3 分钟之前"
    assert timezone.localtime().strftime("%Y-%m-%d") in html


def test_history_is_linked_from_the_work_and_scoped_by_street(client, people):
    registration = worked_case(people)
    detail = text(page(client, people["inspector"], reverse("works:inspect", args=[registration.pk])))
    assert reverse("works:history", args=[registration.pk]) in detail
    assert page(client, people["other_officer"], reverse("works:history", args=[registration.pk])).status_code == 404
    assert page(client, people["other_officer"], reverse("works:usage", args=[registration.pk])).status_code == 404
    refused = page(client, people["editor"], reverse("works:history", args=[registration.pk]))
    assert refused.status_code in (302, 403, 404) and "业主已拆除" not in text(refused)


def test_history_queries_do_not_grow_with_the_actions(client, people, django_assert_max_num_queries):
    short, long = work(Status.UNDER_WAY), work(Status.UNDER_WAY)
    for registration, count in ((short, 1), (long, 10)):
        for number in range(count):
            referral = backoffice.refer_to_enforcement(registration, people["officer"], "执法队", "复查")
            backoffice.record_case_outcome(referral, people["officer"], f"湖执{number}", "已整改", closed=True)
    client.force_login(people["officer"])
    client.get(reverse("works:history", args=[short.pk]))  # warm the per-process caches
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("works:history", args=[short.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("works:history", args=[long.pk]))


# Write-off with open hazards


def test_override_reason_is_kept_and_left_open_hazards_are_closed_by_the_write_off(client, people):
    officer, inspector = people["officer"], people["inspector"]
    registration = work(Status.UNDER_WAY)
    backoffice.record_inspection(
        registration,
        inspector,
        timezone.now(),
        InspectionResult.HAZARDS,
        "",
        [hazard_data(), hazard_data(category=HazardCategory.FIRE)],
    )
    first, second = registration.hazards.all()
    backoffice.rectify_hazard(first, inspector, timezone.localdate())
    Hazard.objects.filter(pk=second.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(officer)
    assert "<td>1</td>" in text(client.get(reverse("wagtailadmin_home"))).split('data-status="overdue"')[1][:200]

    backoffice.write_off(registration, officer, "业主已自行拆除")
    second.refresh_from_db()
    assert second.written_off_on == timezone.localdate() and second.closed_by_write_off and not second.is_open
    first.refresh_from_db()
    assert first.rectified_on and first.written_off_on is None  # a rectified hazard stays rectified
    assert not Hazard.objects.open().filter(registration=registration).exists()
    assert not Hazard.objects.overdue().filter(registration=registration).exists()

    dashboard = text(client.get(reverse("wagtailadmin_home")))
    assert "<td>0</td>" in dashboard.split('data-status="overdue"')[1][:200]
    assert "<td>1</td>" in dashboard.split('data-status="written-off-open"')[1][:200]
    detail = text(client.get(reverse("works:inspect", args=[registration.pk])))
    assert detail.count("业主已自行拆除") >= 1 and "未整改，已随核销关闭" in detail
    change = registration.status_changes.get(to_status=Status.COMPLETED)
    assert change.reason == "业主已自行拆除"
    listed = text(client.get(reverse("works:index") + "?overdue_hazards=yes"))
    assert registration.reference not in listed


def test_a_hazard_closed_by_write_off_cannot_be_rectified_afterwards(client, people):
    registration = work(Status.UNDER_WAY)
    backoffice.record_inspection(
        registration, people["inspector"], timezone.now(), InspectionResult.HAZARDS, "", [hazard_data()]
    )
    hazard = registration.hazards.get()
    backoffice.write_off(registration, people["officer"], "业主已自行拆除")
    with pytest.raises(backoffice.ActionRefused, match="核销"):
        backoffice.rectify_hazard(hazard, people["inspector"], timezone.localdate())
    url = reverse("registration_backoffice:rectify", args=[registration.pk, hazard.pk])
    assert page(client, people["inspector"], url).status_code == 409


def test_a_write_off_without_open_hazards_needs_no_reason(people):
    registration = work(Status.UNDER_WAY)
    backoffice.write_off(registration, people["officer"])
    assert registration.status_changes.get(to_status=Status.COMPLETED).reason == ""


# Photos


def test_hazard_and_rectification_photos_show_as_thumbnails_without_exif(client, people):
    inspector = people["inspector"]
    registration = work(Status.UNDER_WAY)
    backoffice.record_inspection(
        registration, inspector, timezone.now(), InspectionResult.HAZARDS, "", [hazard_data(photo=camera_photo())]
    )
    hazard = registration.hazards.get()
    backoffice.rectify_hazard(hazard, inspector, timezone.localdate(), photo=camera_photo(1200, 1600))
    detail = text(page(client, people["officer"], reverse("works:inspect", args=[registration.pk])))
    for which in ("found", "rectified"):
        url = reverse("registration_hazard_photo", args=[hazard.pk, which])
        assert f'src="{url}?size=thumb"' in detail and f'href="{url}"' in detail
        thumb = client.get(url + "?size=thumb")
        assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
        assert "private" in thumb["Cache-Control"]
        image = Image.open(io.BytesIO(thumb.content))
        assert max(image.size) == 320 and not image.getexif()
        full = client.get(url)
        assert full.status_code == 200 and max(Image.open(io.BytesIO(b"".join(full.streaming_content))).size) > 320
    assert "湖里街道专职安全员" in detail or "inspector_huli" in detail  # who recorded and who verified
    assert detail.count("inspector_huli") >= 2


def test_photos_of_another_street_or_without_the_role_are_refused(client, people):
    registration = work(Status.UNDER_WAY)
    backoffice.record_inspection(
        registration, people["inspector"], timezone.now(), InspectionResult.HAZARDS, "", [hazard_data(photo=photo())]
    )
    hazard = registration.hazards.get()
    url = reverse("registration_hazard_photo", args=[hazard.pk, "found"])
    assert page(client, people["other_officer"], url).status_code == 404
    assert page(client, people["editor"], url).status_code in (302, 403)
    assert page(
        client, people["officer"], reverse("registration_hazard_photo", args=[hazard.pk, "other"])
    ).status_code in (302, 403)


def test_detail_queries_do_not_grow_with_hazards(client, people, django_assert_max_num_queries):
    small, large = work(Status.UNDER_WAY), work(Status.UNDER_WAY)
    backoffice.record_inspection(
        small, people["inspector"], timezone.now(), InspectionResult.HAZARDS, "", [hazard_data(photo=photo())]
    )
    for _ in range(4):
        backoffice.record_inspection(
            large,
            people["inspector"],
            timezone.now(),
            InspectionResult.HAZARDS,
            "",
            [hazard_data(photo=photo()), hazard_data(photo=photo())],
        )
    client.force_login(people["officer"])
    client.get(reverse("works:inspect", args=[small.pk]))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("works:inspect", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("works:inspect", args=[large.pk]))


# Dates and values as people read them


def test_detail_reads_in_chinese_with_beijing_times_and_yes_no(client, people):
    registration = work()
    html = text(page(client, people["officer"], reverse("works:inspect", args=[registration.pk])))
    assert "工程详情" in html and "检查" not in html.split("<title>")[1].split("</title>")[0]
    for leak in (">True<", ">False<", ">None<", "UTC"):
        assert leak not in html, leak
    assert timezone.localtime(registration.submitted_at).strftime("%Y-%m-%d %H:%M") in html
    assert "否" in html  # not insured


def test_an_individual_contractor_id_is_masked_on_the_detail_and_in_the_ledger(client, people):
    from registration import services
    from registration.tests.factories import registration_data

    registration = services.create_registration(
        registration_data(
            HULI,
            contractor_type="individual",
            contractor_name="张志明",
            contractor_uscc="",
            contractor_id_number="35020619850302123X",
        )
    )
    html = text(page(client, people["officer"], reverse("works:inspect", args=[registration.pk])))
    assert "3502**********123X" in html and "35020619850302123X" not in html
    assert "个人" in html
    for export in ("csv", "xlsx"):
        response = client.get(reverse("works:index") + f"?export={export}")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if export == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(content)).active
            content = "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row).encode()
        assert b"35020619850302123X" not in content and "个人".encode() in content


def test_works_list_shows_dates_as_dates(client, people):
    registration = work()
    html = text(page(client, people["officer"], reverse("works:index")))
    assert registration.planned_start.isoformat() in html
    assert "之前" not in html and "之后" not in html
    assert 'class="listing works-ledger"' in html and 'data-label="' in html


# Actions only when they apply


@pytest.mark.parametrize(
    "status, action",
    [
        (Status.UNDER_WAY, "accept"),
        (Status.RETURNED, "return"),
        (Status.UNDER_WAY, "release"),
        (Status.STOPPED, "stop"),
        (Status.COMPLETED, "inspect/new"),
        (Status.COMPLETED, "write-off"),
        (Status.SUBMITTED, "refer"),
    ],
)
def test_an_action_that_does_not_apply_explains_and_changes_nothing(client, people, status, action):
    registration = work(status)
    url = f"/admin/works/{registration.pk}/{action}/"
    response = page(client, people["officer"], url)
    assert response.status_code == 409 and "现在不能" in text(response)
    assert client.post(url, {"reason": "x", "department": "x"}).status_code == 409
    assert Registration.objects.get(pk=registration.pk).status == status
    detail = text(client.get(reverse("works:inspect", args=[registration.pk])))
    assert f'href="{url}"' not in detail  # the button is hidden too


def test_a_closed_case_cannot_be_changed(client, people):
    registration = work(Status.UNDER_WAY)
    referral = backoffice.refer_to_enforcement(registration, people["officer"], "执法队", "拒不整改")
    backoffice.record_case_outcome(referral, people["officer"], "湖执1", "已处罚", closed=True)
    url = reverse("registration_backoffice:case_outcome", args=[registration.pk, referral.pk])
    assert page(client, people["officer"], url).status_code == 409


# Deleting a work


def test_only_the_district_deletes_and_must_say_why(client, people):
    registration = work()
    url = reverse("works:delete", args=[registration.pk])
    detail = text(page(client, people["officer"], reverse("works:inspect", args=[registration.pk])))
    assert url not in detail
    assert client.post(url, {"reason": "重复登记"}).status_code in (302, 403)
    assert Registration.objects.filter(pk=registration.pk).exists()

    client.force_login(people["district"])
    assert "请填写" in text(client.get(url)) or "原因" in text(client.get(url))
    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 200 and "请填写删除这条登记的原因" in text(refused)
    assert Registration.objects.filter(pk=registration.pk).exists()
    assert client.post(url, {"reason": "与 HL-2026-000002 重复"}).status_code == 302
    assert not Registration.objects.filter(pk=registration.pk).exists()
    entry = ModelLogEntry.objects.get(action="registration.delete", object_id=str(registration.pk))
    assert entry.data["reason"] == "与 HL-2026-000002 重复" and entry.data["reference"] == registration.reference
    assert entry.user == people["district"]


# The paper registration


def test_paper_form_errors_name_each_field_once(client, people):
    client.force_login(people["officer"])
    response = client.post(reverse("registration_backoffice:paper"), {})
    html = text(response)
    assert response.status_code == 200 and not Registration.objects.exists()
    for message in ("请填写详细地址。", "请选择街道。", "请填写施工单位名称或个人姓名。", "请选择类别。"):
        assert message in html, message
    assert "必需字段" not in html and "这个字段是必填项" not in html
    summary = html.split('id="form-errors"')[1].split("</ul>")[0]
    assert '<a href="#id_address">请填写详细地址。</a>' in summary  # named once, not "详细地址: 请填写详细地址"


def test_paper_form_offers_the_community_filter(client, people):
    html = text(page(client, people["officer"], reverse("registration_backoffice:paper")))
    assert 'data-community-filter="street"' in html and "js/registration.js" in html


def test_paper_form_keeps_a_valid_walk_in(client, people):
    client.force_login(people["officer"])
    data = answers(street_code=HULI)
    data.pop("photos", None)
    data.pop("contract", None)
    response = client.post(reverse("registration_backoffice:paper"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert Registration.objects.get().entered_by == people["officer"]


# The ledger


def test_ledger_xlsx_has_a_named_sheet_frozen_header_contacts_and_the_override(client, people):
    registration = worked_case(people)
    registration.high_risk_operations.set(HighRiskOperation.objects.order_by("pk")[:2])
    client.force_login(people["officer"])
    response = client.get(reverse("works:index") + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "工程台账" and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[0]
    for heading in (
        "建设单位（业主）联系人",
        "建设单位（业主）手机号码",
        "现场负责人手机号码",
        "危险作业",
        "投保",
        "隐患未整改即核销的理由",
    ):
        assert any(heading in str(cell) for cell in headings), heading
    row = dict(zip(headings, rows[1]))
    assert "业主已拆除脚手架，现场无作业" in rows[1]
    names = "、".join(HighRiskOperation.objects.order_by("pk").values_list("name", flat=True)[:2])
    assert names and names in rows[1]
    insured = next(value for key, value in row.items() if "投保" in str(key))
    assert insured in ("是", "否")
