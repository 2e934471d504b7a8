"""What the admin views of every app share: finding one object only among
the rows the user may see, for every single-object view of a viewset."""

from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView


class ScopedObjectMixin:
    """How a single-object admin view (inspect, edit, delete, history,
    usage) finds its object: only among the rows ``scope(queryset, user)``
    lets through, so a row out of the user's scope answers 404.

    Only the object is scoped: a history or usage view's own listing (log
    entries, references) is left as Wagtail builds it.
    """

    scope = None

    def get_object_queryset(self):
        # Through the class, so a plain function set as ``scope`` is not bound as a method.
        return type(self).scope(self.model._default_manager.all(), self.request.user)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        return get_object_or_404(self.get_object_queryset(), pk=unquote(str(self.kwargs[self.pk_url_kwarg])))


SINGLE_OBJECT_VIEWS = (generic.InspectView, generic.EditView, generic.DeleteView, HistoryView, UsageView)
_scoped_classes = {}


def scoped_view_class(view_class, scope):
    """``view_class`` with ScopedObjectMixin in front, made once per (class, scope)."""
    key = (view_class, scope)
    if key not in _scoped_classes:
        bases = (view_class,) if issubclass(view_class, ScopedObjectMixin) else (ScopedObjectMixin, view_class)
        _scoped_classes[key] = type(view_class.__name__, bases, {"scope": staticmethod(scope)})
    return _scoped_classes[key]


class ScopedViewSetMixin:
    """For a ModelViewSet or SnippetViewSet: every view that opens one object
    (SINGLE_OBJECT_VIEWS and their subclasses) finds it through the viewset's
    ``scope(queryset, user)``, so no view of the viewset can open a row the
    listing would not show. The listing scopes itself (get_base_queryset)."""

    scope = None
    # Optional: a wider scope for the inspect view (e.g. sessions one may see but not edit).
    inspect_scope = None

    def construct_view(self, view_class, **kwargs):
        if issubclass(view_class, SINGLE_OBJECT_VIEWS):
            scope = type(self).scope
            if issubclass(view_class, generic.InspectView) and type(self).inspect_scope:
                scope = type(self).inspect_scope
            view_class = scoped_view_class(view_class, scope)
        return super().construct_view(view_class, **kwargs)


def refusal(request, title, message, status=403, back_url=None, back_label=""):
    """A refusal page in the admin's frame, for every app. Raising
    PermissionDenied would not do: Wagtail turns it into a redirect to the
    dashboard, which hides the refusal from people, scripts and tests."""
    return TemplateResponse(
        request,
        "portal/admin/refusal.html",
        {
            "page_title": title,
            "header_title": title,
            "message": message,
            "back_url": back_url,
            "back_label": back_label,
        },
        status=status,
    )


def forbidden(request, message):
    """403: the user's role does not allow this; ``message`` says who may."""
    return refusal(request, gettext("Not allowed"), message, 403)


class ListOnlyViewSetMixin:
    """For a ModelViewSet of records nobody edits in the admin (ratings, the
    audit trail): only the list, its filters and its export."""

    copy_view_enabled = False
    inspect_view_enabled = False

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**kwargs) | {"add_url_name": None, "edit_url_name": None}

    def get_urlpatterns(self):
        from django.urls import path

        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def register_admin_url_finder(self):
        """No edit view to find: another object's usage page lists these rows unlinked."""
