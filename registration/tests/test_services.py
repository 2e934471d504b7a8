"""Reference numbers, creation and the status lifecycle."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import RequestFactory

from portal.models import PortalSettings
from registration import services
from registration.models import ReferenceCounter, RegistrantRole, Registration, Status, StatusChange
from registration.tests.factories import registration_data

pytestmark = pytest.mark.django_db


def test_reference_numbers_follow_the_prefix_year_and_sequence():
    assert services.allocate_reference(prefix="HL", year=2026) == "HL-2026-000001"
    assert services.allocate_reference(prefix="HL", year=2026) == "HL-2026-000002"
    # a new year starts again at 1; another prefix has its own counter
    assert services.allocate_reference(prefix="HL", year=2027) == "HL-2027-000001"
    assert services.allocate_reference(prefix="SM", year=2026) == "SM-2026-000001"


def test_reference_prefix_comes_from_the_settings():
    settings = PortalSettings.load()
    settings.reference_prefix = "HLQ"
    settings.save()
    registration = services.create_registration(registration_data())
    assert registration.reference == f"HLQ-{datetime.date.today().year}-000001"


def test_create_registration_saves_everything_and_the_first_history_row():
    registration = services.create_registration(registration_data(owner_mobile="+86 138-0000-0001"))
    assert registration.status == Status.SUBMITTED
    assert registration.owner_mobile == "13800000001"
    assert registration.registrant_mobile == "13900000002"  # the contractor registered
    assert set(registration.high_risk_operations.values_list("code", flat=True)) == {"height", "temporary_power"}
    change = registration.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", Status.SUBMITTED, None)
    assert len(registration.verify_token) >= 20


def test_property_company_registrant_mobile():
    data = registration_data(
        registrant_role=RegistrantRole.PROPERTY_COMPANY,
        property_company_name="厦门示例物业服务有限公司",
        property_company_contact="陈经理",
        property_company_mobile="13700000003",
    )
    assert services.create_registration(data).registrant_mobile == "13700000003"


def test_invalid_data_saves_nothing_and_uses_no_number():
    with pytest.raises(ValidationError):
        services.create_registration(registration_data(contractor_uscc="91110108551385082X"))
    with pytest.raises(ValidationError):
        start = datetime.date.today() + datetime.timedelta(days=5)
        services.create_registration(
            registration_data(planned_start=start, planned_end=start - datetime.timedelta(days=1))
        )
    assert not Registration.objects.exists()
    assert not StatusChange.objects.exists()
    assert ReferenceCounter.objects.filter(last_number__gt=0).count() == 0


def test_allowed_transitions_and_reasons():
    officer = get_user_model().objects.create_user("officer", first_name="湖里街道纳管员")
    registration = services.create_registration(registration_data())
    with pytest.raises(services.TransitionError):
        services.change_status(registration, Status.RETURNED, by=officer)  # no reason
    services.change_status(registration, Status.RETURNED, by=officer, reason="施工单位信用代码与执照不符")
    with pytest.raises(services.TransitionError):
        services.change_status(registration, Status.COMPLETED, by=officer)
    registration.refresh_from_db()
    assert registration.status == Status.RETURNED
    history = list(registration.status_changes.values_list("from_status", "to_status", "actor_label", "reason"))
    assert history[-1] == (Status.SUBMITTED, Status.RETURNED, "湖里街道纳管员", "施工单位信用代码与执照不符")


@pytest.mark.parametrize(
    "path",
    [
        [Status.UNDER_WAY, Status.STOPPED, Status.UNDER_WAY, Status.COMPLETED],
        [Status.RETURNED, Status.SUBMITTED, Status.UNDER_WAY, Status.WITHDRAWN],
        [Status.WITHDRAWN],
    ],
)
def test_lifecycle_paths(path):
    registration = services.create_registration(registration_data())
    for status in path:
        services.change_status(registration, status, reason="理由")
    registration.refresh_from_db()
    assert registration.status == path[-1]
    assert registration.status_changes.count() == len(path) + 1
    # final states accept nothing more
    if path[-1] in (Status.COMPLETED, Status.WITHDRAWN):
        for status in Status:
            with pytest.raises(services.TransitionError):
                services.change_status(registration, status, reason="理由")


def test_resubmit_only_after_return():
    registration = services.create_registration(registration_data())
    with pytest.raises(services.TransitionError):
        services.resubmit(registration, registration_data(address="新地址"))
    services.change_status(registration, Status.RETURNED, reason="地址不详")
    services.resubmit(registration, registration_data(address="湖里区示例路1号2号楼301室"))
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED
    assert registration.address == "湖里区示例路1号2号楼301室"
    assert registration.reference.endswith("000001")  # the number is kept


def test_lookup_needs_the_reference_and_the_registrants_or_the_owners_mobile():
    registration = services.create_registration(registration_data())
    assert services.find_for_lookup(registration.reference.lower(), "139 0000 0002") == registration
    assert services.find_for_lookup(registration.reference, "13800000001") == registration  # the owner's
    assert services.find_for_lookup(registration.reference, "13700000003") is None
    assert services.find_for_lookup("HL-2026-999999", "13900000002") is None
    assert services.find_for_lookup("", "") is None


def test_session_grants():
    from django.contrib.sessions.backends.db import SessionStore

    first = services.create_registration(registration_data())
    second = services.create_registration(registration_data())
    request = RequestFactory().get("/")
    request.session = SessionStore()
    assert services.accessible_registration(request, first.reference) is None
    services.remember_access(request, first)
    assert services.accessible_registration(request, first.reference) == first
    assert services.accessible_registration(request, second.reference) is None


def at_once(workers, action):
    """Run ``action`` in ``workers`` threads released together; their results, or the test fails."""
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_submissions_get_distinct_numbers():
    """20+ submissions at the same moment: all saved, every number distinct."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, there is no race to test (CI runs this on PostgreSQL)"
        )
    workers = 24
    data = registration_data()
    references = at_once(workers, lambda: services.create_registration(dict(data)).reference)
    assert len(references) == workers == len(set(references))
    assert Registration.objects.count() == workers
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, workers + 1))


def test_a_draft_submitted_twice_is_one_registration():
    first = services.create_registration(registration_data(), draft_id="draft-one")
    again = services.create_registration(registration_data(), draft_id="draft-one")
    other = services.create_registration(registration_data(), draft_id="draft-two")
    assert again == first != other
    assert Registration.objects.count() == 2
    assert StatusChange.objects.filter(registration=first).count() == 1
    # Paper registrations have no draft: any number of them.
    services.create_registration(registration_data())
    services.create_registration(registration_data())
    assert Registration.objects.filter(draft_id=None).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_submits_of_one_draft_give_one_registration_and_one_message():
    """16 requests submit the same draft at the same moment (double taps, tabs)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, there is no race to test (CI runs this on PostgreSQL)"
        )
    from registration.models import OutboundMessage

    workers = 16
    data = registration_data(registrant_role=RegistrantRole.OWNER)  # one contact mobile: one message
    references = at_once(workers, lambda: services.create_registration(dict(data), draft_id="same-draft").reference)
    assert len(references) == workers and len(set(references)) == 1
    assert Registration.objects.count() == 1
    assert OutboundMessage.objects.count() == 1
    assert ReferenceCounter.objects.get().last_number == 1
