"""Values as staff read them, and the listing cell that shows them."""

import datetime
import zoneinfo

from django.utils import translation

from portal.display import EMPTY, ValueColumn, display_value


def test_values_read_as_staff_read_them():
    with translation.override("zh-hans"):
        assert str(display_value(True)) == "是" and str(display_value(False)) == "否"
    assert display_value(None) == display_value("") == EMPTY
    utc = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert display_value(utc) == "2026-03-01 09:30"  # Beijing time
    assert display_value(datetime.date(2027, 1, 2)) == "2027-01-02"


class Work:
    def __init__(self, **values):
        self.__dict__.update(values)


def test_a_cell_is_escaped_keeps_its_label_and_class():
    column = ValueColumn("address", label="详细地址", classname="works-col--desk")
    html = column.render_cell_html(Work(address='<b>"湖里"</b>'), {})
    assert html == ('<td class="works-col--desk" data-label="详细地址">&lt;b&gt;&quot;湖里&quot;&lt;/b&gt;</td>')
    assert ValueColumn("n", label="未整改隐患").render_cell_html(Work(n=None), {}) == (
        f'<td data-label="未整改隐患">{EMPTY}</td>'
    )
    assert ValueColumn("n", label="隐患").render_cell_html(Work(n=12345), {}) == '<td data-label="隐患">12345</td>'
