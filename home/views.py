from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page

from portal.search import cjk_bigrams


def search(request):
    """Site search over the live public pages, Chinese words included."""
    query = request.GET.get("q", "").strip()[:100]
    results_page = None
    if query:
        tokens = cjk_bigrams(query)
        results = Page.objects.live().public().specific().search(tokens, operator="and") if tokens else []
        results_page = Paginator(results, 10).get_page(request.GET.get("page"))
    return TemplateResponse(request, "home/search.html", {"query": query, "results_page": results_page})
