"""The roster admin built from Wagtail's generic views (培训管理 › 培训名单).

Every view narrows its queryset through permissions.py, so a row the user
may not see is neither listed nor exported, and opening it answers 404: a
street officer sees only their streets' trainees (read-only).
"""

import django_filters
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from portal.admin_views import ScopedViewSetMixin
from portal.display import ValueColumn
from portal.exports import LocalSpreadsheetExportMixin
from portal.models import Community, Street

from ..models import Attendance, Trainee, TraineeRole
from ..permissions import visible_street_ids, visible_trainees
from .forms import COLUMN_LABELS, TraineeAdminForm


def _streets_for(request):
    ids = visible_street_ids(request.user)
    return Street.objects.all() if ids is None else Street.objects.filter(pk__in=ids)


def _communities_for(request):
    return Community.objects.filter(street__in=_streets_for(request)).select_related("street")


# --- the roster --------------------------------------------------------------


class TraineeFilterSet(WagtailFilterSet):
    role = django_filters.ChoiceFilter(label=_("role"), choices=TraineeRole.choices)
    street = django_filters.ModelChoiceFilter(label=_("street"), queryset=_streets_for)
    community = django_filters.ModelChoiceFilter(label=_("community"), queryset=_communities_for)
    active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Trainee
        fields = []


def yes_no(value):
    return gettext("Yes") if value else gettext("No")


class TraineeIndexView(LocalSpreadsheetExportMixin, generic.IndexView):
    # The export uses the import template's headings, so both sheets read the same.
    custom_field_preprocess = {"active": {"csv": yes_no, "xlsx": yes_no}}

    def get_base_queryset(self):
        return visible_trainees(super().get_base_queryset(), self.request.user).select_related("street", "community")

    def get_filename(self):
        return f"trainees-{timezone.localdate():%Y%m%d}"

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("training.add_trainee"):
            buttons = [
                *buttons,
                HeaderButton(_("Import from a sheet"), url=reverse("training:import"), icon_name="upload"),
            ]
        return buttons


class TraineeDeleteView(generic.DeleteView):
    """A trainee with attendance records is kept for the reports: the view
    says so and suggests marking them inactive instead."""

    def post(self, request, *args, **kwargs):
        if Attendance.objects.filter(trainee=self.object).exists():
            messages.error(
                request,
                gettext("%(name)s has attendance records, which the reports need. Untick “active” instead of deleting.")
                % {"name": self.object.name},
            )
            return redirect(reverse("trainees:edit", args=[self.object.pk]))
        return super().post(request, *args, **kwargs)


class TraineeViewSet(ScopedViewSetMixin, ModelViewSet):
    """The roster. Every view that opens one trainee finds them only among
    those the user may see (permissions.visible_trainees)."""

    scope = staticmethod(visible_trainees)
    model = Trainee
    name = "trainees"
    url_prefix = "training/trainees"
    icon = "user"
    menu_label = _("Roster")
    menu_order = 200
    index_view_class = TraineeIndexView
    delete_view_class = TraineeDeleteView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = TraineeFilterSet
    search_fields = ["name", "mobile", "organisation"]
    search_backend_name = None
    ordering = ["street__sort_order", "name", "pk"]
    list_per_page = 50
    list_display = [
        "name",
        "role",
        Column("street", label=_("street"), accessor="street.name", sort_key="street__sort_order"),
        Column("community", label=_("community"), accessor="community_name"),
        "organisation",
        "mobile",
        ValueColumn("active", label=_("active")),
    ]
    list_export = [
        "name",
        "get_role_display",
        "street.name",
        "community_name",
        "organisation",
        "mobile",
        "active",
        "created_at",
    ]
    export_headings = {
        "name": COLUMN_LABELS["name"],
        "get_role_display": COLUMN_LABELS["role"],
        "street.name": COLUMN_LABELS["street"],
        "community_name": COLUMN_LABELS["community"],
        "organisation": COLUMN_LABELS["organisation"],
        "mobile": COLUMN_LABELS["mobile"],
    }
    export_filename = "trainees"
    edit_handler = ObjectList(Trainee.panels, base_form_class=TraineeAdminForm)
