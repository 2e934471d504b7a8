"""The officers' dashboard panels on the Wagtail home page."""

from django.forms import Media, Script
from django.urls import reverse
from wagtail.admin.ui.components import Component

from . import dashboard


class TodayPanel(Component):
    """What waits for the user today, in their streets."""

    name = "evaluation_today"
    order = 40
    template_name = "evaluation/panels/today.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {"figures": dashboard.today_figures(self.user), "evaluation_url": reverse("evaluation:figures")}


class ChartsPanel(Component):
    """The charts of a period the user picks (``?period=`` on the dashboard)."""

    name = "evaluation_charts"
    order = 60
    template_name = "evaluation/panels/charts.html"

    def __init__(self, request):
        self.user = request.user
        chosen = request.GET.get("period", "")
        self.period_name = chosen if chosen in dashboard.PERIODS else dashboard.DEFAULT_PERIOD

    @property
    def media(self):
        return Media(
            css={"all": ["evaluation/css/dashboard.css"]},
            # Deferred: Wagtail puts panel scripts in the head, before the panels they draw in.
            js=[
                Script("evaluation/vendor/chartjs/chart.umd.min.js", defer=True),
                Script("evaluation/js/charts.js", defer=True),
            ],
        )

    def get_context_data(self, parent_context):
        period = dashboard.dashboard_period(self.period_name)
        charts = dashboard.charts(self.user, period)
        return {
            "charts": charts,
            "chart_data": {chart.slug: chart.as_json() for chart in charts},
            "period": period,
            "period_name": self.period_name,
            "periods": dashboard.PERIODS.items(),
        }
