"""The evaluation page, its print view and XLSX, the dashboard panels and the
public counters: who may see them, bad input, street scoping, bounded queries."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluation import public
from evaluation.tests.test_figures import at, change, dated_work, hazard, inspection, people, scene  # noqa: F401
from portal.models import AuditAction, AuditEvent, Street
from registration import roles
from registration.models import Status
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, staff

pytestmark = pytest.mark.django_db

URL = reverse("evaluation:figures")
YEAR_2025 = {"date_from": "2025-01-01", "date_to": "2025-12-31"}


def body(response):
    return response.content.decode()


def test_the_page_opens_on_this_year_for_an_officer(client, people):
    client.force_login(people["officer_huli"])
    response = client.get(URL)
    assert response.status_code == 200
    text = body(response)
    assert "考核评估数据" in text and "上年同期" in text and "同比" in text
    assert f'value="{datetime.date.today().year}-01-01"' in text


def test_the_figures_of_a_chosen_period(client, people, scene):
    client.force_login(people["district"])
    text = body(client.get(URL, YEAR_2025))
    table = text[text.index('id="evaluation-table"') :]
    assert '<th scope="row">登记工程</th><td>4</td><td>1</td><td>+300.0%</td>' in table
    assert '<th scope="row">巡查覆盖率（%）</th><td>66.7%</td><td>100.0%</td><td>-33.3个百分点</td>' in table


@pytest.mark.parametrize("role", ["inspector", "grid", "editor"])
def test_other_roles_are_refused(client, role):
    group = {"inspector": roles.SAFETY_INSPECTOR, "grid": roles.GRID_WORKER, "editor": roles.CONTENT_EDITOR}[role]
    client.force_login(staff(role, group, HULI))
    response = client.get(URL)
    assert response.status_code == 403
    assert "只有街道纳管员和区级管理员可以查看考核评估数据" in body(response)


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": "2025-12-31", "date_to": "2025-01-01"}, "结束日期不能早于开始日期。"),
        ({"date_from": "2015-01-01", "date_to": "2025-12-31"}, "统计期间不能超过五年。"),
        ({"date_from": "2025-02-30", "date_to": "2025-12-31"}, "有效"),
        ({"date_from": "", "date_to": "2025-12-31"}, "必需字段"),
    ],
)
def test_bad_input_is_a_clear_error_and_no_figures(client, people, query, message):
    client.force_login(people["district"])
    response = client.get(URL, query)
    assert response.status_code == 400
    text = body(response)
    assert message in text and "未生成数据" in text
    assert 'id="evaluation-table"' not in text


def test_a_street_officer_cannot_ask_for_another_street(client, people, scene):
    client.force_login(people["officer_huli"])
    jiangtou = Street.objects.get(code=JIANGTOU)
    response = client.get(URL, {**YEAR_2025, "streets": [jiangtou.pk]})
    assert response.status_code == 400
    assert "江头街道" not in body(response).split('id="id_streets"')[1].split("</div>")[0]


def test_a_street_officer_sees_only_their_street(client, people, scene):
    client.force_login(people["officer_jiangtou"])
    text = body(client.get(URL, YEAR_2025))
    assert '<th scope="row">登记工程</th><td>1</td>' in text
    assert '<th scope="row">责令停工</th><td>1</td>' in text
    assert '<th scope="row">巡查次数</th><td>0</td>' in text


def test_the_xlsx_is_the_table_of_the_page_and_is_audited(client, people, scene):
    client.force_login(people["district"])
    response = client.get(URL, {**YEAR_2025, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("指标", "本期", "上年同期", "同比")
    assert ("登记工程", 4, 1, "+300.0%") in rows
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["统计期间"] == "2025-01-01 – 2025-12-31"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, user=people["district"]).exists()


def test_the_print_view_is_a_standalone_a4_page(client, people, scene):
    client.force_login(people["district"])
    response = client.get(URL, {**YEAR_2025, "print": "1"})
    text = body(response)
    assert response.status_code == 200
    assert "evaluation/css/print" in text and "data-print" in text
    assert "小散工程和零星作业安全生产纳管考核评估数据" in text
    assert "sidebar" not in text  # no admin chrome


def test_the_page_costs_the_same_queries_whatever_the_rows(client, people, scene):
    client.force_login(people["district"])
    client.get(URL, YEAR_2025)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, YEAR_2025).status_code == 200
        return len(queries)

    before = count()
    for month in range(1, 8):
        more = dated_work(HULI, at(month, 20))
        change(more, Status.UNDER_WAY, at(month, 21))
        hazard(inspection(more, people["inspector"], at(month, 22)), datetime.date(2025, month, 25))
    assert count() == before


# --- the dashboard -------------------------------------------------------------


def test_the_dashboard_shows_the_officers_panels(client, people, scene):
    client.force_login(people["officer_huli"])
    text = body(client.get(reverse("wagtailadmin_home")))
    assert "今日辖区概况" in text and "辖区趋势" in text
    assert "evaluation/vendor/chartjs/chart.umd.min.js" in text
    assert 'id="evaluation-chart-data"' in text
    for title in (
        "每月登记工程（按类型）",
        "每月巡查次数",
        "每月发现和整改隐患",
        "各岗位培训人次",
        "每年安全事件（按类型）",
    ):
        assert title in text


def test_the_dashboard_period_changes_the_charts(client, people, scene):
    client.force_login(people["district"])
    default = body(client.get(reverse("wagtailadmin_home")))
    two_years = body(client.get(reverse("wagtailadmin_home"), {"period": "24m"}))
    assert default.count('<th scope="row">20') < two_years.count('<th scope="row">20')
    assert '<option value="24m" selected>' in two_years
    # an unknown period falls back to the default
    assert '<option value="12m" selected>' in body(client.get(reverse("wagtailadmin_home"), {"period": "x"}))


def test_inspectors_get_no_figures_panels(client, people):
    client.force_login(people["inspector"])
    text = body(client.get(reverse("wagtailadmin_home")))
    assert "今日辖区概况" not in text and "辖区趋势" not in text


def test_the_dashboard_is_scoped_to_the_street(client, people, scene):
    from evaluation.dashboard import today_figures

    huli = dict(today_figures(people["officer_huli"]))
    jiangtou = dict(today_figures(people["officer_jiangtou"]))
    assert huli["在施工程"] == 1 and jiangtou["在施工程"] == 0  # the 江头 work is stopped
    assert huli["未整改隐患"] == 1 and jiangtou["未整改隐患"] == 0


def test_the_dashboard_costs_the_same_queries_whatever_the_rows(client, people, scene):
    client.force_login(people["district"])
    client.get(reverse("wagtailadmin_home"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("wagtailadmin_home"), {"period": "24m"})
        return len(queries)

    before = count()
    today = datetime.date.today()
    for offset in range(1, 8):
        day = today - datetime.timedelta(days=30 * offset)
        more = dated_work(HULI, at(day.month, day.day, year=day.year))
        inspection(more, people["inspector"], at(day.month, day.day, year=day.year, hour=15))
    assert count() == before


# --- the public counters ---------------------------------------------------------


def test_the_home_page_shows_the_counters_and_caches_them(client, people, scene, home_page):
    cache.clear()
    text = body(client.get("/"))
    assert "纳管工作数据" in text
    counters = public.count_now()
    assert counters["works"] == 5 and counters["inspections"] == 6 and counters["person_times"] == 6
    assert counters["hazards_rectified"] == 3
    assert f"<dt>登记工程</dt><dd>{counters['works']}</dd>" in text
    # a new work does not show until the hour is up
    dated_work(HULI, at(1, 1, year=2026))
    assert f"<dt>登记工程</dt><dd>{counters['works']}</dd>" in body(client.get("/"))
    cache.delete(public.CACHE_KEY)
    assert f"<dt>登记工程</dt><dd>{counters['works'] + 1}</dd>" in body(client.get("/"))


def test_the_counters_are_cached_for_an_hour_and_hold_no_personal_data(people, scene):
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        values = public.counters()
    with CaptureQueriesContext(connection) as second:
        assert public.counters() == values
    assert len(first) == 4 and len(second) == 0
    assert set(values) == {"works", "inspections", "hazards_rectified", "person_times", "counted_at"}
    assert public.REFRESH_SECONDS <= 3600
