"""The street officer's list of hazards to follow up: open, due soon or
overdue, for their own streets only, with the export."""

import datetime

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.admin_views import ListOnlyViewSetMixin, ScopedViewSetMixin
from portal.display import ValueColumn
from portal.exports import LocalSpreadsheetExportMixin

from ..field.round import DUE_SOON_DAYS
from ..models import Hazard, HazardCategory
from .permissions import scope_hazards
from .ratings import RatingFilterSet

STATES = [
    ("overdue", _("Past the deadline")),
    ("due_soon", _("Due within 2 days")),
    ("open", _("All open")),
]


class HazardFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=STATES, method="filter_state", empty_label=None)
    street = RatingFilterSet.base_filters["street"]
    category = django_filters.ChoiceFilter(label=_("category"), choices=HazardCategory.choices)

    class Meta:
        model = Hazard
        fields = []

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "due_soon":
            return queryset.open().filter(
                deadline__gte=today, deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
            )
        return queryset.open()


class HazardIndexView(LocalSpreadsheetExportMixin, generic.IndexView):
    page_title = _("Hazards to follow up")
    export_sheet_title = _("Hazards to follow up")
    list_export = [
        "registration.reference",
        "registration.street.name",
        "registration.address",
        "get_category_display",
        "description",
        "deadline",
        "reminded_at",
        "overdue_notified_at",
    ]
    export_headings = {
        "registration.reference": _("reference number"),
        "registration.street.name": _("street"),
        "registration.address": _("address"),
        "get_category_display": _("category"),
        "reminded_at": _("reminder sent"),
        "overdue_notified_at": _("overdue notice sent"),
    }

    def get_base_queryset(self):
        queryset = scope_hazards(Hazard.objects.open().select_related("registration__street"), self.request.user)
        if "state" not in self.request.GET:  # the list opens on what is overdue
            queryset = queryset.overdue()
        return queryset


class HazardViewSet(ListOnlyViewSetMixin, ScopedViewSetMixin, ModelViewSet):
    scope = staticmethod(scope_hazards)
    model = Hazard
    name = "hazards"
    icon = "warning"
    menu_label = _("Hazards to follow up")
    menu_order = 125
    add_to_admin_menu = True
    index_view_class = HazardIndexView
    filterset_class = HazardFilterSet
    list_per_page = 50
    ordering = ["deadline", "pk"]
    list_display = [
        TitleColumn(
            "registration",
            label=_("reference number"),
            accessor="registration.reference",
            get_url=lambda hazard: reverse("works:inspect", args=[hazard.registration_id]) + f"#hazard-{hazard.pk}",
        ),
        ValueColumn("street", label=_("street"), accessor="registration.street.name"),
        ValueColumn("address", label=_("address"), accessor="registration.address"),
        ValueColumn("category", label=_("category"), accessor="get_category_display"),
        ValueColumn("description", label=_("description")),
        ValueColumn("deadline", label=_("rectify by"), sort_key="deadline"),
    ]
    export_filename = "hazards"
