"""After the work: the registrant's request for completion write-off, the
officer's decision, and the one service rating (好差评), through the rules,
the public views and the back office."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration import aftercare, roles, services
from registration.backoffice import actions as backoffice
from registration.models import (
    Attachment,
    CompletionRequest,
    CompletionRequestStatus,
    OutboundMessage,
    Registration,
    Satisfaction,
    ServiceRating,
    Status,
)
from registration.tests.factories import registration_data
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, staff
from registration.tests.test_forms import image_bytes
from registration.tests.test_services import at_once

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def photo(name="完工.png"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


def checked_photo():
    upload = photo()
    upload.content_type = "image/png"
    return upload


def under_way(street_code=HULI, **overrides):
    work = services.create_registration(registration_data(street_code, **overrides))
    services.change_status(work, Status.UNDER_WAY, actor_label="街道")
    return work


def completed(street_code=HULI):
    work = under_way(street_code)
    services.change_status(work, Status.COMPLETED, actor_label="街道")
    return work


def seen_by(client, work):
    session = client.session
    session[services.SESSION_KEY] = [work.pk]
    session.save()
    return client


@pytest.fixture
def officer():
    return staff("officer_huli", roles.STREET_OFFICER, HULI)


# The rules


def test_a_work_under_way_may_be_reported_finished_once_at_a_time():
    work = under_way()
    request = aftercare.request_completion(work, TODAY(), checked_photo(), " 已清理现场 ")
    assert request.status == CompletionRequestStatus.PENDING and request.note == "已清理现场"
    assert request.photo.kind == "completion" and request.photo.registration == work
    with pytest.raises(aftercare.AftercareRefused, match="已经提交"):
        aftercare.request_completion(work, TODAY(), checked_photo())
    assert CompletionRequest.objects.count() == 1 and Attachment.objects.count() == 1


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RETURNED, Status.STOPPED, Status.COMPLETED])
def test_only_a_work_under_way_may_be_reported_finished(status):
    work = services.create_registration(registration_data())
    Registration.objects.filter(pk=work.pk).update(status=status)
    work.refresh_from_db()
    with pytest.raises(aftercare.AftercareRefused):
        aftercare.request_completion(work, TODAY(), checked_photo())
    assert not CompletionRequest.objects.exists() and not Attachment.objects.exists()


def test_a_declined_request_tells_both_contacts_why_and_may_be_made_again(officer):
    work = under_way(
        registrant_role="property_company",
        property_company_name="物业",
        property_company_contact="陈",
        property_company_mobile="13700000003",
    )
    request = aftercare.request_completion(work, TODAY(), checked_photo())
    OutboundMessage.objects.all().delete()
    with pytest.raises(aftercare.AftercareRefused):
        aftercare.decline_request(request, officer, "  ")
    aftercare.decline_request(request, officer, "脚手架尚未拆除")
    request.refresh_from_db()
    assert request.status == CompletionRequestStatus.DECLINED and request.decided_by == officer
    bodies = dict(OutboundMessage.objects.values_list("recipient", "body"))
    assert set(bodies) == {"13700000003", "13800000001"}
    assert all("完工核销申请未获确认" in body and "脚手架尚未拆除" in body for body in bodies.values())
    with pytest.raises(aftercare.AftercareRefused, match="已经处理"):
        aftercare.decline_request(request, officer, "再次")
    assert aftercare.request_completion(work, TODAY(), checked_photo()).status == CompletionRequestStatus.PENDING


def test_the_write_off_confirms_the_waiting_request(officer):
    work = under_way()
    request = aftercare.request_completion(work, TODAY(), checked_photo())
    backoffice.write_off(work, officer)
    request.refresh_from_db()
    assert request.status == CompletionRequestStatus.CONFIRMED and request.decided_by == officer
    assert Registration.objects.get(pk=work.pk).status == Status.COMPLETED


def test_the_service_is_rated_once_after_the_write_off_with_a_reason_below_satisfied():
    work = under_way()
    with pytest.raises(aftercare.AftercareRefused, match="核销后"):
        aftercare.rate_service(work, Satisfaction.VERY_SATISFIED)
    services.change_status(work, Status.COMPLETED, actor_label="街道")
    for level in (Satisfaction.FAIRLY_SATISFIED, Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED):
        with pytest.raises(aftercare.AftercareRefused, match="原因"):
            aftercare.rate_service(work, level, " ")
    rating = aftercare.rate_service(work, Satisfaction.DISSATISFIED, "等了两周才来核销")
    assert rating.level == 2 and rating.reason == "等了两周才来核销"
    with pytest.raises(aftercare.AftercareRefused, match="已经评价"):
        aftercare.rate_service(work, Satisfaction.VERY_SATISFIED)
    assert ServiceRating.objects.count() == 1
    assert aftercare.rate_service(completed(), Satisfaction.SATISFIED).reason == ""


def test_ratings_are_counted_by_street():
    for street, level in [(HULI, 5), (HULI, 5), (HULI, 3), (JIANGTOU, 4), (JIANGTOU, 1)]:
        aftercare.rate_service(completed(street), level, "" if level >= 4 else "慢")
    rows = {row["street"]: row for row in aftercare.ratings_by_street(ServiceRating.objects.all())}
    assert rows["湖里街道"]["counts"] == [2, 0, 1, 0, 0] and rows["湖里街道"]["satisfied"] == 2
    assert rows["江头街道"]["counts"] == [0, 1, 0, 0, 1] and rows["江头街道"]["total"] == 2
    # reconciles with a direct count
    for row in rows.values():
        assert row["total"] == ServiceRating.objects.filter(registration__street_id=row["street_id"]).count()


# The public pages


def completion_url(work):
    return reverse("registration:completion_request", args=[work.reference])


def rating_url(work):
    return reverse("registration:rating", args=[work.reference])


def status_html(client, work):
    return client.get(reverse("registration:status_detail", args=[work.reference])).content.decode()


def test_the_status_page_offers_the_request_then_says_it_waits(client):
    work = under_way()
    seen_by(client, work)
    assert completion_url(work) in status_html(client, work)
    response = client.post(
        completion_url(work), {"finished_on": TODAY().isoformat(), "photo": photo(), "note": "现场已清理"}
    )
    assert response["Location"] == reverse("registration:status_detail", args=[work.reference])
    html = status_html(client, work)
    assert 'data-completion="pending"' in html and completion_url(work) not in html
    assert CompletionRequest.objects.get().note == "现场已清理"
    # asking again while one waits goes back to the status page, and adds nothing
    client.post(completion_url(work), {"finished_on": TODAY().isoformat(), "photo": photo()})
    assert CompletionRequest.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"photo": None}, "photo", "请上传完工照片"),
        ({"finished_on": ""}, "finished_on", "请填写完工日期"),
        ({"finished_on": "2026-13-01"}, "finished_on", "请按日期格式填写完工日期"),
        ({"finished_on": "tomorrow"}, "finished_on", "请按日期格式填写完工日期"),
        ({"future": True}, "finished_on", "完工日期不能晚于今天"),
        ({"finished_on": "2020-01-01"}, "finished_on", "完工日期不能早于登记日期"),
        ({"photo": SimpleUploadedFile("a.png", b"not an image", content_type="image/png")}, "photo", "不是 JPG 或 PNG"),
        ({"note": "字" * 501}, "note", "最多 500 字"),
    ],
)
def test_a_bad_completion_request_is_named_and_saves_nothing(client, overrides, field, message):
    work = under_way()
    seen_by(client, work)
    data = {"finished_on": TODAY().isoformat(), "photo": photo(), "note": ""}
    if overrides.pop("future", False):
        data["finished_on"] = (TODAY() + datetime.timedelta(days=1)).isoformat()
    data.update(overrides)
    if data["photo"] is None:
        del data["photo"]
    response = client.post(completion_url(work), data)
    html = response.content.decode()
    assert response.status_code == 200 and f'href="#id_{field}"' in html
    assert message in html, html.split('id="error-summary"')[1][:600]
    assert not CompletionRequest.objects.exists() and not Attachment.objects.exists()


def test_another_session_reaches_neither_page():
    work = completed()
    stranger = Client()
    for url in (completion_url(work), rating_url(work)):
        response = stranger.post(url, {"level": "5"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("registration:status"))
    assert not ServiceRating.objects.exists()


def test_a_rating_needs_a_level_and_below_satisfied_a_reason(client):
    work = completed()
    seen_by(client, work)
    assert rating_url(work) in status_html(client, work)
    html = client.post(rating_url(work), {}).content.decode()
    assert "请选择满意程度" in html
    html = client.post(rating_url(work), {"level": "3", "reason": " "}).content.decode()
    assert 'href="#id_reason"' in html and "请说明哪里不满意" in html
    assert client.post(rating_url(work), {"level": "9"}).status_code == 200
    assert not ServiceRating.objects.exists()
    client.post(rating_url(work), {"level": "3", "reason": "核销等了很久"})
    html = status_html(client, work)
    assert 'data-rating="3"' in html and "基本满意" in html and rating_url(work) not in html
    # a second rating changes nothing
    client.post(rating_url(work), {"level": "5"})
    assert ServiceRating.objects.get().level == 3


# The back office


def test_the_officer_sees_the_request_and_declines_it(client, officer):
    work = under_way()
    aftercare.request_completion(work, TODAY(), checked_photo(), "现场已清理")
    client.force_login(officer)
    detail = client.get(reverse("works:inspect", args=[work.pk])).content.decode()
    decline = reverse("registration_backoffice:decline_completion", args=[work.pk])
    assert 'data-completion-request="pending"' in detail and decline in detail and "现场已清理" in detail
    assert "确认完工并核销" in detail
    response = client.post(decline, {"reason": ""})
    assert response.status_code == 200 and "请填写原因" in response.content.decode()
    assert client.post(decline, {"reason": "脚手架未拆"})["Location"] == reverse("works:inspect", args=[work.pk])
    assert CompletionRequest.objects.get().status == CompletionRequestStatus.DECLINED
    # nothing left to decline
    assert client.get(decline).status_code == 409


def test_another_street_and_other_roles_cannot_decline(client, officer):
    work = under_way(JIANGTOU)
    aftercare.request_completion(work, TODAY(), checked_photo())
    decline = reverse("registration_backoffice:decline_completion", args=[work.pk])
    client.force_login(officer)
    assert client.post(decline, {"reason": "x"}).status_code == 404
    client.force_login(staff("editor", roles.CONTENT_EDITOR))
    assert client.post(decline, {"reason": "x"}).status_code in (403, 404)
    assert CompletionRequest.objects.get().status == CompletionRequestStatus.PENDING


def test_ratings_page_counts_by_street_for_the_users_streets_only(client, officer, django_assert_max_num_queries):
    aftercare.rate_service(completed(HULI), Satisfaction.VERY_SATISFIED)
    aftercare.rate_service(completed(HULI), Satisfaction.DISSATISFIED, "回复慢")
    aftercare.rate_service(completed(JIANGTOU), Satisfaction.VERY_DISSATISFIED, "江头的原因")
    client.force_login(officer)
    url = reverse("service_ratings:index")
    html = client.get(url).content.decode()
    assert "回复慢" in html and "江头的原因" not in html and "江头街道" not in html
    assert "50%" in html  # one of two rated 满意 or better
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(url + "?export=xlsx").streaming_content))).active
    assert sheet.max_row == 3  # heading + Huli's two
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(10):
        aftercare.rate_service(completed(HULI), Satisfaction.SATISFIED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    client.force_login(staff("inspector", roles.SAFETY_INSPECTOR, HULI))
    assert client.get(url).status_code in (302, 403)


# Two taps at once (PostgreSQL)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_requests_and_ratings_give_one_each():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, there is no race to test (CI runs this on PostgreSQL)"
        )
    work = under_way()

    def ask():
        try:
            return aftercare.request_completion(work, TODAY(), checked_photo()).pk
        except aftercare.AftercareRefused:
            return None

    assert len([pk for pk in at_once(8, ask) if pk]) == 1
    assert CompletionRequest.objects.count() == 1 and Attachment.objects.count() == 1
    services.change_status(work, Status.COMPLETED, actor_label="街道")

    def rate():
        try:
            return aftercare.rate_service(work, Satisfaction.SATISFIED).pk
        except aftercare.AftercareRefused:
            return None

    assert len([pk for pk in at_once(8, rate) if pk]) == 1
    assert ServiceRating.objects.count() == 1


def test_the_status_page_costs_one_query_more_for_the_request_or_the_rating(client, django_assert_max_num_queries):
    work = under_way()
    seen_by(client, work)
    status_html(client, work)  # warm the per-process caches
    with django_assert_max_num_queries(11):
        status_html(client, work)
    aftercare.request_completion(work, TODAY(), checked_photo())
    with django_assert_max_num_queries(11):
        assert 'data-completion="pending"' in status_html(client, work)
    services.change_status(work, Status.COMPLETED, actor_label="街道")
    aftercare.rate_service(work, Satisfaction.SATISFIED)
    with django_assert_max_num_queries(11):
        assert 'data-rating="4"' in status_html(client, work)


def test_deleting_a_work_removes_its_request_photo_and_rating(client):
    work = under_way()
    aftercare.request_completion(work, TODAY(), checked_photo())
    services.change_status(work, Status.COMPLETED, actor_label="街道")
    aftercare.rate_service(work, Satisfaction.SATISFIED)
    client.force_login(staff("district_admin", roles.DISTRICT_ADMIN))
    response = client.post(reverse("works:delete", args=[work.pk]), {"reason": "重复登记"})
    assert response.status_code == 302
    assert not Registration.objects.exists() and not CompletionRequest.objects.exists()
    assert not Attachment.objects.exists() and not ServiceRating.objects.exists()
