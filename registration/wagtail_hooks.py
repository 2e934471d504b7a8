from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .backoffice.ratings import RatingViewSet
from .backoffice.works_views import RegistrationViewSet, WorksSummaryPanel, download_attachment, hazard_photo
from .models import HighRiskOperation, WorkCategory


class WorkCategoryViewSet(SnippetViewSet):
    model = WorkCategory
    icon = "list-ul"
    menu_label = _("Work categories")
    list_display = ["name", "kind", "sort_order", "active"]
    list_filter = ["kind", "active"]
    ordering = ["kind", "sort_order"]


class HighRiskOperationViewSet(SnippetViewSet):
    model = HighRiskOperation
    icon = "warning"
    menu_label = _("High-risk operations")
    list_display = ["name", "code", "sort_order"]
    ordering = ["sort_order"]


class RegistrationSetupGroup(SnippetViewSetGroup):
    items = (WorkCategoryViewSet, HighRiskOperationViewSet)
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
