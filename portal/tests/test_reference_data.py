from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from portal.models import Community, PortalSettings, Street

pytestmark = pytest.mark.django_db


def test_the_five_huli_streets_are_loaded_with_their_codes():
    assert list(Street.objects.values_list("name", "code")) == [
        ("湖里街道", "350206001"),
        ("殿前街道", "350206002"),
        ("禾山街道", "350206003"),
        ("江头街道", "350206004"),
        ("金山街道", "350206005"),
    ]


def test_communities_belong_to_their_street():
    counts = {s.name: s.communities.count() for s in Street.objects.all()}
    assert counts == {"湖里街道": 18, "殿前街道": 8, "禾山街道": 10, "江头街道": 9, "金山街道": 9}
    assert Community.objects.get(name="五缘湾北社区").street.code == "350206003"


def test_community_name_is_unique_within_a_street():
    street = Street.objects.get(code="350206001")
    with pytest.raises(IntegrityError):
        Community.objects.create(street=street, name="湖里社区")


def test_street_code_must_be_a_division_code():
    street = Street(name="测试街道", code="35020X")
    with pytest.raises(ValidationError) as excinfo:
        street.full_clean()
    assert "code" in excinfo.value.message_dict


def test_threshold_defaults_follow_the_national_rule():
    settings = PortalSettings.load()
    assert settings.threshold_investment_yuan == Decimal("300000")
    assert settings.threshold_area_m2 == Decimal("300")


@pytest.mark.parametrize(
    "investment, area, needs_permit",
    [
        (Decimal("300000"), Decimal("300"), False),  # 以下 includes the limit itself
        (Decimal("300000.01"), Decimal("300.01"), True),
        (Decimal("5000000"), Decimal("120"), False),  # small by area
        (Decimal("80000"), Decimal("2000"), False),  # small by investment
    ],
)
def test_needs_construction_permit(investment, area, needs_permit):
    assert PortalSettings.load().needs_construction_permit(investment, area) is needs_permit


def test_threshold_is_editable():
    settings = PortalSettings.load()
    settings.threshold_investment_yuan = Decimal("1000000")
    settings.threshold_area_m2 = Decimal("500")
    settings.save()
    settings = PortalSettings.load()
    assert settings.needs_construction_permit(Decimal("900000"), Decimal("450")) is False
    assert settings.needs_construction_permit(Decimal("1000001"), Decimal("501")) is True


def test_threshold_must_be_positive():
    settings = PortalSettings.load()
    settings.threshold_area_m2 = Decimal("0")
    with pytest.raises(ValidationError):
        settings.full_clean()
