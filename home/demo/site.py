"""Helpers for the idempotent demo loader: find-or-create, never overwrite.

Running the loader twice must change nothing, so every helper returns the
existing object when it is already there and leaves it exactly as it is.
"""

from wagtail.models import Page, Site

from home.models import HomePage

HOME_TITLE = "湖里区小散工程和零星作业安全生产纳管"


def ensure_home_page():
    """Put a HomePage at the root of the default site, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="huli"))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=HOME_TITLE)
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.save()
        if old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
    return home


def ensure_child(parent, page_class, slug, **fields):
    """Return the live child with this slug, creating and publishing it if missing."""
    existing = page_class.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page_class.objects.get(pk=page.pk), True
