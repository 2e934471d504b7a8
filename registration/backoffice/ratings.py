"""The registrants' service ratings (好差评) in the back office: counted by
street and level over a chosen period, with each rating and its reason
below, for the user's own streets only."""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.admin_views import ListOnlyViewSetMixin, ScopedViewSetMixin
from portal.display import ValueColumn
from portal.exports import LocalSpreadsheetExportMixin

from ..aftercare import ratings_by_street
from ..models import Satisfaction, ServiceRating
from .permissions import scope_ratings, visible_streets


def _streets_for(request):
    return visible_streets(request.user)


class RatingFilterSet(WagtailFilterSet):
    street = django_filters.ModelChoiceFilter(
        label=_("street"), queryset=_streets_for, field_name="registration__street"
    )
    level = django_filters.ChoiceFilter(label=_("rating"), choices=Satisfaction.choices)
    rated_at = django_filters.DateFromToRangeFilter(label=_("rated at"), widget=DateRangePickerWidget)

    class Meta:
        model = ServiceRating
        fields = []


class RatingIndexView(LocalSpreadsheetExportMixin, generic.IndexView):
    page_title = _("Service ratings")
    results_template_name = "registration/admin/ratings_results.html"
    export_sheet_title = _("Service ratings")
    list_export = ["registration.reference", "registration.street.name", "get_level_display", "reason", "rated_at"]
    export_headings = {
        "registration.reference": _("reference number"),
        "registration.street.name": _("street"),
        "get_level_display": _("rating"),
    }

    def get_base_queryset(self):
        return scope_ratings(ServiceRating.objects.select_related("registration__street"), self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["by_street"] = ratings_by_street(self.filter_queryset(self.get_base_queryset()))
        context["levels"] = list(Satisfaction)
        return context


class RatingViewSet(ListOnlyViewSetMixin, ScopedViewSetMixin, ModelViewSet):
    """Read only: a rating is the registrant's, never edited by staff."""

    scope = staticmethod(scope_ratings)
    model = ServiceRating
    name = "service_ratings"
    icon = "pick"
    menu_label = _("Service ratings")
    menu_order = 155
    add_to_admin_menu = True
    index_view_class = RatingIndexView
    filterset_class = RatingFilterSet
    list_per_page = 50
    ordering = ["-rated_at", "-pk"]
    list_display = [
        TitleColumn(
            "registration",
            label=_("reference number"),
            accessor="registration.reference",
            get_url=lambda rating: reverse("works:inspect", args=[rating.registration_id]),
        ),
        ValueColumn("street", label=_("street"), accessor="registration.street.name"),
        ValueColumn("level", label=_("rating"), accessor="get_level_display", sort_key="level"),
        ValueColumn("reason", label=_("reason")),
        ValueColumn("rated_at", label=_("rated at"), sort_key="rated_at"),
    ]
    export_filename = "service-ratings"
