"""Chinese-aware search on Wagtail's database backends (SQLite FTS5, PostgreSQL).

Both backends split text on spaces and punctuation, so a run of Chinese
characters becomes one token and a word inside it cannot be found ("施工"
inside "建筑施工安全"). We index every run of CJK characters as overlapping
two-character tokens (bigrams) and turn queries into the same tokens, so any
word of two or more characters matches. bench/README.md has the measurements
behind this choice (against the plain backend and against jieba).

Ranking: Wagtail's SQLite backend scores with an unweighted bm25() over all
columns, so a title match does not outrank a body match there (PostgreSQL
does weight them). ``ranked_ids`` therefore puts pages whose *title* holds
more of the query's tokens first, on both databases, and keeps the backend's
relevance order within each group.

On PostgreSQL the same tokens are also kept in a GIN-indexed tsvector
(portal/search_backend.py), and ``ranked_ids`` matches and ranks there in
one query instead of through Wagtail's query, which read the whole index.

The registration back office reuses ``prepare_query``/``ranked_ids``/``snippet``
for works, so nothing here is specific to pages except ``page_results``.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from html import unescape

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index
from wagtail.search.backends import get_search_backend

# Longest query we accept; longer input is cut (the form's maxlength says the same).
MAX_QUERY_LENGTH = 100
# Characters shown around the first match in a result snippet.
SNIPPET_LENGTH = 90

# CJK Unified Ideographs, Extension A and Extensions B-H (NFKC maps the
# compatibility ideographs onto these).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A token source: a run of CJK characters, of letters or of digits. Splitting
# letters from digits makes "GB32100" and "GB 32100" the same two tokens.
_WORD = re.compile(f"[{_CJK}]+|[^\\W\\d_{_CJK}]+|\\d+")


def _normalise(text):
    """NFKC folds full-width letters, digits and spaces (ＧＢ３２１００) to ASCII."""
    return unicodedata.normalize("NFKC", text or "")


def _tokens(text):
    for match in _WORD.finditer(_normalise(text)):
        word = match.group()
        if _CJK_RUN.fullmatch(word) and len(word) > 1:
            yield from (word[i : i + 2] for i in range(len(word) - 1))
        else:
            yield word.lower()


def cjk_bigrams(text):
    """Return the text as space-separated index tokens: CJK runs as bigrams, other words lowercased.

    "建筑施工 GB32100" -> "建筑 筑施 施工 gb 32100". A lone CJK character is kept
    as it is. Used for both the indexed text and the query, so they always agree.
    """
    return " ".join(_tokens(text))


@dataclass
class PreparedQuery:
    """A visitor's query: the text to show back, the tokens to search, or why not."""

    text: str = ""
    tokens: list = field(default_factory=list)
    problem: str = ""


def prepare_query(raw):
    """Clean a raw query string into search tokens.

    The query is cut to MAX_QUERY_LENGTH characters. Lone CJK characters are
    dropped: the index holds bigrams, and a single character (安, 工) occurs in
    nearly every page, so it would match either nothing or everything. A query
    made only of lone characters gets a message asking for a longer word.
    """
    text = " ".join((raw or "").split())[:MAX_QUERY_LENGTH]
    tokens = []
    for token in _tokens(text):
        if _CJK_RUN.fullmatch(token) and len(token) == 1:
            continue
        if token not in tokens:
            tokens.append(token)
    problem = ""
    if text and not tokens:
        problem = _("Please enter a word of at least two characters, for example 施工.")
    return PreparedQuery(text=text, tokens=tokens, problem=problem)


def ranked_ids(queryset, tokens, title_field="title"):
    """Primary keys of the objects matching all tokens, best first.

    Objects whose title holds more of the query's tokens come first; within
    that, the backend's relevance order. One query. On PostgreSQL the backend
    (portal/search_backend.py) matches and ranks in SQL through a GIN index.
    Elsewhere the hit list is ranked in Python; SQLite's backend scores
    relevance with a subquery per hit, which suits a portal's few hundred
    pages (bench: 7 ms at 400 pages, 75 ms at 2,000).
    """
    if not tokens:
        return []
    backend = get_search_backend()
    if hasattr(backend, "ranked_ids"):  # PostgreSQL: portal/search_backend.py
        ids = backend.ranked_ids(queryset, tokens)
        if ids is not None:
            return ids
    return backend_ranked_ids(queryset, tokens, title_field)


def backend_ranked_ids(queryset, tokens, title_field="title"):
    """``ranked_ids`` through the search backend's own query (SQLite, or Elasticsearch/OpenSearch)."""
    hits = queryset.only("pk", title_field).search(" ".join(tokens), operator="and")
    wanted = set(tokens)

    def title_first(item):
        position, obj = item
        return (-len(wanted.intersection(_tokens(getattr(obj, title_field)))), position)

    return [obj.pk for _, obj in sorted(enumerate(hits), key=title_first)]


def snippet(text, tokens, length=SNIPPET_LENGTH):
    """A short plain-text excerpt around the first match, as (text, is_match) segments.

    The template escapes each segment and wraps matches in <mark>. Without a
    match the excerpt is the start of the text; without text it is empty.
    """
    text = " ".join(unescape(text or "").split())
    if not text:
        return []
    # A length-preserving fold, so positions found in it are positions in text.
    folded = "".join(_fold(char) for char in text)
    hits = [False] * len(text)
    first = len(text)
    for token in tokens:
        start = folded.find(token)
        if start != -1:
            first = min(first, start)
        while start != -1:
            hits[start : start + len(token)] = [True] * len(token)
            start = folded.find(token, start + 1)
    begin = 0 if first == len(text) else max(0, first - length // 4)
    end = min(len(text), begin + length)
    segments = []
    for i in range(begin, end):
        if segments and segments[-1][1] == hits[i]:
            segments[-1][0] += text[i]
        else:
            segments.append([text[i], hits[i]])
    if begin > 0:
        segments.insert(0, ["…", False])
    if end < len(text):
        segments.append(["…", False])
    return [tuple(segment) for segment in segments]


def _fold(char):
    folded = _normalise(char).lower()
    return folded if len(folded) == 1 else char


@dataclass
class PageResult:
    page: Page
    snippet: list


def page_results(ids, tokens):
    """The specific pages for these ids, in this order, each with a snippet.

    A fixed number of queries, whatever the number of ids: one for the pages'
    types, then one per page type.
    """
    pages = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    results = []
    for pk in ids:
        page = pages.get(pk)
        if page is None:
            continue
        body = page.search_body_text() if hasattr(page, "search_body_text") else ""
        results.append(PageResult(page, snippet(body or page.search_description, tokens)))
    return results


class CJKSearchMixin:
    """Adds bigram copies of a page's title and body to its search index.

    A model using it adds ``CJKSearchMixin.cjk_search_fields`` to its
    ``search_fields`` and defines ``search_body_text()`` returning its plain text.
    ``cjk_title`` has the highest boost, which PostgreSQL turns into a heavier
    tsvector weight; ``ranked_ids`` puts title matches first on both databases.
    """

    cjk_search_fields = [
        index.SearchField("cjk_title", boost=3),
        index.SearchField("cjk_body"),
    ]

    def search_body_text(self):
        """Plain text of the page for the index; by default its ``intro`` rich text, if any."""
        return get_text_for_indexing(getattr(self, "intro", "") or "")

    def cjk_title(self):
        return cjk_bigrams(self.title)

    def cjk_body(self):
        return cjk_bigrams(self.search_body_text())
