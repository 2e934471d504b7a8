"""The status lookup: reference number + registering mobile, throttled, and
the status page it opens."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from portal import throttle
from portal.models import PortalSettings
from registration import services
from registration.models import Registration, Status, StatusChange
from registration.public.status_guide import NEXT_STEPS
from registration.tests.factories import registration_data

pytestmark = pytest.mark.django_db

URL = "/register/status/"
MOBILE = "13900000002"  # the contractor's site manager registered (factories.registration_data)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registration(home_page):
    return services.create_registration(registration_data())


def lookup(client, reference, mobile=MOBILE, ip="198.51.100.7"):
    return client.post(URL, {"reference": reference, "mobile": mobile}, REMOTE_ADDR=ip)


def detail_url(registration):
    return f"/register/status/{registration.reference}/"


def registration_queries(queries):
    return [q["sql"] for q in queries.captured_queries if '"registration_registration"' in q["sql"]]


# --- finding a registration ---------------------------------------------------


def test_the_form(client, home_page):
    response = client.get(URL, {"reference": "HL-2026-000007"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="HL-2026-000007"' in content  # prefilled, e.g. after an expired session
    assert 'inputmode="tel"' in content and 'for="id_mobile"' in content and 'for="id_reference"' in content
    assert "csrfmiddlewaretoken" in content


def test_success_redirects_to_the_status_page(client, registration):
    response = lookup(client, registration.reference)
    assert response.status_code == 302
    assert response["Location"] == detail_url(registration)
    assert client.session[services.SESSION_KEY] == [registration.pk]
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "typed_reference, typed_mobile",
    [
        ("  hl-2026-000001 ", "139 0000 0002"),
        ("ＨＬ－２０２６－０００００１", "+86 139-0000-0002"),  # full-width, from a Chinese input method
        ("hl-2026-000001", "１３９０００００００２"),
    ],
)
def test_reference_and_mobile_are_normalised(client, registration, typed_reference, typed_mobile):
    assert registration.reference == "HL-2026-000001"
    response = lookup(client, typed_reference, typed_mobile)
    assert response.status_code == 302 and response["Location"] == detail_url(registration)


def test_the_owner_looks_up_what_the_contractor_registered_for_them(client, registration):
    """The owner stays in the loop: their mobile opens the lookup too, no one else's does."""
    assert registration.registrant_mobile != registration.owner_mobile
    stranger = lookup(client, registration.reference, "13700000003")
    assert stranger.status_code == 200 and services.SESSION_KEY not in client.session
    response = lookup(client, registration.reference, registration.owner_mobile)
    assert response.status_code == 302 and registration.reference in response["Location"]


def normalised(response):
    """The page without what the user typed and without the per-request CSRF token."""
    return re.sub(r'value="[^"]*"', 'value=""', response.content.decode())


def test_wrong_reference_and_wrong_mobile_get_the_same_answer(client, registration):
    with CaptureQueriesContext(connection) as wrong_ref_queries:
        wrong_reference = lookup(client, "HL-2026-000999")
    with CaptureQueriesContext(connection) as wrong_mobile_queries:
        wrong_mobile = lookup(client, registration.reference, "13700000000")
    for response in (wrong_reference, wrong_mobile):
        assert response.status_code == 200
        assert response.templates[0].name == "registration/status_lookup.html"
        assert 'role="alert"' in response.content.decode()
    assert wrong_reference.context["form"].errors == wrong_mobile.context["form"].errors
    assert normalised(wrong_reference) == normalised(wrong_mobile)
    # the same single query either way: the timing does not tell which one was wrong
    ref_sql, mobile_sql = registration_queries(wrong_ref_queries), registration_queries(wrong_mobile_queries)
    assert len(ref_sql) == len(mobile_sql) == 1
    assert ref_sql[0].replace("HL-2026-000999", "?").replace(MOBILE, "?") == mobile_sql[0].replace(
        registration.reference, "?"
    ).replace("13700000000", "?")
    assert services.SESSION_KEY not in client.session


def test_no_match_message(client, registration):
    with translation.override("en"):
        response = lookup(client, "HL-2026-000999")
        assert response.context["form"].non_field_errors() == [
            "No registration matches this reference number and mobile number. "
            "Check both against the registration receipt and try again."
        ]


@pytest.mark.parametrize(
    "reference, mobile, field",
    [
        ("", MOBILE, "reference"),
        ("HL2026000001", MOBILE, "reference"),
        ("<script>", MOBILE, "reference"),
        ("HL-2026-000001", "", "mobile"),
        ("HL-2026-000001", "1390000000", "mobile"),
        ("HL-2026-000001", "12900000002", "mobile"),
    ],
)
def test_malformed_input_gets_field_errors_and_no_lookup(client, registration, reference, mobile, field):
    with CaptureQueriesContext(connection) as queries:
        response = lookup(client, reference, mobile)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    content = response.content.decode()
    assert f'href="#id_{field}"' in content and f'id="id_{field}_error"' in content
    assert not registration_queries(queries)
    assert "<script>" not in content


def test_post_without_csrf_token_is_refused(registration):
    client = Client(enforce_csrf_checks=True)
    assert lookup(client, registration.reference).status_code == 403


# --- throttling: only failures count; guessing asks for an SMS code --------------

CODE_URL = "/register/status/code/"


def wrong(client, reference, times, ip="198.51.100.7", first_ip=None):
    for number in range(times):
        address = ip if first_ip is None else f"{first_ip}{number}"
        # a wrong pair: the form again, or (once the reference is guarded) the code page
        assert lookup(client, reference, "13700000000", ip=address).status_code in (200, 302)


def sent_code(registration, mobile=MOBILE):
    from registration.models import OutboundMessage

    message = OutboundMessage.objects.filter(
        registration=registration, recipient=mobile, body__contains="验证码"
    ).latest("pk")
    return re.search(r"\d{6}", message.body.split(registration.reference, 1)[1]).group(0)


def enter_code(client, code, ip="198.51.100.7"):
    return client.post(CODE_URL, {"code": code}, REMOTE_ADDR=ip)


def test_twelve_correct_lookups_in_a_row_all_succeed(client, registration):
    for _ in range(12):
        assert lookup(client, registration.reference).status_code == 302


def test_a_success_resets_the_clients_failures_for_that_reference(client, registration):
    """Without the reset, the second round's failures (8 from one client) would guard the reference."""
    for _ in range(2):
        wrong(client, registration.reference, 4)
        assert lookup(client, registration.reference).status_code == 302


def test_many_failures_from_one_client_across_references_are_refused(client, registration):
    for number in range(30):
        assert lookup(client, f"HL-2026-{number + 100:06d}").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = lookup(client, registration.reference)  # even the right answer
    assert response.status_code == 429
    assert response.templates[0].name == "registration/status_throttled.html"
    assert int(response["Retry-After"]) > 0
    assert not registration_queries(queries)
    assert services.SESSION_KEY not in client.session
    # another client is not affected
    assert lookup(client, registration.reference, ip="203.0.113.50").status_code == 302


def test_a_strangers_guessing_does_not_stop_the_registrant_on_another_client(registration):
    stranger, registrant = Client(), Client()
    wrong(stranger, registration.reference, 10, ip="203.0.113.9")
    response = lookup(registrant, registration.reference, ip="198.51.100.20")
    assert response.status_code == 302 and response["Location"] == CODE_URL
    page = registrant.get(CODE_URL)
    assert registration.reference in page.content.decode() and "验证码" in page.content.decode()
    opened = enter_code(registrant, sent_code(registration), ip="198.51.100.20")
    assert opened.status_code == 302 and opened["Location"] == detail_url(registration)
    assert registrant.get(detail_url(registration)).status_code == 200


def test_the_registrant_gets_through_by_sms_code_on_the_guessing_client_too(client, registration):
    wrong(client, registration.reference, 10)
    response = lookup(client, registration.reference)
    assert response["Location"] == CODE_URL
    assert enter_code(client, sent_code(registration))["Location"] == detail_url(registration)


def test_under_guard_a_wrong_pair_gets_the_same_answer_and_no_sms(client, registration):
    from registration.models import OutboundMessage

    wrong(client, registration.reference, 10, first_ip="203.0.113.")
    before = OutboundMessage.objects.count()
    response = lookup(client, registration.reference, "13700000000", ip="198.51.100.30")
    assert response.status_code == 302 and response["Location"] == CODE_URL
    assert OutboundMessage.objects.count() == before
    refused = enter_code(client, "123456", ip="198.51.100.30")
    assert refused.status_code == 200 and "验证码不正确或已过期" in refused.content.decode()
    assert services.SESSION_KEY not in client.session


def test_a_wrong_code_is_refused_and_five_wrong_codes_end_it(client, registration):
    wrong(client, registration.reference, 10, first_ip="203.0.113.")
    lookup(client, registration.reference, ip="198.51.100.40")
    code = sent_code(registration)
    bad = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        assert enter_code(client, bad, ip="198.51.100.40").status_code == 200
    assert enter_code(client, bad, ip="198.51.100.40")["Location"] == URL  # the fifth: the code is gone
    assert enter_code(client, code, ip="198.51.100.40")["Location"] == URL
    assert services.SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "code, message",
    [("", "请输入短信中的6位验证码。"), ("12ab56", "验证码是6位数字，例如 123456。"), ("1234567", "验证码是6位数字")],
)
def test_bad_codes_get_specific_messages(client, registration, code, message):
    wrong(client, registration.reference, 10, first_ip="203.0.113.")
    lookup(client, registration.reference, ip="198.51.100.41")
    response = enter_code(client, code, ip="198.51.100.41")
    assert response.status_code == 200 and message in response.content.decode()


def test_sms_codes_per_reference_are_limited(client, registration):
    from registration.models import OutboundMessage

    wrong(client, registration.reference, 10, first_ip="203.0.113.")
    for number in range(5):
        lookup(Client(), registration.reference, ip=f"198.51.100.{50 + number}")
    assert OutboundMessage.objects.filter(body__contains="验证码").count() == 3


def test_the_code_page_without_a_pending_code_goes_back_to_the_lookup(client, home_page):
    assert client.get(CODE_URL)["Location"] == URL


def test_reference_guard_counts_the_normalised_number(client, registration):
    spellings = ["HL-2026-000001", "hl-2026-000001", " ＨＬ－２０２６－０００００１ "]
    for number in range(10):
        lookup(client, spellings[number % 3], "13700000000", ip=f"203.0.113.{number}")
    assert lookup(client, registration.reference, ip="198.51.100.99")["Location"] == CODE_URL


def test_the_client_limit_slides_away(client, registration, monkeypatch):
    now = SimpleNamespace(value=3600 * 490_000 + 10.0)
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now.value))
    for number in range(30):
        lookup(client, f"HL-2026-{number + 100:06d}")
    assert lookup(client, registration.reference).status_code == 429
    now.value += 3600
    assert lookup(client, registration.reference).status_code == 429  # still within the last hour
    now.value += 3600
    assert lookup(client, registration.reference).status_code == 302


def test_throttled_page_explains_and_gives_the_hotline(client, registration):
    settings = PortalSettings.load()
    settings.hotline = "0592-7654321"
    settings.save()
    for _ in range(30):
        lookup(client, "HL-2026-000999")
    with translation.override("en"):
        response = lookup(client, "HL-2026-000999")
        content = response.content.decode()
    assert response.status_code == 429
    assert "Please try again in an hour." in content
    assert "0592-7654321" in content


def test_viewing_the_form_is_not_counted(client, registration):
    for _ in range(20):
        client.get(URL)
    assert lookup(client, registration.reference).status_code == 302


# --- the status page ------------------------------------------------------------


def test_status_page_is_refused_to_another_session(client, registration):
    lookup(client, registration.reference)
    assert client.get(detail_url(registration)).status_code == 200
    stranger = Client()
    response = stranger.get(detail_url(registration))
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?reference={registration.reference}"


def test_unknown_reference_redirects_the_same_way(client, registration):
    lookup(client, registration.reference)
    response = client.get("/register/status/HL-2026-000999/")
    assert response.status_code == 302 and response["Location"] == f"{URL}?reference=HL-2026-000999"


def test_status_page_shows_the_history_and_the_return_reason(client, registration):
    reason = "施工单位统一社会信用代码与营业执照不一致，请核对后重新提交。"
    services.change_status(registration, Status.RETURNED, actor_label="湖里街道", reason=reason)
    lookup(client, registration.reference)
    response = client.get(detail_url(registration))
    content = response.content.decode()
    assert response["X-Robots-Tag"] == "noindex" and "no-cache" in response["Cache-Control"]
    assert [(c.from_status, c.to_status) for c in response.context["history"]] == [
        ("", Status.SUBMITTED),
        (Status.SUBMITTED, Status.RETURNED),
    ]
    assert content.count(reason) == 2  # beside what to do next, and in the history
    assert "湖里街道" in content
    assert f"{Status.SUBMITTED.label} → <strong>{Status.RETURNED.label}</strong>" in content
    assert 'id="current-reason"' in content


def test_a_resubmission_note_is_not_shown_as_a_reason_to_act_on(client, registration):
    services.change_status(registration, Status.RETURNED, actor_label="湖里街道", reason="请补充现场照片")
    services.resubmit(registration, registration_data())
    lookup(client, registration.reference)
    response = client.get(detail_url(registration))
    assert response.context["current_reason"] == ""
    assert "请补充现场照片" in response.content.decode()  # still in the history


def test_history_times_are_beijing_time(client, registration):
    StatusChange.objects.filter(registration=registration).update(
        created_at=datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC)
    )
    lookup(client, registration.reference)
    content = client.get(detail_url(registration)).content.decode()
    assert "2026-03-02 00:30" in content
    assert 'datetime="2026-03-02T00:30:00+08:00"' in content


@pytest.mark.parametrize("status", list(Status))
def test_next_steps_for_every_status(client, registration, status):
    Registration.objects.filter(pk=registration.pk).update(status=status)
    lookup(client, registration.reference)
    response = client.get(detail_url(registration))
    content = response.content.decode()
    assert escape(str(NEXT_STEPS[status])) in content
    assert escape(str(status.label)) in content
    assert f"/register/receipt/{registration.reference}/" in content
    correct = f'href="/register/correct/{registration.reference}/"'
    assert (correct in content) == (status in {Status.RETURNED, Status.FOUND_UNREGISTERED})


def test_next_steps_are_all_different():
    assert len({str(text) for text in NEXT_STEPS.values()}) == len(Status)


def test_status_page_queries_do_not_grow_with_the_history(client, registration, django_assert_max_num_queries):
    lookup(client, registration.reference)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail_url(registration)).status_code == 200
        return len(queries)

    count()  # warm the per-process caches
    with django_assert_max_num_queries(10):
        two = count()
    StatusChange.objects.bulk_create(
        StatusChange(registration=registration, from_status="submitted", to_status="submitted", actor_label="湖里街道")
        for _ in range(28)
    )
    assert registration.status_changes.count() == 29
    assert count() == two
