"""The registration form's rules, field by field, without the views."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from crispy_forms.utils import render_crispy_form
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from portal.models import Community, PortalSettings, Street
from registration.models import ContractorType, OwnerType, RegistrantRole, WorkCategory, WorkKind
from registration.public.forms import MAX_FILE_BYTES, RegistrationForm, inspect_upload, serialise_answers
from registration.tests.factories import registration_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def answers(**overrides):
    """Valid POST data for the form (strings, as a browser sends them)."""
    data = serialise_answers(registration_data())
    data["commitment"] = "on"
    data.update(overrides)
    return data


def image_bytes(fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(buffer, fmt)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def error_codes(form, field):
    return [error.code for error in form.errors.as_data().get(field, [])]


def test_valid_answers_derive_the_kind_and_normalise_identifiers():
    sporadic = WorkCategory.objects.filter(kind="sporadic").first()
    form = RegistrationForm(
        answers(
            category=str(sporadic.pk),
            owner_mobile="+86 138-0000-0001",
            contractor_uscc=" 91110108551385082q ",
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["kind"] == "sporadic"
    assert form.cleaned_data["owner_mobile"] == "13800000001"
    assert form.cleaned_data["contractor_uscc"] == "91110108551385082Q"
    assert form.cleaned_data["insured"] is False


def other_street_community():
    return str(Community.objects.exclude(street__code="350206001").first().pk)


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("contractor_uscc", "91110108551385082X", "uscc_checksum"),
        ("contractor_uscc", "9111010855138508", "uscc_length"),
        ("contractor_uscc", "9111010855138508IO", "uscc_characters"),
        ("contractor_uscc", "", "required"),
        ("owner_uscc", "91110000600037341X", "uscc_checksum"),
        ("owner_uscc", "", "required"),  # a company must give it
        ("owner_mobile", "1380000000", "mobile_invalid"),
        ("owner_mobile", "138000000O1", "mobile_format"),
        ("site_manager_mobile", "1440000000012", "mobile_invalid"),  # 13-digit IoT number
        ("site_manager_mobile", "12800000000", "mobile_invalid"),
        ("worker_count", "0", "min_value"),
        ("address", "", "required"),
        ("owner_type", "alien", "invalid_choice"),
        ("planned_end", "2020-13-01", "invalid"),
        ("investment_yuan", "-1", "min_value"),
        ("floor_area_m2", "-0.5", "min_value"),
        ("commitment", "", "required"),
    ],
)
def test_invalid_field(field, value, code):
    form = RegistrationForm(answers(**{field: value}))
    assert not form.is_valid()
    assert code in error_codes(form, field), form.errors


def test_community_must_belong_to_the_street():
    form = RegistrationForm(answers(community=other_street_community()))
    assert error_codes(form, "community") == ["community_street"]


def test_inactive_category_is_not_offered():
    category = WorkCategory.objects.first()
    category.active = False
    category.save()
    form = RegistrationForm(answers(category=str(category.pk)))
    assert error_codes(form, "category") == ["invalid_choice"]
    assert f'value="{category.pk}"' not in str(form["category"])


def test_property_company_details_are_required_when_it_registers():
    form = RegistrationForm(answers(registrant_role=RegistrantRole.PROPERTY_COMPANY))
    for field in ("property_company_name", "property_company_contact", "property_company_mobile"):
        assert error_codes(form, field) == ["required"]
    form = RegistrationForm(
        answers(
            registrant_role=RegistrantRole.PROPERTY_COMPANY,
            property_company_name="厦门示例物业服务有限公司",
            property_company_contact="陈经理",
            property_company_mobile="137 0000 0003",
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["property_company_mobile"] == "13700000003"


def test_policy_number_is_required_when_insured():
    assert error_codes(RegistrationForm(answers(insured="True")), "insurance_policy_number") == ["required"]
    assert RegistrationForm(answers(insured="True", insurance_policy_number="PICC-2026-1")).is_valid()
    assert error_codes(RegistrationForm(answers(insured="")), "insured") == ["required"]


def test_answers_that_do_not_apply_are_ignored():
    """Without JavaScript every field shows; what was typed in a field that
    does not apply must neither block the form nor be saved."""
    form = RegistrationForm(
        answers(
            owner_type=OwnerType.INDIVIDUAL,
            owner_uscc="rubbish",
            registrant_role=RegistrantRole.CONTRACTOR,
            property_company_name="物业",
            property_company_mobile="123",
            insured="False",
            insurance_policy_number="P-1",
        )
    )
    assert form.is_valid(), form.errors
    for field in ("owner_uscc", "property_company_name", "property_company_mobile", "insurance_policy_number"):
        assert form.cleaned_data[field] == ""


def test_planned_dates():
    today = TODAY()
    cases = {
        (today - datetime.timedelta(days=1), today + datetime.timedelta(days=5)): ("planned_start", "start_in_past"),
        (today + datetime.timedelta(days=380), today + datetime.timedelta(days=400)): (
            "planned_start",
            "start_too_late",
        ),
        (today + datetime.timedelta(days=10), today + datetime.timedelta(days=9)): ("planned_end", "end_before_start"),
    }
    for (start, end), (field, code) in cases.items():
        form = RegistrationForm(answers(planned_start=start.isoformat(), planned_end=end.isoformat()))
        assert error_codes(form, field) == [code], (start, end)
    # the limits themselves are allowed: today, and the same day next year
    for start in (today, today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today):
        assert RegistrationForm(answers(planned_start=start.isoformat(), planned_end=start.isoformat())).is_valid()


def test_amounts_over_the_threshold_are_refused():
    form = RegistrationForm(answers(investment_yuan="300000.01", floor_area_m2="300.5"))
    assert error_codes(form, "investment_yuan") == ["needs_permit"]
    assert form.needs_permit
    # at the limit, or over only one of the two limits, it is still a small work
    for investment, area in [("300000", "300"), ("2000000", "120"), ("80000", "1000")]:
        assert RegistrationForm(answers(investment_yuan=investment, floor_area_m2=area)).is_valid()


INSTALLER_ID = "35020619850302123X"


def sporadic_category():
    return WorkCategory.objects.filter(kind=WorkKind.SPORADIC).order_by("sort_order").first()


def test_an_individual_contractor_gives_a_resident_id_instead_of_a_credit_code():
    form = RegistrationForm(
        answers(
            contractor_type=ContractorType.INDIVIDUAL,
            contractor_name="张志明",
            contractor_uscc="91110108551385082Q",  # typed before switching: ignored
            contractor_id_number=" 35020619850302123x ",
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["contractor_id_number"] == INSTALLER_ID
    assert form.cleaned_data["contractor_uscc"] == ""
    sections = {row[0]: row[1] for section in form.review_sections() for row in section["rows"]}
    assert sections[form.fields["contractor_id_number"].label] == "3502**********123X"
    assert form.fields["contractor_uscc"].label not in sections


@pytest.mark.parametrize(
    "value, code",
    [
        ("", "required"),
        ("350206198503021231", "id_checksum"),
        ("35020619851302123X", "id_birth_date"),
        ("3502061985030212", "id_format"),
    ],
)
def test_a_bad_resident_id_is_named(value, code):
    form = RegistrationForm(answers(contractor_type=ContractorType.INDIVIDUAL, contractor_id_number=value))
    assert error_codes(form, "contractor_id_number") == [code]


def test_an_organisation_contractor_needs_its_credit_code_and_no_id():
    form = RegistrationForm(answers(contractor_uscc="", contractor_id_number=INSTALLER_ID))
    assert error_codes(form, "contractor_uscc") == ["required"]
    assert "contractor_id_number" not in form.errors
    form = RegistrationForm(answers(contractor_id_number=INSTALLER_ID))
    assert form.is_valid() and form.cleaned_data["contractor_id_number"] == ""


def test_a_sporadic_operation_asks_no_investment_or_area():
    category = sporadic_category()
    form = RegistrationForm(answers(category=str(category.pk), investment_yuan="", floor_area_m2=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["investment_yuan"] is None and form.cleaned_data["floor_area_m2"] is None
    # amounts left over from a small work are dropped, and never need a permit
    form = RegistrationForm(answers(category=str(category.pk), investment_yuan="5000000", floor_area_m2="2000"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["investment_yuan"] is None and not form.needs_permit


def test_a_small_work_needs_its_amounts():
    form = RegistrationForm(answers(investment_yuan="", floor_area_m2=""))
    assert error_codes(form, "investment_yuan") == ["required"]
    assert error_codes(form, "floor_area_m2") == ["required"]
    assert RegistrationForm(answers(investment_yuan="0", floor_area_m2="0")).is_valid()


def test_the_amounts_show_for_small_work_categories_only():
    html = render_crispy_form(RegistrationForm())
    small = {str(pk) for pk in WorkCategory.objects.filter(kind=WorkKind.SMALL_WORK).values_list("pk", flat=True)}
    shown_for = re.search(r'data-controller="category" data-values="([^"]*)"', html).group(1).split()
    assert set(shown_for) == small


def test_the_threshold_comes_from_the_settings():
    settings = PortalSettings.load()
    settings.threshold_investment_yuan = Decimal("1000000")
    settings.threshold_area_m2 = Decimal("500")
    settings.save()
    assert RegistrationForm(answers(investment_yuan="400000", floor_area_m2="400")).is_valid()
    form = RegistrationForm(answers(investment_yuan="1000001", floor_area_m2="501"))
    assert error_codes(form, "investment_yuan") == ["needs_permit"]


def test_communities_are_grouped_by_street_and_categories_by_kind():
    html = str(RegistrationForm()["community"])
    assert html.count("<optgroup") == Street.objects.count()
    assert '<optgroup label="殿前街道">' in html
    assert str(RegistrationForm()["category"]).count("<optgroup") == 2


# Attachments


def files_form(photos=(), contract=None, **kwargs):
    files = {"photos": list(photos)}
    if contract:
        files["contract"] = contract
    return RegistrationForm(answers(), files, **kwargs)


def test_real_photos_and_pdf_are_accepted_by_their_content():
    form = files_form(
        photos=[upload("site.JPG", image_bytes("JPEG")), upload("no-extension", image_bytes("PNG"))],
        contract=upload("contract.pdf", PDF),
    )
    assert form.is_valid(), form.errors
    assert [(kind, f.content_type) for kind, f in form.uploads] == [
        ("photo", "image/jpeg"),
        ("photo", "image/png"),
        ("contract", "application/pdf"),
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,  # Windows executable
        b"\x7fELF\x02\x01\x01" + b"\x00" * 200,  # Linux executable
        b"<html><script>alert(1)</script></html>",
    ],
)
def test_an_executable_renamed_jpg_is_refused(content):
    form = files_form(photos=[upload("photo.jpg", content, "image/jpeg")])
    assert error_codes(form, "photos") == ["file_type"]


def test_a_pdf_is_not_a_photo():
    assert error_codes(files_form(photos=[upload("site.pdf", PDF)]), "photos") == ["file_type"]


def test_a_png_signature_in_front_of_garbage_is_refused():
    fake = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"garbage" * 50
    assert error_codes(files_form(photos=[upload("photo.png", fake, "image/png")]), "photos") == ["file_damaged"]


class Unreadable(SimpleUploadedFile):
    def read(self, *args):
        raise AssertionError("a file over the limit must not be read")


def test_a_20_mb_file_is_refused_from_its_size_without_reading_it():
    big = Unreadable("big.jpg", b"", content_type="image/jpeg")
    big.size = 20 * 1024 * 1024
    with pytest.raises(Exception) as error:
        inspect_upload(big, {"image/jpeg"})
    assert error.value.code == "file_too_large"
    huge = upload("big.jpg", image_bytes("JPEG") + b"\x00" * (MAX_FILE_BYTES + 1))
    assert error_codes(files_form(photos=[huge]), "photos") == ["file_too_large"]


def test_errors_name_each_bad_file():
    form = files_form(
        photos=[
            upload("a.jpg", b"MZ" + b"\x00" * 100),
            upload("ok.png", image_bytes()),
            upload("b.jpg", b"\x7fELF" + b"\x00" * 100),
        ]
    )
    messages = form.errors["photos"]
    assert len(messages) == 2
    assert "a.jpg" in messages[0] and "b.jpg" in messages[1]


def test_at_most_five_files_counting_those_already_attached():
    six = [upload(f"p{i}.png", image_bytes()) for i in range(6)]
    assert error_codes(files_form(photos=six), "photos") == ["too_many_files"]
    assert files_form(photos=six[:5]).is_valid()
    staged = [{"token": f"t{i}", "original_name": f"s{i}.png", "size": 10} for i in range(2)]
    assert error_codes(files_form(photos=six[:3], staged=staged, existing=["a"]), "photos") == ["too_many_files"]
    # removing a staged file makes room
    form = RegistrationForm({**answers(), "remove_files": ["t0"]}, {"photos": six[:3]}, staged=staged, existing=["a"])
    assert form.is_valid(), form.errors
    assert [item["token"] for item in form.cleaned_data["kept_files"]] == ["t1"]


def test_serialised_answers_bind_the_form_again():
    form = RegistrationForm(answers(insured="True", insurance_policy_number="P-1"))
    assert form.is_valid()
    again = RegistrationForm(form.serialise())
    assert again.is_valid(), again.errors
    assert again.cleaned_data["high_risk_operations"].count() == 2
    assert again.cleaned_data["insured"] is True


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("description", "很长的描述" * 250, "工程内容最多 1000 字，现在 1250 字。"),
        ("planned_start", "明天", "请按日期格式填写计划开工日期，例如 2026-03-01。"),
        ("worker_count", "十个", "作业人数请填写数字。"),
        ("street", "999999", "请从列出的街道中选择一项。"),
    ],
)
def test_bad_input_gets_a_specific_chinese_message(field, value, message):
    """Never Django's bare defaults (必需字段, 确保该变量包含不超过 …): the field is named."""
    from django.utils import translation

    with translation.override("zh-hans"):
        form = RegistrationForm(data=answers(**{field: value}))
        assert not form.is_valid()
        assert list(form.errors[field]) == [message]
