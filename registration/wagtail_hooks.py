from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.staff import in_group

from . import roles
from .backoffice.hazards import HazardViewSet
from .backoffice.history import register_work_actions
from .backoffice.incidents import IncidentViewSet
from .backoffice.ratings import RatingViewSet
from .backoffice.works_views import RegistrationViewSet, WorksSummaryPanel, download_attachment, hazard_photo
from .models import Checklist, HighRiskOperation, WorkCategory
from .reports.backoffice import ReportViewSet
from .reports.services import LOG_ACTIONS as REPORT_LOG_ACTIONS


class WorkCategoryViewSet(SnippetViewSet):
    model = WorkCategory
    icon = "list-ul"
    menu_label = _("Work categories")
    list_display = ["name", "kind", "inspection_interval_days", "sort_order", "active"]
    list_filter = ["kind", "active"]
    ordering = ["kind", "sort_order"]


class HighRiskOperationViewSet(SnippetViewSet):
    model = HighRiskOperation
    icon = "warning"
    menu_label = _("High-risk operations")
    list_display = ["name", "code", "inspection_interval_days", "sort_order"]
    ordering = ["sort_order"]


class ChecklistViewSet(SnippetViewSet):
    """The standard checklists inspectors fill in on site."""

    model = Checklist
    icon = "tasks"
    menu_label = _("Inspection checklists")
    list_display = ["name", "active", "sort_order"]
    list_filter = ["active"]
    ordering = ["sort_order", "pk"]


class RegistrationSetupGroup(SnippetViewSetGroup):
    items = (WorkCategoryViewSet, HighRiskOperationViewSet, ChecklistViewSet)
    menu_icon = "list-ul"
    menu_label = _("Registration lists")
    menu_name = "registration-lists"


register_snippet(RegistrationSetupGroup)


@hooks.register("register_admin_viewset")
def register_works_viewset():
    return RegistrationViewSet()


@hooks.register("register_admin_viewset")
def register_ratings_viewset():
    return RatingViewSet()


@hooks.register("register_admin_viewset")
def register_hazards_viewset():
    return HazardViewSet()


@hooks.register("register_admin_viewset")
def register_reports_viewset():
    return ReportViewSet()


@hooks.register("register_admin_viewset")
def register_incidents_viewset():
    return IncidentViewSet()


class GridWorkerMenuItem(MenuItem):
    def is_shown(self, request):
        return in_group(request.user, roles.GRID_WORKER)


@hooks.register("register_admin_menu_item")
def register_grid_worker_report_menu_item():
    return GridWorkerMenuItem(
        _("Report what you saw"), reverse("reports:new"), name="report-new", icon_name="warning", order=110
    )


@hooks.register("register_admin_menu_item")
def register_community_works_menu_item():
    return GridWorkerMenuItem(
        _("Works under way in my communities"),
        reverse("reports:community_works"),
        name="community-works",
        icon_name="site",
        order=115,
    )


@hooks.register("register_log_actions")
def register_report_log_actions(actions):
    register_work_actions(actions, REPORT_LOG_ACTIONS)


@hooks.register("register_admin_urls")
def register_attachment_download():
    return [
        path("works/attachment/<int:pk>/", download_attachment, name="registration_attachment"),
        path("works/hazard/<int:pk>/photo/<slug:which>/", hazard_photo, name="registration_hazard_photo"),
    ]


@hooks.register("insert_global_admin_css")
def backoffice_css():
    return format_html('<link rel="stylesheet" href="{}">', static("registration/css/backoffice.css"))


@hooks.register("construct_homepage_panels")
def add_works_summary(request, panels):
    if request.user.has_perm("registration.view_registration"):
        panels.append(WorksSummaryPanel(request.user))


# Back-office action views (review, inspections, enforcement, write-off) register their own hooks.
from .backoffice import hooks as backoffice_hooks  # noqa: E402,F401
