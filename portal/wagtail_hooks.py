from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Community, Street


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
