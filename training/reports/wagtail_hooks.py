"""Wagtail hooks of the training reports: their admin URLs and their menu.

Imported by the last line of training/wagtail_hooks.py. The reports go
into the training menu group when it offers a submenu hook; otherwise
they get their own top-level menu, 培训统计. Each item shows only to the
users who may open its page.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from ..viewsets import TrainingGroup
from . import figures, views

app_name = "training_reports"

urlpatterns = [
    path("", views.PersonTimesView.as_view(), name="person_times"),
    path("absentees/", views.AbsenteesView.as_view(), name="absentees"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("trainees/", views.TraineeSearchView.as_view(), name="trainee_search"),
    path("trainees/<int:pk>/", views.TraineeHistoryView.as_view(), name="trainee_history"),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("training/reports/", include((urlpatterns, app_name), namespace=app_name))]


class ReportMenuItem(MenuItem):
    def __init__(self, label, url_name, shown_to, **kwargs):
        self.shown_to = shown_to
        super().__init__(label, reverse(f"{app_name}:{url_name}"), name=f"training-report-{url_name}", **kwargs)

    def is_shown(self, request):
        return self.shown_to(request.user)


MENU = [
    (_("Person-times"), "person_times", figures.can_view_reports, "table"),
    (_("Absentees"), "absentees", figures.can_view_reports, "warning"),
    (_("Compliance"), "compliance", figures.can_view_compliance, "calendar-check"),
    (_("Trainee history"), "trainee_search", figures.can_view_reports, "user"),
]
MENU_ORDER = 900  # after the group's own items


def menu_items():
    return [
        ReportMenuItem(label, url_name, shown_to, icon_name=icon, order=MENU_ORDER + index)
        for index, (label, url_name, shown_to, icon) in enumerate(MENU)
    ]


SUBMENU_HOOK = getattr(TrainingGroup, "submenu_hook", None)

if SUBMENU_HOOK:
    for _index in range(len(MENU)):
        hooks.register(SUBMENU_HOOK, lambda index=_index: menu_items()[index])
else:

    @hooks.register("register_admin_menu_item")
    def register_reports_menu():
        return SubmenuMenuItem(
            _("Training reports"),
            Menu(items=menu_items()),
            name="training-reports",
            icon_name="table",
            order=TrainingGroup.menu_order + 1,
        )
