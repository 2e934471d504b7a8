"""The data generator (manage.py generate_works): exact volumes, valid and
consistent rows, and reruns that add rather than collide."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from registration import services
from registration.models import (
    EnforcementReferral,
    Hazard,
    Inspection,
    InspectionResult,
    Registration,
    Status,
    StatusChange,
)
from registration.services import TRANSITIONS

pytestmark = pytest.mark.django_db


def generate(**options):
    out = io.StringIO()
    call_command("generate_works", stdout=out, **options)
    return out.getvalue()


def test_exact_volumes_and_valid_rows():
    output = generate(works=50, inspections=300, hazard_rate=0.05, seed=3)
    assert "Created 50 works, 300 inspections, 15 hazards" in output
    assert Registration.objects.count() == 50
    assert Inspection.objects.count() == 300
    assert Hazard.objects.count() == 15
    assert Inspection.objects.exclude(result=InspectionResult.NO_HAZARD).count() == 15
    assert EnforcementReferral.objects.count() == int(re.search(r"(\d+) referrals", output)[1])
    assert EnforcementReferral.objects.count() >= Inspection.objects.filter(result=InspectionResult.STOP_WORK).count()
    # foreign keys agree with each other
    assert not Registration.objects.exclude(community__street=F("street")).exists()
    assert not Registration.objects.exclude(category__kind=F("kind")).exists()
    assert not Hazard.objects.exclude(registration=F("inspection__registration")).exists()
    assert not Registration.objects.filter(planned_end__lt=F("planned_start")).exists()
    references = list(Registration.objects.values_list("reference", flat=True))
    assert len(set(references)) == 50
    assert all(re.fullmatch(r"HL-20\d\d-\d{6}", reference) for reference in references)
    # spread over the years since the start, not all stamped "now"
    years = {work.submitted_at.year for work in Registration.objects.all()}
    assert len(years) >= 3 and min(years) == 2022


def test_histories_lead_to_the_final_status_through_allowed_steps():
    generate(works=60, inspections=400, seed=5)
    now = timezone.now()
    statuses = set()
    for work in Registration.objects.prefetch_related("status_changes"):
        steps = list(work.status_changes.all())
        assert (steps[0].from_status, steps[0].to_status) == ("", Status.SUBMITTED)
        assert steps[0].created_at == work.submitted_at
        for before, after in zip(steps, steps[1:]):
            assert after.from_status == before.to_status
            assert after.to_status in TRANSITIONS[before.to_status]
            assert before.created_at <= after.created_at <= now
            assert after.reason or after.to_status not in services.REASON_REQUIRED
        assert steps[-1].to_status == work.status
        statuses.add(work.status)
    assert Status.COMPLETED in statuses
    # Inspections only on works that were accepted, within their dates.
    never_accepted = StatusChange.objects.filter(to_status=Status.UNDER_WAY).values("registration")
    assert not Inspection.objects.exclude(registration__in=never_accepted).exists()
    for inspection in Inspection.objects.select_related("registration"):
        day = timezone.localdate(inspection.inspected_at)
        assert inspection.registration.planned_start <= day <= inspection.registration.planned_end
    # a written-off work has no open hazard
    assert not Hazard.objects.filter(registration__status=Status.COMPLETED, rectified_on=None).exists()


def test_most_volume_is_fit_outs_and_air_conditioners():
    generate(works=300, inspections=0, seed=2)
    top = Registration.objects.values("category__name").annotate(n=Count("pk")).order_by("-n")[:3]
    names = "".join(row["category__name"] for row in top)
    assert "装饰装修" in names and "空调" in names


def test_a_rerun_adds_more_and_numbers_continue():
    generate(works=20, inspections=50, seed=1)
    first = set(Registration.objects.values_list("reference", flat=True))
    generate(works=20, inspections=50, seed=1)  # the same seed must not collide
    assert Registration.objects.count() == 40 and Inspection.objects.count() == 100
    assert len(set(Registration.objects.values_list("reference", flat=True))) == 40
    # a real registration later still gets a fresh number
    numbers = services.allocate_references(2, year=2022)
    assert not first & set(numbers)
    assert not Registration.objects.filter(reference__in=numbers).exists()


def test_refused_under_production_settings_unless_forced(settings):
    settings.ALLOW_DEMO_CONTENT = False
    with pytest.raises(CommandError):
        generate(works=5)
    assert not Registration.objects.exists()
    generate(works=5, force=True)
    assert Registration.objects.count() == 5


def test_allocate_references_takes_a_block_after_single_numbers():
    assert services.allocate_reference(prefix="HL", year=2030) == "HL-2030-000001"
    assert services.allocate_references(3, prefix="HL", year=2030) == [
        "HL-2030-000002",
        "HL-2030-000003",
        "HL-2030-000004",
    ]
    assert services.allocate_reference(prefix="HL", year=2030) == "HL-2030-000005"


def test_reports_follow_the_works_and_found_ones_count_as_found():
    from registration.models import Origin, Report, ReportStatus

    output = generate(works=400, inspections=0, seed=5)
    assert "20 reports" in output and Report.objects.count() == 20
    references = list(Report.objects.values_list("reference", flat=True))
    assert len(set(references)) == 20 and all(re.fullmatch(r"HLJB-20\d\d-\d{6}", ref) for ref in references)
    assert not Report.objects.exclude(community__street=F("street")).exists()
    assert not Report.objects.filter(registration__isnull=False).exclude(registration__street=F("street")).exists()
    found = Report.objects.filter(status=ReportStatus.FOUND_UNREGISTERED).values("registration")
    assert set(Registration.objects.filter(origin=Origin.FOUND).values_list("pk", flat=True)) == {
        row["registration"] for row in found
    }
    generate(works=10, reports=7, seed=6)
    assert Report.objects.count() == 27
