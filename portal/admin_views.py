"""What the admin views of every app share."""

from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404


class ScopedObjectMixin:
    """How every single-object admin view (inspect, edit, delete, history,
    usage) finds its object: only among the rows ``scope(queryset, user)``
    lets through, so a row out of the user's scope answers 404.

    Only the object is scoped: a history or usage view's own listing (log
    entries, references) is left as Wagtail builds it. Set ``scope`` to a
    function, or override ``get_object_queryset``.
    """

    scope = None

    def get_object_queryset(self):
        return type(self).scope(self.model._default_manager.all(), self.request.user)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        return get_object_or_404(self.get_object_queryset(), pk=unquote(str(self.kwargs[self.pk_url_kwarg])))
