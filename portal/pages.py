"""What every public page shows around its content (the site, the menu, the
breadcrumbs, which sections are private), read once and kept in the cache
until the next purge (portal/page_cache.py), so that a page costs only the
queries of its own content."""

from django.db.models import Q
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

from .page_cache import cached, memoised


def _site_for(hostname, port):
    """The site with its root page, the specific page already fetched."""
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return False
    site.root_page.specific  # noqa: B018 - fetched now, kept with the site
    return site


def prime_site(request):
    """Give Wagtail the request's site (``Site.find_for_request``) from the cache."""
    if hasattr(request, "_wagtail_site"):
        return
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    site = cached(f"site:{hostname}:{port}", lambda: _site_for(hostname, port))
    if site is not False:
        request._wagtail_site = site


def restricted_sections():
    """(path, depth) of every page with a view restriction: it and its descendants are private."""
    return cached(
        "restrictions",
        lambda: sorted(set(PageViewRestriction.objects.values_list("page__path", "page__depth"))),
    )


def public(pages):
    """``pages.public()`` without its query: the restrictions come from the cache."""
    private = Q()
    for path, depth in restricted_sections():
        private |= Q(path__startswith=path, depth__gte=depth)
    return pages.exclude(private) if private else pages


def menu_pages(site):
    """The site root's live, public children marked 'show in menus'."""
    return cached(
        f"menu:{site.pk}",
        lambda: list(public(site.root_page.get_children().live().in_menu()).only("title", "url_path", "path", "depth")),
    )


def menu_links(request, site):
    """(address, title, url_path) of each menu page, as the menu links to them
    from this site: the same for every request to it, so kept in this
    process until the next purge, addresses and all."""
    return memoised(
        f"menu-links:{site.pk}",
        lambda: [(page.get_url(request), page.title, page.url_path) for page in menu_pages(site)],
    )


def ancestors(page):
    """The page's ancestors below the tree root, nearest last. Routing leaves
    each page its parent (``_cached_parent_obj``); else they are read once."""
    chain, current = [], page
    while current.depth > 2:
        current = getattr(current, "_cached_parent_obj", None)
        if current is None:
            break
        chain.append(current)
    else:
        return chain[::-1]
    return cached(
        f"ancestors:{page.path}",
        lambda: list(Page.objects.ancestor_of(page).filter(depth__gt=1).only("title", "url_path", "path", "depth")),
    )
