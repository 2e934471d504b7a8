"""Whistle-blowing (吹哨): the public form and its bad input, the reporter's
lookup, the street office's triage and its found-unregistered records, the
grid workers' role from the wrong side, and bounded queries."""

import threading

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Community, StaffProfile, Street
from registration import roles
from registration.backoffice import actions as backoffice
from registration.models import (
    Origin,
    OutboundMessage,
    Registration,
    Report,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    Status,
    WorkCategory,
)
from registration.reports import services
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, private_files, staff, work
from registration.tests.test_field import gps_photo
from registration.tests.test_forms import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def community(street_code=HULI):
    return Community.objects.filter(street__code=street_code).order_by("sort_order").first()


def report_post(street_code=HULI, **overrides):
    place = community(street_code)
    return {
        "subject": "unregistered",
        "street": str(place.street_id),
        "community": str(place.pk),
        "address": "湖里区华昌路12号3楼外墙",
        "description": "两名工人在外墙安装空调外机，没有系安全带，门口没有登记回执。",
        "reporter_name": "",
        "reporter_mobile": "13700000009",
        **overrides,
    }


def make_report(street_code=HULI, reported_by=None, **overrides):
    place = community(street_code)
    data = {
        "subject": "unregistered",
        "street": place.street,
        "community": place,
        "address": "湖里区华昌路12号",
        "description": "外墙装空调未系安全带",
        "reporter_mobile": "13700000009",
        **overrides,
    }
    return services.submit_report(data, reported_by=reported_by)


@pytest.fixture
def officer():
    return staff("officer_huli", roles.STREET_OFFICER, HULI)


def grid_worker(username="grid_huli", street_code=HULI):
    user = staff(username, roles.GRID_WORKER, street_code)
    user.staff_profile.communities.set([community(street_code)])
    return user


# --- the public form ---------------------------------------------------------


def test_a_citizen_reports_with_a_photo_and_follows_it(client):
    response = client.post(reverse("reports_public:form"), {**report_post(), "photos": [gps_photo()]})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports_public:done", args=[report.reference]
    )
    assert (
        report.reference.startswith("HLJB-")
        and report.source == ReportSource.PUBLIC
        and report.status == ReportStatus.NEW
    )
    photo = report.photos.get()
    assert photo.latitude is not None  # kept in the record
    stored = photo.file.open("rb").read()
    assert b"Exif" not in stored[:200]
    done = client.get(response["Location"]).content.decode()
    assert report.reference in done and "查询处理结果" in done

    lookup = client.post(
        reverse("reports_public:lookup"), {"reference": report.reference.lower(), "mobile": "137 0000 0009"}
    )
    assert lookup.status_code == 200 and "待街道处理" in lookup.content.decode()


def test_an_anonymous_report_is_accepted_but_cannot_be_looked_up(client):
    response = client.post(reverse("reports_public:form"), report_post(reporter_mobile=""))
    assert response.status_code == 302
    report = Report.objects.get()
    assert "无法查询处理结果" in client.get(response["Location"]).content.decode()
    lookup = client.post(reverse("reports_public:lookup"), {"reference": report.reference, "mobile": "13700000009"})
    assert "没有与该举报编号和手机号码相符的举报" in lookup.content.decode()


def test_the_done_page_is_only_for_the_session_that_sent_it(client):
    report = make_report()
    response = client.get(reverse("reports_public:done", args=[report.reference]))
    assert response.status_code == 302 and response["Location"] == reverse("reports_public:lookup")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"address": ""}, "请填写地点（地址或标志性建筑）"),
        ({"description": ""}, "请填写"),
        ({"subject": ""}, "请选择"),
        ({"reporter_mobile": "12345"}, "手机号码"),
        ({"community": lambda: str(community(JIANGTOU).pk)}, "不属于"),
        (
            {"photos": lambda: [SimpleUploadedFile("a.jpg", b"GIF89a" + b"0" * 100, "image/jpeg")]},
            "不是 JPG 或 PNG 格式的照片",
        ),
        (
            {"photos": lambda: [SimpleUploadedFile(f"{n}.png", image_bytes(), "image/png") for n in range(4)]},
            "最多上传 3 张照片",
        ),
        (
            {
                "photos": lambda: [
                    SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 1), "image/jpeg")
                ]
            },
            "单个文件不能超过",
        ),
    ],
)
def test_bad_reports_are_refused_with_a_clear_message_and_nothing_saved(client, overrides, message):
    data = report_post(**{key: value() if callable(value) else value for key, value in overrides.items()})
    before = private_files()
    response = client.post(reverse("reports_public:form"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists() and not ReportPhoto.objects.exists() and private_files() == before


def test_reports_are_rate_limited_per_client(client):
    for _ in range(10):
        assert client.post(reverse("reports_public:form"), report_post()).status_code == 302
    response = client.post(reverse("reports_public:form"), report_post())
    assert response.status_code == 429 and "次数过多" in response.content.decode()
    assert Report.objects.count() == 10
    assert client.get(reverse("reports_public:form")).status_code == 200  # reading the form is never limited


def test_lookup_failures_are_limited_and_success_shows_no_one_elses_data(client, officer):
    report = make_report()
    registration = services.open_found_unregistered(
        report,
        officer,
        {
            "category": WorkCategory.objects.get(name="空调安装、维护、拆除"),
            "owner_name": "张业主",
            "owner_mobile": "13600000006",
            "contractor_name": "李师傅",
            "worker_count": 2,
            "description": "外墙装空调",
        },
    )
    response = client.post(reverse("reports_public:lookup"), {"reference": report.reference, "mobile": "13700000009"})
    content = response.content.decode()
    assert "已责令建设单位（业主）补办登记" in content
    for private in ("张业主", "13600000006", "李师傅", registration.reference, officer.username):
        assert private not in content
    for _ in range(20):
        client.post(reverse("reports_public:lookup"), {"reference": report.reference, "mobile": "13700000000"})
    assert (
        client.post(
            reverse("reports_public:lookup"), {"reference": report.reference, "mobile": "13700000009"}
        ).status_code
        == 429
    )


# --- triage ------------------------------------------------------------------


def found_data(**overrides):
    return {
        "category": str(WorkCategory.objects.get(name="空调安装、维护、拆除").pk),
        "owner_name": "张业主",
        "owner_mobile": "13600000006",
        "contractor_name": "",
        "worker_count": "2",
        "address": "湖里区华昌路12号3楼",
        "description": "外墙安装空调外机，未登记",
        "outcome": "",
        **overrides,
    }


def test_an_officer_opens_a_found_unregistered_record_that_the_owner_completes(client, officer):
    report = make_report()
    client.force_login(officer)
    page = client.get(reverse("reports:inspect", args=[report.pk])).content.decode()
    assert "立案为未登记工程" in page and "13700000009" in page  # the officer may call the reporter back
    response = client.post(reverse("reports:found", args=[report.pk]), found_data())
    registration = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("works:inspect", args=[registration.pk])
    assert (registration.status, registration.origin) == (Status.FOUND_UNREGISTERED, Origin.FOUND)
    assert registration.street_id == report.street_id and registration.address == "湖里区华昌路12号3楼"
    report.refresh_from_db()
    assert report.status == ReportStatus.FOUND_UNREGISTERED and report.registration == registration
    message = OutboundMessage.objects.get(recipient="13600000006")
    assert registration.reference in message.body and "发现未登记" in message.body
    # it counts in the ledger
    ledger = client.get(reverse("works:index")).content.decode()
    assert registration.reference in ledger

    # the owner looks it up and is offered the form to complete it
    from registration.public.lookup_views import FAILURES_PER_CLIENT  # noqa: F401 (limits cleared above)

    owner = client.__class__()
    lookup = owner.post(
        reverse("registration:status"), {"reference": registration.reference, "mobile": "13600000006"}, follow=True
    )
    content = lookup.content.decode()
    assert "请立即补办登记" in content and f"/register/correct/{registration.reference}/" in content


def test_deciding_twice_is_refused_and_a_link_needs_a_registration_of_the_street(client, officer):
    report = make_report()
    client.force_login(officer)
    other_street = work(Status.UNDER_WAY, street_code=JIANGTOU)
    response = client.post(reverse("reports:link", args=[report.pk]), {"reference": other_street.reference})
    assert response.status_code == 200 and "没有这个登记编号的登记" in response.content.decode()
    own = work(Status.UNDER_WAY)
    assert (
        client.post(reverse("reports:link", args=[report.pk]), {"reference": own.reference.lower()}).status_code == 302
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.LINKED and report.registration == own and "已登记" in report.outcome
    for name, data in (
        ("close", {"reason": "重复举报"}),
        ("found", found_data()),
        ("link", {"reference": own.reference}),
    ):
        response = client.post(reverse(f"reports:{name}", args=[report.pk]), data)
        assert response.status_code == 409 and "该举报已处理" in response.content.decode()
    assert Registration.objects.filter(origin=Origin.FOUND).count() == 0


def test_close_needs_a_reason_and_send_lists_only_the_streets_inspectors(client, officer):
    report = make_report()
    client.force_login(officer)
    response = client.post(reverse("reports:close", args=[report.pk]), {"reason": " "})
    assert response.status_code == 200 and "请填写办结理由" in response.content.decode()
    near = staff("inspector_huli", roles.SAFETY_INSPECTOR, HULI)
    far = staff("inspector_far", roles.SAFETY_INSPECTOR, JIANGTOU)
    page = client.get(reverse("reports:send", args=[report.pk]))
    choices = [str(pk) for pk, _label in page.context["form"].fields["inspector"].choices if pk]
    assert choices == [str(near.pk)]
    assert client.post(reverse("reports:send", args=[report.pk]), {"inspector": far.pk}).status_code == 200
    assert client.post(reverse("reports:send", args=[report.pk]), {"inspector": near.pk}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.INSPECTOR_SENT and report.assigned_inspector == near
    client.force_login(near)
    assert report.reference in client.get(reverse("registration_backoffice:round")).content.decode()
    client.force_login(officer)
    assert client.post(reverse("reports:close", args=[report.pk]), {"reason": "现场已停工"}).status_code == 302
    assert Report.objects.get().status == ReportStatus.CLOSED


def test_other_streets_and_other_roles_cannot_triage(client, officer):
    report = make_report()
    for user, expected in (
        (staff("officer_far", roles.STREET_OFFICER, JIANGTOU), 404),
        (staff("inspector_huli", roles.SAFETY_INSPECTOR, HULI), 403),
        (grid_worker(), 404),  # not their report
    ):
        client.force_login(user)
        assert client.get(reverse("reports:inspect", args=[report.pk])).status_code in (
            expected,
            200 if expected == 403 else expected,
        )
        for name, data in (
            ("found", found_data()),
            ("link", {"reference": "x"}),
            ("send", {}),
            ("close", {"reason": "x"}),
        ):
            assert client.post(reverse(f"reports:{name}", args=[report.pk]), data).status_code == expected, (user, name)
    assert Report.objects.get().status == ReportStatus.NEW and not Registration.objects.exists()
    photo_report = services.submit_report(
        {
            "subject": "unsafe",
            "street": report.street,
            "community": report.community,
            "address": "x",
            "description": "y",
        },
        [SimpleUploadedFile("p.png", image_bytes(), "image/png")],
    )
    photo = photo_report.photos.get()
    client.force_login(staff("officer_far2", roles.STREET_OFFICER, JIANGTOU))
    assert client.get(reverse("reports:photo", args=[photo.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("reports:photo", args=[photo.pk])).status_code == 200


# --- grid workers ------------------------------------------------------------


def test_a_grid_worker_reports_from_their_community_and_sees_only_their_own(client):
    worker = grid_worker()
    theirs = make_report()
    client.force_login(worker)
    page = client.get(reverse("reports:new"))
    assert [str(c) for c in page.context["form"].fields["street"].queryset] == [community().street.name]
    response = client.post(reverse("reports:new"), report_post(reporter_mobile=""))
    assert response.status_code == 302
    mine = Report.objects.get(reported_by=worker)
    assert mine.source == ReportSource.GRID_WORKER
    listing = client.get(reverse("reports:index")).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(reverse("reports:inspect", args=[theirs.pk])).status_code == 404
    detail = client.get(reverse("reports:inspect", args=[mine.pk])).content.decode()
    assert "立案为未登记工程" not in detail  # no triage buttons
    # another community of the same street is refused
    other = Community.objects.filter(street__code=HULI).exclude(pk=community().pk).first()
    response = client.post(reverse("reports:new"), report_post(community=str(other.pk)))
    assert response.status_code == 200 and Report.objects.filter(reported_by=worker).count() == 1


def test_a_grid_worker_sees_their_communities_works_under_way_without_personal_data(client):
    worker = grid_worker()
    own = work(Status.UNDER_WAY)
    assert own.community == community()
    elsewhere = work(Status.UNDER_WAY, street_code=JIANGTOU)
    pending = work(Status.SUBMITTED)
    client.force_login(worker)
    content = client.get(reverse("reports:community_works")).content.decode()
    assert own.reference in content and elsewhere.reference not in content and pending.reference not in content
    for private in (own.owner_mobile, own.site_manager_mobile, own.owner_name, own.contractor_uscc):
        assert private not in content


@pytest.mark.parametrize(
    "name, args",
    [
        ("works:index", []),
        ("works:inspect", ["work"]),
        ("registration_backoffice:inspect", ["work"]),
        ("registration_backoffice:accept", ["work"]),
        ("registration_backoffice:write_off", ["work"]),
        ("registration_backoffice:round", []),
        ("hazards:index", []),
        ("service_ratings:index", []),
        ("registration_attachment", ["attachment"]),
    ],
)
def test_a_grid_worker_may_not_inspect_accept_or_write_off(client, name, args):
    worker = grid_worker()
    registration = work(Status.UNDER_WAY)
    values = {"work": registration.pk, "attachment": 0}
    client.force_login(worker)
    url = reverse(name, args=[values[arg] for arg in args])
    for response in (client.get(url), client.post(url, {"override_reason": "x", "reason": "x"})):
        assert response.status_code in (302, 403, 404), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"] in ("/admin/", reverse("wagtailadmin_home"))  # Wagtail's refusal
    registration.refresh_from_db()
    assert registration.status == Status.UNDER_WAY and not registration.inspections.exists()


def test_officers_cannot_use_the_grid_workers_pages(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reports:new")).status_code == 403
    assert client.get(reverse("reports:community_works")).status_code == 403


# --- queries -----------------------------------------------------------------


def test_the_report_list_and_triage_page_cost_the_same_queries_as_reports_grow(client, officer):
    client.force_login(officer)

    def counts():
        report = Report.objects.order_by("pk").first()
        result = []
        for url in (
            reverse("reports:index"),
            reverse("reports:inspect", args=[report.pk]),
            reverse("reports:found", args=[report.pk]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    make_report()
    few = counts()
    for number in range(25):
        make_report(address=f"华昌路{number}号")
        make_report(JIANGTOU)
    assert counts() == few


# --- concurrency -------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_deciding_at_once_give_one_decision():
    first, second = staff("officer_a", roles.STREET_OFFICER, HULI), staff("officer_b", roles.STREET_OFFICER, HULI)
    report = make_report()
    category = WorkCategory.objects.get(name="空调安装、维护、拆除")
    outcomes, barrier = [], threading.Barrier(2)

    def decide(user, found):
        try:
            barrier.wait()
            if found:
                services.open_found_unregistered(
                    Report.objects.get(pk=report.pk),
                    user,
                    {
                        "category": category,
                        "owner_name": "张",
                        "owner_mobile": "13600000006",
                        "contractor_name": "",
                        "worker_count": 1,
                        "description": "x",
                    },
                )
            else:
                services.close(Report.objects.get(pk=report.pk), user, "已核实")
            outcomes.append("ok")
        except backoffice.ActionRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(first, True)),
        threading.Thread(target=decide, args=(second, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    report.refresh_from_db()
    assert report.is_decided
    assert Registration.objects.count() == (1 if report.status == ReportStatus.FOUND_UNREGISTERED else 0)


def test_found_unregistered_works_lower_the_registration_rate_on_the_dashboard(client, officer):
    from registration.services import registration_rate

    for _ in range(3):
        work(Status.UNDER_WAY)
    work(Status.UNDER_WAY, street_code=JIANGTOU)
    services.open_found_unregistered(
        make_report(),
        officer,
        {
            "category": WorkCategory.objects.get(name="空调安装、维护、拆除"),
            "owner_name": "张业主",
            "owner_mobile": "13600000006",
            "contractor_name": "",
            "worker_count": 1,
            "description": "x",
        },
    )
    assert registration_rate(Registration.objects.filter(street__code=HULI)) == (3, 1, 75.0)
    assert registration_rate(Registration.objects.none()) == (0, 0, None)
    client.force_login(officer)
    row = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "75.0%（1 项发现未登记）" in row
    export = client.get(reverse("works:index") + "?origin=found&export=csv")
    content = (
        b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else export.content.decode("utf-8-sig")
    )
    assert "举报或巡查发现后补登" in content and content.count("\n") == 2
