"""The registration journey through the views: form, review, submit,
confirmation, receipt and correction, with the session and private storage."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Community, Street
from registration import services
from registration.models import Attachment, HighRiskOperation, Registration, Status, WorkCategory
from registration.public.drafts import SESSION_KEY as DRAFTS
from registration.public.forms import RegistrationForm
from registration.tests.factories import registration_data
from registration.tests.test_forms import PDF, answers, image_bytes

pytestmark = pytest.mark.django_db

FORM = "/register/"
REVIEW = "/register/review/"


def private_files():
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return {path for path in root.rglob("*") if path.is_file()}


def draft(client, key="new"):
    return client.session.get(DRAFTS, {}).get(key)


def fill(client, url=FORM, files=None, **overrides):
    data = answers(**overrides)
    for name, value in (files or {}).items():
        data[name] = value
    return client.post(url, data)


def submit(client, url=REVIEW, key="new"):
    return client.post(url, {"draft": draft(client, key)["id"]})


def photo(name="site.png"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


@pytest.fixture
def nothing_saved():
    """Asserts, after the test, that no registration and no file was stored."""
    before = private_files()
    yield
    assert Registration.objects.count() == 0
    assert private_files() == before


# The form


def test_form_page_has_the_sections_and_grouped_choices(client):
    html = client.get(FORM).content.decode()
    for section in ("category", "location", "owner", "contractor", "registrant", "work", "attachments", "commitment"):
        assert f'id="section-{section}"' in html
    assert '<optgroup label="湖里街道">' in html
    assert 'type="tel"' in html and 'autocomplete="tel"' in html and 'inputmode="numeric"' in html
    assert 'enctype="multipart/form-data"' in html


def test_form_page_queries_do_not_grow_with_the_lists(client):
    def count():
        client.get(FORM)  # warm the caches (site, settings), emptied when a street is added
        with CaptureQueriesContext(connection) as queries:
            assert client.get(FORM).status_code == 200
        return len(queries)

    before = count()
    street = Street.objects.create(name="测试街道", code="350206099", sort_order=9)
    for number in range(30):
        Community.objects.create(street=street, name=f"测试社区{number}")
        WorkCategory.objects.create(kind="sporadic", name=f"测试类别{number}")
        HighRiskOperation.objects.create(code=f"test-{number}", name=f"测试作业{number}")
    # The blank form's fields come from memory until a purge (portal.page_cache.memoised).
    assert count() == before == 0


def test_the_blank_form_is_rendered_once_with_constant_queries(client, settings):
    """The first request after a purge renders the blank form: its queries
    (the lists) do not grow with the lists; the next ones take it from memory."""

    def count():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(FORM).content.decode()
        return len(queries), html

    client.get(FORM)
    first, html = count()
    assert first == 0
    Street.objects.create(name="测试街道", code="350206099", sort_order=9)  # purges
    rendered, html = count()
    assert "测试街道" in html and 0 < rendered <= 12
    street = Street.objects.get(code="350206099")
    for number in range(30):
        Community.objects.create(street=street, name=f"测试社区{number}")
        WorkCategory.objects.create(kind="sporadic", name=f"测试类别{number}")
        HighRiskOperation.objects.create(code=f"test-{number}", name=f"测试作业{number}")
    assert count()[0] == rendered
    assert count()[0] == 0


def _without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_blank_form_from_memory_is_the_form_rendered_afresh(client, settings):
    client.get(FORM)
    remembered = _without_csrf(client.get(FORM).content.decode())
    settings.SITE_DATA_CACHE = False  # every form rendered afresh
    assert remembered == _without_csrf(client.get(FORM).content.decode())


def _set_hotline(text):
    from portal.models import PortalSettings

    portal_settings = PortalSettings.load()
    portal_settings.hotline = text
    portal_settings.save()


@pytest.mark.parametrize(
    "change",
    [
        lambda: WorkCategory.objects.create(kind="sporadic", name="新的选项"),
        lambda: Community.objects.create(street=Street.objects.first(), name="新的选项"),
        lambda: HighRiskOperation.objects.create(code="new-op", name="新的选项"),
        lambda: _set_hotline("新的选项"),
    ],
    ids=["category", "community", "high-risk operation", "settings"],
)
def test_the_blank_form_shows_a_change_at_once(client, change):
    client.get(FORM)
    assert "新的选项" not in client.get(FORM).content.decode()
    change()
    assert "新的选项" in client.get(FORM).content.decode().split("<footer")[0]  # the hotline is in the form too


def test_a_category_made_inactive_leaves_the_blank_form_at_once(client):
    category = WorkCategory.objects.filter(active=True).first()
    client.get(FORM)
    option = f'<option value="{category.pk}">{category.name}</option>'
    assert option in client.get(FORM).content.decode()
    category.active = False
    category.save()
    assert option not in client.get(FORM).content.decode()


def test_the_blank_form_is_kept_for_one_day(client, monkeypatch):
    """The dates allowed are from today to a year from now: tomorrow's form is another."""
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    client.get(FORM)
    assert f'min="{today.isoformat()}"' in client.get(FORM).content.decode()
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    html = client.get(FORM).content.decode()
    assert f'min="{tomorrow.isoformat()}"' in html and f'min="{today.isoformat()}"' not in html


def test_only_the_blank_form_is_shared(client):
    """Answers, errors and staged files are this visitor's alone: such a form is never kept or reused."""
    client.get(FORM)
    fill(client, address="湖里区示例路8号")
    assert 'value="湖里区示例路8号"' in client.get(FORM).content.decode()
    other = Client()
    assert "湖里区示例路8号" not in other.get(FORM).content.decode()
    html = fill(other, owner_mobile="12345", address="湖里区示例路9号").content.decode()
    assert 'value="湖里区示例路9号"' in html and "is-invalid" in html
    assert "湖里区示例路9号" not in Client().get(FORM).content.decode()


def test_errors_are_shown_next_to_fields_and_in_a_summary(client, nothing_saved):
    response = fill(client, contractor_uscc="91110108551385082X", address="湖里区示例路1号", owner_mobile="12345")
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary[^>]*role="alert"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert 'href="#id_contractor_uscc"' in summary and 'href="#id_owner_mobile"' in summary
    field = re.search(r"<input[^>]*name=\"contractor_uscc\"[^>]*>", html).group(0)
    assert "is-invalid" in field and "id_contractor_uscc_error" in field and 'aria-invalid="true"' in field
    assert 'id="id_contractor_uscc_error"' in html
    assert 'value="湖里区示例路1号"' in html  # the answers are kept
    assert draft(client) is None


def test_radio_errors_link_to_the_first_button(client, nothing_saved):
    html = fill(client, registrant_role="").content.decode()
    assert 'href="#id_registrant_role_0"' in html


def test_amounts_over_the_threshold_explain_the_permit(client, nothing_saved):
    from portal.models import PortalSettings

    settings_ = PortalSettings.load()
    settings_.permit_info_url = "https://zjj.example.cn/permit"
    settings_.save()
    html = fill(client, investment_yuan="5000000", floor_area_m2="2000").content.decode()
    assert 'href="#id_investment_yuan"' in html
    assert 'href="https://zjj.example.cn/permit"' in html


@pytest.mark.parametrize(
    "files",
    [
        {"photos": [SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500, content_type="image/jpeg")]},
        {"contract": SimpleUploadedFile("big.pdf", PDF + b"\x00" * (20 * 1024 * 1024), content_type="application/pdf")},
        {"photos": [SimpleUploadedFile(f"p{i}.png", image_bytes(), content_type="image/png") for i in range(6)]},
        {"photos": [SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 40, content_type="image/png")]},
    ],
)
def test_bad_files_save_nothing(client, nothing_saved, files):
    response = fill(client, files=files)
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert draft(client) is None


def test_a_request_too_large_for_the_limits_is_refused_before_reading(client, nothing_saved):
    response = client.post(FORM, answers(), CONTENT_LENGTH=str(60 * 1024 * 1024))
    assert response.status_code == 413


def test_posts_without_csrf_token_are_refused(nothing_saved):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FORM, answers()).status_code == 403
    assert strict.post(REVIEW, {"draft": "anything"}).status_code == 403


# Review, submit, confirmation, receipt


def test_the_whole_journey_with_files(client):
    before = private_files()
    response = fill(
        client,
        files={
            "photos": [photo("现场.png")],
            "contract": SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf"),
        },
        address="<script>alert('x')</script>示例路1号",
    )
    assert response.status_code == 302 and response["Location"] == REVIEW
    stored = draft(client)
    assert [item["name"].startswith("staging/") for item in stored["files"]] == [True, True]
    assert len(private_files() - before) == 2
    assert Registration.objects.count() == 0

    review = client.get(REVIEW).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in review and "<script>alert" not in review
    assert "现场.png" in review and "合同.pdf" in review
    assert review.count(f'href="{FORM}#section-') == 8

    response = submit(client)
    registration = Registration.objects.get()
    assert response["Location"] == reverse("registration:done", args=[registration.reference])
    assert registration.address == "<script>alert('x')</script>示例路1号"
    assert registration.registrant_mobile == "13900000002"
    assert registration.status_changes.get().to_status == Status.SUBMITTED
    attachments = list(registration.attachments.values_list("kind", "original_name", "content_type"))
    assert attachments == [("photo", "现场.png", "image/png"), ("contract", "合同.pdf", "application/pdf")]
    assert draft(client) is None
    assert private_files() - before == {  # staging emptied, attachments kept
        Path(a.file.path) for a in registration.attachments.all()
    }

    done = client.get(response["Location"]).content.decode()
    assert registration.reference in done and reverse("registration:receipt", args=[registration.reference]) in done

    receipt = client.get(reverse("registration:receipt", args=[registration.reference])).content.decode()
    assert "<svg" in receipt and "receipt-print.css" in receipt
    assert f"/verify/{registration.verify_token}/" in receipt
    assert "139****0002" in receipt and "13900000002" not in receipt
    assert "&lt;script&gt;" in receipt and "<script>alert" not in receipt


def test_back_and_submit_again_creates_no_second_registration(client):
    fill(client)
    draft_id = draft(client)["id"]
    first = submit(client)
    again = client.post(REVIEW, {"draft": draft_id})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Registration.objects.count() == 1


def submit_twice_from_one_session(client):
    """Submit, then submit again with the session as it was before the first
    (a second tab, a double tap): the two responses."""
    from importlib import import_module

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    key = client.session.session_key
    before = dict(SessionStore(session_key=key).load())
    first = submit(client)
    stale = SessionStore(session_key=key)
    stale.clear()
    stale.update(before)
    stale.save()
    return first, client.post(REVIEW, {"draft": before[DRAFTS]["new"]["id"]})


def test_a_second_request_that_still_holds_the_draft_lands_on_the_same_registration(client):
    """Two tabs (or a double tap) whose sessions both still hold the draft, its
    staged photo already moved by the first submit: one registration, and the
    second request is sent to the same confirmation, not an error page."""
    files_before = private_files()
    fill(client, files={"photos": [photo()]})
    assert len(draft(client)["files"]) == 1
    first, again = submit_twice_from_one_session(client)
    assert not [path for path in private_files() - files_before if "staging" in str(path)]  # the photo has moved
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Registration.objects.count() == 1
    assert Registration.objects.get().attachments.count() == 1


@pytest.mark.parametrize("with_photo", [False, True], ids=["no file", "a photo"])
def test_a_draft_submitted_again_from_a_stale_session_is_the_same_registration(client, with_photo):
    """The second of two requests holding the same draft: its files may still
    be staged or already moved; either way the draft's registration is found."""
    fill(client, files={"photos": [photo()]} if with_photo else None)
    first, again = submit_twice_from_one_session(client)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Registration.objects.count() == 1
    assert Registration.objects.get().attachments.count() == int(with_photo)
    assert draft(client) is None


def test_a_review_page_older_than_the_draft_does_not_submit(client):
    fill(client)
    response = client.post(REVIEW, {"draft": "an-old-page"})
    assert response["Location"] == REVIEW
    assert Registration.objects.count() == 0


def test_review_without_a_draft_goes_to_the_form(client):
    assert client.get(REVIEW)["Location"] == FORM


def test_answers_are_checked_again_on_submit(client):
    fill(client)
    session = client.session
    session[DRAFTS]["new"]["answers"]["planned_start"] = "2000-01-01"
    session.save()
    response = submit(client)
    assert response.status_code == 200
    assert 'href="#id_planned_start"' in response.content.decode()
    assert Registration.objects.count() == 0


def test_change_link_prefills_the_form_and_keeps_staged_files(client):
    fill(client, files={"photos": [photo("one.png"), photo("two.png")]}, address="湖里区示例路8号")
    html = client.get(FORM).content.decode()
    assert 'value="湖里区示例路8号"' in html
    assert "one.png" in html and 'name="remove_files"' in html
    one, two = draft(client)["files"]
    before = private_files()
    fill(client, files={"photos": [photo("three.png")]}, remove_files=[one["token"]], address="湖里区示例路9号")
    files = draft(client)["files"]
    assert [item["original_name"] for item in files] == ["two.png", "three.png"]
    assert draft(client)["answers"]["address"] == "湖里区示例路9号"
    assert len(private_files()) == len(before)  # one removed, one added
    submit(client)
    assert Registration.objects.get().attachments.count() == 2


def test_query_counts_of_review_and_receipt_do_not_grow(client, django_assert_max_num_queries):
    fill(
        client,
        files={"photos": [photo(f"p{i}.png") for i in range(4)]},
        high_risk_operations=[str(pk) for pk in HighRiskOperation.objects.values_list("pk", flat=True)],
    )
    # session, settings, the answers checked again (each choice, each
    # foreign key, the date and contractor constraints), then the page chrome
    with django_assert_max_num_queries(20):
        assert client.get(REVIEW).status_code == 200
    location = submit(client)["Location"]
    receipt = location.replace("/done/", "/receipt/")
    with django_assert_max_num_queries(10):
        assert client.get(receipt).status_code == 200


def journey_query_counts(**overrides):
    """SQL queries of each step of the public journey (bench/server_bench.py's
    six requests) for a new visitor, the site data and the blank form already
    in the caches, as every visitor but the first finds them."""
    Client().get(FORM)
    data = answers(**overrides)
    visitor = Client()
    counts = {}

    def step(name, request):
        with CaptureQueriesContext(connection) as queries:
            response = request()
        assert response.status_code in (200, 302), (name, response.status_code)
        counts[name] = len(queries)
        return response

    step("form", lambda: visitor.get(FORM))
    step("answers", lambda: visitor.post(FORM, data))
    step("review", lambda: visitor.get(REVIEW))
    draft_id = draft(visitor)["id"]
    done = step("submit", lambda: visitor.post(REVIEW, {"draft": draft_id}))["Location"]
    step("done", lambda: visitor.get(done))
    step("receipt", lambda: visitor.get(done.replace("/done/", "/receipt/")))
    return counts


# Sessions are in the database here (a query to read one; a savepoint, an
# INSERT or UPDATE and a release to save it), each test runs in a transaction
# (so each constraint is checked in a savepoint) and nothing runs after commit:
# in production (Redis, PostgreSQL) the same steps take 0, 5, 6, 36 (8 of them
# the outbox's, after commit), 1 and 2 queries.
JOURNEY_QUERIES = {"form": 0, "answers": 11, "review": 9, "submit": 40, "done": 2, "receipt": 3}


def test_each_step_of_the_journey_has_a_constant_number_of_queries():
    services.create_registration(registration_data())  # this year's reference counter exists
    one = str(HighRiskOperation.objects.first().pk)
    assert journey_query_counts(high_risk_operations=[one]) == JOURNEY_QUERIES
    street = Street.objects.create(name="测试街道", code="350206099", sort_order=9)
    for number in range(30):
        Community.objects.create(street=street, name=f"测试社区{number}")
        WorkCategory.objects.create(kind="sporadic", name=f"测试类别{number}")
        HighRiskOperation.objects.create(code=f"test-{number}", name=f"测试作业{number}")
    every = [str(pk) for pk in HighRiskOperation.objects.values_list("pk", flat=True)]
    assert journey_query_counts(address="湖里区示例路2号", high_risk_operations=every) == JOURNEY_QUERIES


# Who may see what


def registration_for(client, **overrides):
    """A saved registration this client's session may see."""
    registration = services.create_registration(registration_data(**overrides))
    session = client.session
    session[services.SESSION_KEY] = [registration.pk]
    session.save()
    return registration


@pytest.mark.parametrize("name", ["registration:done", "registration:receipt", "registration:correct"])
def test_another_session_cannot_open_a_registration(client, name):
    registration = registration_for(client)
    assert client.get(reverse(name, args=[registration.reference])).status_code in (200, 409)
    assert Client().get(reverse(name, args=[registration.reference])).status_code == 404


def test_receipt_hides_a_private_owner_and_shows_an_organisation():
    person = Client()
    registration = registration_for(person, owner_type="individual", owner_name="王小明", owner_uscc="")
    html = person.get(reverse("registration:receipt", args=[registration.reference])).content.decode()
    assert "王某" in html and "王小明" not in html and "13800000001" not in html
    company = Client()
    registration = registration_for(company)
    html = company.get(reverse("registration:receipt", args=[registration.reference])).content.decode()
    assert "厦门示例置业有限公司" in html


# Correction of a registration returned for correction


def returned(client, **overrides):
    registration = registration_for(client, **overrides)
    Attachment.objects.create(
        registration=registration,
        kind="photo",
        original_name="旧照片.png",
        content_type="image/png",
        size=3,
        file=ContentFile(b"png", name="x.png"),
    )
    services.change_status(registration, Status.RETURNED, actor_label="湖里街道", reason="请补充现场照片")
    return registration


def test_correct_a_returned_registration(client):
    registration = returned(client)
    url = reverse("registration:correct", args=[registration.reference])
    html = client.get(url).content.decode()
    assert "请补充现场照片" in html and "旧照片.png" in html
    assert f'value="{registration.address}"' in html
    commitment = re.search(r"<input[^>]*name=\"commitment\"[^>]*>", html).group(0)
    assert "checked" in commitment  # given before: a correction goes through at the first submit

    # Submitting the prefilled form as it stands (only the address changed) passes at once.
    prefilled = {**client.get(url).context["form"].initial}
    assert prefilled["commitment"] == "on"
    response = fill(client, url, files={"photos": [photo("新照片.png")]}, address="湖里区示例路99号")
    review_url = reverse("registration:correct_review", args=[registration.reference])
    assert response["Location"] == review_url
    assert "旧照片.png" in client.get(review_url).content.decode()
    response = submit(client, review_url, key=registration.reference)
    assert response["Location"] == reverse("registration:done", args=[registration.reference])
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED and registration.address == "湖里区示例路99号"
    assert sorted(registration.attachments.values_list("original_name", flat=True)) == ["新照片.png", "旧照片.png"]
    assert Registration.objects.count() == 1
    # the correction is done: the form is no longer offered
    assert client.get(url).status_code == 409


def test_correction_keeps_the_file_limit(client):
    registration = returned(client)
    url = reverse("registration:correct", args=[registration.reference])
    html = fill(client, url, files={"photos": [photo(f"p{i}.png") for i in range(5)]}).content.decode()
    assert 'href="#id_photos"' in html
    registration.refresh_from_db()
    assert registration.status == Status.RETURNED


def test_only_returned_registrations_can_be_corrected(client):
    registration = registration_for(client)
    response = client.get(reverse("registration:correct", args=[registration.reference]))
    assert response.status_code == 409
    assert client.post(reverse("registration:correct", args=[registration.reference]), answers()).status_code == 409


def test_abandoned_staged_uploads_are_purged(client, settings):
    import os
    import time

    from django.core.management import call_command

    fill(client, files={"photos": [photo("old.png"), photo("new.png")]})
    old, new = (
        Path(settings.STORAGES["private"]["OPTIONS"]["location"]) / item["name"] for item in draft(client)["files"]
    )
    long_ago = time.time() - settings.SESSION_COOKIE_AGE - 60
    os.utime(old, (long_ago, long_ago))
    call_command("purge_staged_uploads", stdout=open(os.devnull, "w"))
    assert not old.exists() and new.exists()


def test_journey_pages_are_not_cached(client):
    fill(client)
    assert "no-store" in client.get(REVIEW)["Cache-Control"]
    assert "no-store" in client.get(FORM)["Cache-Control"]


@pytest.mark.parametrize(
    "path, standing, void",
    [
        ([], "已登记，待街道受理", False),
        ([Status.RETURNED], "此回执不能作为有效登记凭证", True),
        ([Status.UNDER_WAY], "已纳入湖里区安全生产管理", False),
        ([Status.UNDER_WAY, Status.STOPPED], "责令停工整改", False),
    ],
)
def test_the_receipt_tells_the_current_standing(client, path, standing, void):
    registration = registration_for(client)
    for status in path:
        services.change_status(registration, status, actor_label="湖里街道", reason="核实")
    content = client.get(reverse("registration:receipt", args=[registration.reference])).content.decode()
    assert standing in content
    assert ('data-void="true"' in content) is void
    assert ("data-print" in content) is not void  # a void receipt is not offered for printing
    if not path:
        assert "纳入湖里区安全生产管理" not in content


def test_back_after_submitting_shows_already_submitted_with_the_links(client):
    fill(client)
    location = submit(client)["Location"]
    reference = Registration.objects.get().reference
    back = client.get(REVIEW)
    assert back.status_code == 200 and back.templates[0].name == "registration/already_submitted.html"
    content = back.content.decode()
    assert "已提交" in content and reference in content
    assert f'href="{location}"' in content and f'href="/register/receipt/{reference}/"' in content
    assert "<form" not in content.split("<main", 1)[1]
    # a session that submitted nothing still goes to the form
    assert Client().get(REVIEW)["Location"] == FORM


def test_review_warns_of_an_open_registration_for_the_same_address_and_owner(client):
    data = answers()
    services.create_registration(registration_data(address=data["address"], owner_mobile=data["owner_mobile"]))
    fill(client)
    content = client.get(REVIEW).content.decode()
    assert "data-similar" in content and "已有一条尚未办结的登记" in content
    fill(client, address="湖里区另一条路9号")
    assert "data-similar" not in client.get(REVIEW).content.decode()
    assert submit(client).status_code == 302  # a warning, never a block


def test_chosen_files_survive_mistakes_elsewhere(client):
    """Three mistakes, one photo chosen once: it stays attached through every fix."""
    before = private_files()
    response = fill(client, files={"photos": [photo("现场.png")]}, address="", owner_mobile="12", planned_start="明天")
    assert response.status_code == 200 and response.context["form"].errors
    content = response.content.decode()
    assert "data-files-kept" in content and "现场.png" in content  # listed as attached, with its remove box
    assert [item["original_name"] for item in draft(client)["files"]] == ["现场.png"]
    fill(client, address="")  # still wrong, no file chosen again
    assert [item["original_name"] for item in draft(client)["files"]] == ["现场.png"]
    assert fill(client)["Location"] == REVIEW  # all put right
    assert "现场.png" in client.get(REVIEW).content.decode()
    submit(client)
    assert list(Registration.objects.get().attachments.values_list("original_name", flat=True)) == ["现场.png"]
    assert not [path for path in private_files() - before if "staging" in str(path)]  # moved, not copied


def test_a_staged_file_ticked_for_removal_on_a_form_with_errors_is_removed(client):
    before = private_files()
    fill(client, files={"photos": [photo("现场.png")]}, address="")
    token = draft(client)["files"][0]["token"]
    fill(client, address="", remove_files=[token])
    assert (draft(client) or {}).get("files") == []
    assert private_files() == before


# An individual contractor's resident ID number


INDIVIDUAL = {"contractor_type": "individual", "contractor_name": "张志明", "contractor_uscc": ""}
INSTALLER_ID = "35020619850302123X"
MASKED_ID = "3502**********123X"


def test_an_individual_installer_registers_without_a_credit_code(client):
    sporadic = WorkCategory.objects.filter(kind="sporadic").order_by("sort_order").first()
    response = fill(
        client,
        **INDIVIDUAL,
        contractor_id_number=INSTALLER_ID,
        category=str(sporadic.pk),
        investment_yuan="",
        floor_area_m2="",
    )
    assert response["Location"] == REVIEW, response.context["form"].errors
    review = client.get(REVIEW).content.decode()
    assert MASKED_ID in review and INSTALLER_ID not in review
    assert "投资" not in review.split("<main")[1]  # no amounts for a sporadic operation
    submit(client)
    registration = Registration.objects.get()
    assert registration.contractor_id_number == INSTALLER_ID and registration.contractor_uscc == ""
    assert registration.investment_yuan is None and registration.floor_area_m2 is None
    for name in ("receipt", "done"):
        html = client.get(reverse(f"registration:{name}", args=[registration.reference])).content.decode()
        assert INSTALLER_ID not in html


def test_a_correction_shows_the_id_masked_and_keeps_it(client):
    registration = returned(client, **INDIVIDUAL, contractor_id_number=INSTALLER_ID)
    url = reverse("registration:correct", args=[registration.reference])
    html = client.get(url).content.decode()
    assert INSTALLER_ID not in html and f'value="{MASKED_ID}"' in html
    # sent back unchanged (still masked), the number given before is kept
    response = fill(client, url, **INDIVIDUAL, contractor_id_number=MASKED_ID, address="湖里区示例路99号")
    review_url = reverse("registration:correct_review", args=[registration.reference])
    assert response["Location"] == review_url
    assert INSTALLER_ID not in client.get(review_url).content.decode()
    assert INSTALLER_ID not in client.get(url).content.decode()  # the draft keeps it masked too
    submit(client, review_url, key=registration.reference)
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED and registration.contractor_id_number == INSTALLER_ID
    # a mask of some other number is not accepted as a number
    other = returned(Client(), **INDIVIDUAL, contractor_id_number=INSTALLER_ID)
    form = RegistrationForm(answers(**INDIVIDUAL, contractor_id_number="1101**********002X"))
    assert form.errors["contractor_id_number"] and other.contractor_id_number == INSTALLER_ID


def test_the_database_refuses_a_contractor_without_identification_or_a_small_work_without_amounts():
    # the services check the constraints with Chinese messages
    with pytest.raises(ValidationError) as refused:
        services.create_registration(registration_data(**INDIVIDUAL, contractor_id_number=""))
    assert "身份证号码" in str(refused.value)
    with pytest.raises(ValidationError):
        services.create_registration(registration_data(investment_yuan=None))
    assert not Registration.objects.exists()
    # and the database itself, whatever writes to it
    work = services.create_registration(registration_data())
    for change in ({"contractor_uscc": ""}, {"floor_area_m2": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Registration.objects.filter(pk=work.pk).update(**change)
