from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page, Site

from portal.search import page_results, prepare_query, ranked_ids

RESULTS_PER_PAGE = 10


def search(request):
    """Site search over the live, public pages of this site, Chinese words included."""
    query = prepare_query(request.GET.get("q", ""))
    results_page = None
    if query.tokens:
        pages = Page.objects.live().public()
        site = Site.find_for_request(request)
        if site is not None:
            pages = pages.in_site(site)
        results_page = Paginator(ranked_ids(pages, query.tokens), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        results_page.object_list = page_results(results_page.object_list, query.tokens)
    return TemplateResponse(
        request,
        "home/search.html",
        {
            "query": query.text,
            "searched": bool(query.tokens),
            "search_problem": query.problem,
            "results_page": results_page,
        },
    )
