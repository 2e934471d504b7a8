import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import page_cache
from .admin_views import ListOnlyViewSetMixin
from .display import ValueColumn
from .exports import LocalSpreadsheetExportMixin
from .models import AuditAction, AuditEvent, Community, StaffProfile, Street


class StreetViewSet(SnippetViewSet):
    model = Street
    icon = "site"
    menu_label = _("Streets")
    list_display = ["name", "code", "sort_order"]
    search_fields = ["name", "code"]
    ordering = ["sort_order", "code"]


class CommunityViewSet(SnippetViewSet):
    model = Community
    icon = "group"
    menu_label = _("Communities")
    list_display = ["name", "street", "sort_order"]
    list_filter = ["street"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return Community.objects.select_related("street")


class ReferenceDataGroup(SnippetViewSetGroup):
    items = (StreetViewSet, CommunityViewSet)
    menu_icon = "site"
    menu_label = _("Streets and communities")
    menu_name = "reference-data"


register_snippet(ReferenceDataGroup)


@hooks.register("before_serve_page")
def allow_page_cache(page, request, serve_args, serve_kwargs):
    """Only Wagtail pages may be stored by the page cache (portal/page_cache.py)."""
    page_cache.allow(request, page)


def _street_names(profile):
    return "、".join(street.name for street in profile.streets.all())


class StaffProfileIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user").prefetch_related("streets")


class StaffProfileViewSet(ModelViewSet):
    """Which streets each member of staff works for (street-scoped roles see
    nothing until they have one)."""

    model = StaffProfile
    name = "staff_streets"
    icon = "user"
    menu_label = _("Staff streets")
    add_to_settings_menu = True
    menu_order = 610
    list_display = ["__str__", "user", Column("streets", label=_("streets"), accessor=_street_names), "phone"]
    list_filter = ["streets"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    search_backend_name = None
    ordering = ["user__username"]
    copy_view_enabled = False

    index_view_class = StaffProfileIndexView


@hooks.register("register_admin_viewset")
def register_staff_profiles():
    return StaffProfileViewSet()


# Wagtail's own admin strings that its Chinese catalogue lacks: listed here so
# that makemessages keeps them in portal's catalogue, which translates them.
WAGTAIL_CATALOGUE_GAPS = [
    _("Search all pages…"),
    _("Edit account avatar"),
    _("Actions (footer)"),
    _("Sort by '%(label)s' in ascending order."),
    _("Sort by '%(label)s' in descending order."),
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        1,
    ),
    ngettext_lazy(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
        1,
    ),
    ngettext_lazy(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
        1,
    ),
    ngettext_lazy(
        "This %(model_name)s is referenced %(usage_count)s time.",
        "This %(model_name)s is referenced %(usage_count)s times.",
        1,
    ),
]


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    from .two_factor import urlpatterns

    return urlpatterns


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditAction.choices)
    username = django_filters.CharFilter(label=_("login name"), lookup_expr="icontains")
    at = django_filters.DateFromToRangeFilter(label=_("time"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = []


class AuditIndexView(LocalSpreadsheetExportMixin, IndexView):
    page_title = _("Audit trail")
    export_sheet_title = _("Audit trail")
    list_export = ["at", "get_action_display", "username", "address", "what", "rows", "path"]
    export_headings = {"get_action_display": _("action")}


class AuditViewSet(ListOnlyViewSetMixin, ModelViewSet):
    """The audit trail, read only, for the district administrator (portal.view_auditevent)."""

    model = AuditEvent
    icon = "history"
    menu_label = _("Audit trail")
    menu_order = 900
    add_to_settings_menu = True
    index_view_class = AuditIndexView
    filterset_class = AuditFilterSet
    search_fields = ["username", "what", "address"]
    search_backend_name = None
    list_per_page = 100
    ordering = ["-at", "-pk"]
    list_display = [
        ValueColumn("at", label=_("time"), sort_key="at"),
        ValueColumn("action", label=_("action"), accessor="get_action_display"),
        ValueColumn("username", label=_("login name")),
        ValueColumn("address", label=_("client address")),
        ValueColumn("what", label=_("what")),
        ValueColumn("rows", label=_("rows")),
    ]


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditViewSet("audit")
