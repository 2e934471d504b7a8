"""The scope self-check: the decision rules, the amounts people type, and the page."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from portal.models import PortalSettings
from registration.public.lookup_forms import ScopeCheckForm
from registration.public.scope import Outcome, WorkType, decide, format_area, format_yuan, needs_amounts

URL = "/register/check/"


def threshold(investment="300000", area="300"):
    """Unsaved settings: the real rule, without the database."""
    return PortalSettings(threshold_investment_yuan=Decimal(investment), threshold_area_m2=Decimal(area))


# --- the decision ---------------------------------------------------------------


@pytest.mark.parametrize("work_type", [WorkType.BUILDING, WorkType.FIT_OUT, WorkType.OTHER])
@pytest.mark.parametrize(
    "investment, area, outcome",
    [
        ("0", "0", Outcome.REGISTER),
        ("300000", "300", Outcome.REGISTER),  # exactly at both limits: 以下 includes the limit
        ("300000.01", "300", Outcome.REGISTER),  # over one limit only
        ("300000", "300.01", Outcome.REGISTER),
        ("5000000", "10", Outcome.REGISTER),
        ("300000.01", "300.01", Outcome.PERMIT),  # over both
    ],
)
def test_works_are_registered_unless_over_both_limits(work_type, investment, area, outcome):
    assert decide(work_type, False, Decimal(investment), Decimal(area), threshold()) == outcome


def test_the_threshold_comes_from_the_settings():
    """Shenzhen-style limits (1,000,000 yuan / 500 m²) keep a 600,000 yuan, 400 m² work in scope."""
    assert decide(WorkType.BUILDING, False, Decimal("600000"), Decimal("400"), threshold()) == Outcome.PERMIT
    shenzhen = threshold("1000000", "500")
    assert decide(WorkType.BUILDING, False, Decimal("600000"), Decimal("400"), shenzhen) == Outcome.REGISTER


def test_equipment_work_is_always_registered_and_needs_no_amounts():
    assert not needs_amounts(WorkType.EQUIPMENT, False)
    assert decide(WorkType.EQUIPMENT, False, None, None, threshold()) == Outcome.REGISTER
    # even a large job: sporadic operations have no threshold
    assert decide(WorkType.EQUIPMENT, False, Decimal("9000000"), Decimal("9000"), threshold()) == Outcome.REGISTER


@pytest.mark.parametrize(
    "work_type, answer",
    [
        (WorkType.TEMPORARY, False),
        (WorkType.TEMPORARY, True),
        (WorkType.FIT_OUT, True),
        (WorkType.EQUIPMENT, True),
    ],
)
def test_temporary_constructions_follow_their_own_rules(work_type, answer):
    assert not needs_amounts(work_type, answer)
    assert decide(work_type, answer, None, None, threshold()) == Outcome.TEMPORARY
    assert decide(work_type, answer, Decimal("1"), Decimal("1"), threshold()) == Outcome.TEMPORARY


def test_missing_amounts_are_a_programming_error_when_they_matter():
    assert needs_amounts(WorkType.BUILDING, False)
    with pytest.raises(ValueError):
        decide(WorkType.BUILDING, False, None, Decimal("10"), threshold())


# --- formatting -------------------------------------------------------------


def test_amounts_in_english():
    with translation.override("en"):
        assert format_yuan(Decimal("300000.00")) == "300,000 yuan"
        assert format_yuan(Decimal("1234.5")) == "1,234.5 yuan"
        assert format_area(Decimal("300.00")) == "300 m²"
        assert format_area(Decimal("95.50")) == "95.5 m²"


def test_amounts_in_chinese_are_counted_in_wan():
    with translation.override("zh-hans"):
        wan = translation.gettext("%(amount)s ten-thousand yuan")
        yuan = translation.gettext("%(amount)s yuan")
        assert format_yuan(Decimal("300000")) == wan % {"amount": "30"}
        assert format_yuan(Decimal("125000")) == wan % {"amount": "12.5"}
        assert format_yuan(Decimal("1000000")) == wan % {"amount": "100"}
        # not a round number of 万, or under 1万: plain yuan
        assert format_yuan(Decimal("300001")) == yuan % {"amount": "300,001"}
        assert format_yuan(Decimal("9000")) == yuan % {"amount": "9,000"}


# --- the form ---------------------------------------------------------------


def form(**data):
    return ScopeCheckForm({"work_type": "fit_out", "temporary": "no", **data})


@pytest.mark.parametrize(
    "typed, value",
    [
        ("120000", Decimal("120000")),
        ("１２００００", Decimal("120000")),  # full-width digits from a Chinese input method
        ("120,000", Decimal("120000")),
        ("12万", Decimal("120000")),
        ("12.5万元", Decimal("125000")),
        (" 80000元 ", Decimal("80000")),
        ("0", Decimal("0")),
    ],
)
def test_investment_as_people_type_it(typed, value):
    f = form(investment=typed, area="50")
    assert f.is_valid(), f.errors
    assert f.cleaned_data["investment"] == value


@pytest.mark.parametrize(
    "typed, value",
    [
        ("95.5", Decimal("95.5")),
        ("120平方米", Decimal("120")),
        ("80㎡", Decimal("80")),
        ("80 m²", Decimal("80")),
    ],
)
def test_area_as_people_type_it(typed, value):
    f = form(investment="1000", area=typed)
    assert f.is_valid(), f.errors
    assert f.cleaned_data["area"] == value


@pytest.mark.parametrize(
    "field, typed, code",
    [
        ("investment", "-1", "min_value"),
        ("investment", "abc", "invalid"),
        ("investment", "万", "invalid"),
        ("investment", "NaN", "invalid"),
        ("investment", "1e13", "max_value"),
        ("area", "-0.5", "min_value"),
        ("area", "三十", "invalid"),
    ],
)
def test_bad_amounts_are_refused(field, typed, code):
    f = form(**{"investment": "1000", "area": "10", field: typed})
    assert not f.is_valid()
    assert f.has_error(field, code)


def test_amounts_are_required_only_where_the_threshold_decides():
    with translation.override("en"):
        f = form()
        assert not f.is_valid()
        assert f.errors["investment"] == ["Enter the investment in yuan (0 if there is none)."]
        assert f.errors["area"] == ["Enter the floor area in square metres (0 if there is none)."]
    assert ScopeCheckForm({"work_type": "equipment", "temporary": "no"}).is_valid()
    assert ScopeCheckForm({"work_type": "fit_out", "temporary": "yes"}).is_valid()
    assert ScopeCheckForm({"work_type": "temporary", "temporary": "no"}).is_valid()


def test_both_questions_must_be_answered():
    f = ScopeCheckForm({"investment": "1", "area": "1"})
    assert not f.is_valid()
    assert f.has_error("work_type", "required") and f.has_error("temporary", "required")
    assert not ScopeCheckForm({"work_type": "spaceship", "temporary": "maybe"}).is_valid()


# --- the page ---------------------------------------------------------------


@pytest.fixture
def portal_settings(db):
    settings = PortalSettings.load()
    settings.threshold_investment_yuan = Decimal("300000")
    settings.threshold_area_m2 = Decimal("300")
    settings.permit_info_url = "https://zjj.xm.gov.cn/permits"
    settings.temporary_construction_url = "https://zrzy.xm.gov.cn/temporary"
    settings.hotline = "0592-1234567"
    settings.save()
    return settings


def outcome_of(response):
    assert response.status_code == 200
    assert response.templates[0].name == "registration/scope_check_result.html"
    return response.context["outcome"]


def test_the_form_is_shown_first(client, portal_settings):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.templates[0].name == "registration/scope_check.html"
    assert not response.context["form"].is_bound
    assert b'method="get"' in response.content


def test_register_here(client, portal_settings):
    response = client.get(URL, {"work_type": "building", "temporary": "no", "investment": "300000", "area": "300"})
    assert outcome_of(response) == Outcome.REGISTER
    assert b'href="/register/"' in response.content
    assert b"zjj.xm.gov.cn" not in response.content


def test_equipment_needs_no_amounts(client, portal_settings):
    response = client.get(URL, {"work_type": "equipment", "temporary": "no"})
    assert outcome_of(response) == Outcome.REGISTER


def main_of(content):
    """The page's main content, without the header's menu."""
    return content.split("<main", 1)[1].split("</main>", 1)[0]


def test_permit_outcome_shows_the_thresholds_and_the_link(client, portal_settings):
    response = client.get(URL, {"work_type": "fit_out", "temporary": "no", "investment": "400000", "area": "350"})
    assert outcome_of(response) == Outcome.PERMIT
    content = response.content.decode()
    assert response.context["investment_limit"] == format_yuan(Decimal("300000"))
    assert response.context["area_limit"] == format_area(Decimal("300"))
    assert response.context["investment_limit"] in content and response.context["area_limit"] in content
    assert 'href="https://zjj.xm.gov.cn/permits"' in content
    assert 'href="/register/"' not in main_of(content)  # the main menu always links it
    assert "0592-1234567" in content


def test_permit_outcome_without_a_link(client, portal_settings):
    portal_settings.permit_info_url = ""
    portal_settings.save()
    response = client.get(URL, {"work_type": "fit_out", "temporary": "no", "investment": "400000", "area": "350"})
    assert outcome_of(response) == Outcome.PERMIT
    assert b"zjj.xm.gov.cn" not in response.content


def test_staff_changing_the_threshold_changes_the_answer(client, portal_settings):
    answers = {"work_type": "fit_out", "temporary": "no", "investment": "400000", "area": "350"}
    assert outcome_of(client.get(URL, answers)) == Outcome.PERMIT
    portal_settings.threshold_investment_yuan = Decimal("1000000")
    portal_settings.save()
    assert outcome_of(client.get(URL, answers)) == Outcome.REGISTER


def test_temporary_outcome_links_the_rules(client, portal_settings):
    response = client.get(URL, {"work_type": "temporary", "temporary": "yes"})
    assert outcome_of(response) == Outcome.TEMPORARY
    assert b'href="https://zrzy.xm.gov.cn/temporary"' in response.content
    assert 'href="/register/"' not in main_of(response.content.decode())


def test_change_your_answers_keeps_them(client, portal_settings):
    answers = {"work_type": "fit_out", "temporary": "no", "investment": "12万", "area": "80"}
    change_url = client.get(URL, answers).context["change_url"]
    response = client.get(change_url)
    assert response.templates[0].name == "registration/scope_check.html"
    content = response.content.decode()
    assert re.search(r'<input type="radio"[^>]* name="work_type" value="fit_out"[^>]* checked>', content)
    assert 'value="12万"' in content and not response.context["form"].errors


def test_bad_input_shows_errors_and_keeps_the_input(client, portal_settings):
    response = client.get(URL, {"work_type": "building", "temporary": "no", "investment": "-5", "area": "abc"})
    assert response.status_code == 200
    assert response.templates[0].name == "registration/scope_check.html"
    content = response.content.decode()
    assert 'role="alert"' in content
    assert 'href="#id_investment"' in content and 'href="#id_area"' in content  # the summary links to the fields
    assert 'aria-describedby="id_investment_helptext id_investment_error"' in content
    assert 'id="id_investment_error"' in content and 'aria-invalid="true"' in content
    assert 'value="-5"' in content and 'value="abc"' in content


def test_radio_errors_are_tied_to_the_fieldset(client, portal_settings):
    content = client.get(URL, {"investment": "1"}).content.decode()
    assert '<fieldset aria-describedby="id_work_type_error">' in content
    assert 'href="#id_work_type_0"' in content and 'id="id_work_type_0"' in content
