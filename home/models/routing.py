"""Routing to the children of an index page in one query."""

from wagtail.models import Page


class ChildRouteMixin:
    """For an index whose children are all of one page type: find a child with
    its own fields (and what ``child_route_queryset`` joins) in one query,
    instead of Wagtail's two (the page, then its specific fields)."""

    child_model: type[Page]

    def child_route_queryset(self):
        return self.child_model.objects.child_of(self)

    def route(self, request, path_components):
        if path_components:
            slug, *remaining = path_components
            child = self.child_route_queryset().filter(slug=slug).first()
            if child is not None:
                child._cached_parent_obj = self  # get_parent() and the breadcrumbs need no query
                return child.route(request, remaining)
        # This page itself, or a child of another type or none: Wagtail's own routing.
        return super().route(request, path_components)
