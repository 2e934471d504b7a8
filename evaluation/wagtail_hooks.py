from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import panels, views
from .access import can_view_figures

app_name = "evaluation"
urlpatterns = [path("", views.EvaluationView.as_view(), name="figures")]


@hooks.register("register_admin_urls")
def register_evaluation_urls():
    return [path("evaluation/", include((urlpatterns, app_name), namespace=app_name))]


class FiguresMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_figures(request.user)


@hooks.register("register_admin_menu_item")
def register_figures_menu_item():
    return FiguresMenuItem(
        _("Evaluation figures"), reverse("evaluation:figures"), name="evaluation", icon_name="table", order=140
    )


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, home_panels):
    if can_view_figures(request.user):
        home_panels.append(panels.TodayPanel(request.user))
        home_panels.append(panels.ChartsPanel(request))
