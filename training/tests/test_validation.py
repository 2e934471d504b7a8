"""The roster rules shared by the import, the walk-in form and the admin form."""

import pytest

from portal.models import Community
from training.models import TraineeRole
from training.validation import check_trainee

from .conftest import HULI, JIANGTOU, make_trainee, street

pytestmark = pytest.mark.django_db


def data(**overrides):
    huli = street(HULI)
    return {
        "name": " 陈志强 ",
        "role": TraineeRole.GRID_WORKER,
        "street": huli,
        "community": Community.objects.filter(street=huli).first(),
        "organisation": "湖里社区居委会",
        "mobile": "+86 138-0000-1234",
        **overrides,
    }


def test_good_details_are_cleaned():
    values, errors = check_trainee(data())
    assert errors == {}
    assert values["name"] == "陈志强"
    assert values["mobile"] == "13800001234"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "  ", "姓名"),
        ("role", "", "角色"),
        ("role", "boss", "角色"),
        ("street", None, "街道"),
        ("mobile", "", "手机号码"),
        ("mobile", "12345", "11"),
        ("mobile", "1380000123a", "数字"),
        ("mobile", "14400001234567", "11"),  # 13-digit IoT numbers are not mobiles
        ("organisation", "单" * 101, "100"),
    ],
)
def test_each_rule_has_a_chinese_message(field, value, message):
    _values, errors = check_trainee(data(**{field: value}))
    assert set(errors) == {field}
    assert message in errors[field]


def test_community_must_be_in_the_street():
    other = Community.objects.filter(street__code=JIANGTOU).first()
    _values, errors = check_trainee(data(community=other))
    assert set(errors) == {"community"}
    assert other.name in errors["community"] and "湖里街道" in errors["community"]


def test_mobile_already_on_the_roster_is_refused_after_normalising():
    make_trainee(mobile="13800001234")
    _values, errors = check_trainee(data(mobile="138 0000 1234"))
    assert "已在" in errors["mobile"]


def test_only_given_fields_are_checked():
    assert check_trainee({"mobile": "13800009999"}) == ({"mobile": "13800009999"}, {})
