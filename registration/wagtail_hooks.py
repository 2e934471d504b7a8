from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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

# Back-office action views (review, inspections, enforcement, write-off) register their own hooks.
from . import backoffice_hooks  # noqa: E402,F401
