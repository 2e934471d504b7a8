"""Chinese-aware search on Wagtail's database backends.

SQLite FTS5 and PostgreSQL full-text search split text on spaces and
punctuation, so a run of Chinese characters becomes a single token and a
word inside it cannot be found ("施工" inside "建筑施工安全"). We index every
run of CJK characters as overlapping two-character tokens (bigrams) and turn
queries into the same tokens, so any word of two or more characters matches.
"""

import re

from wagtail.search import index

# CJK Unified Ideographs and Extension A, plus compatibility ideographs.
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")


def cjk_bigrams(text):
    """Return the text's CJK runs as space-separated bigrams; other words as they are.

    "建筑施工" -> "建筑 筑施 施工". A lone CJK character is kept as it is.
    """
    if not text:
        return ""
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group()
        if _CJK_RUN.fullmatch(word):
            if len(word) == 1:
                tokens.append(word)
            else:
                tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            tokens.append(word.lower())
    return " ".join(tokens)


class CJKSearchMixin:
    """Adds bigram copies of a page's title and body to its search index.

    A model using it defines ``search_body_text()`` returning its plain text.
    """

    cjk_search_fields = [
        index.SearchField("cjk_title", boost=3),
        index.SearchField("cjk_body"),
    ]

    def search_body_text(self):
        return ""

    def cjk_title(self):
        return cjk_bigrams(self.title)

    def cjk_body(self):
        return cjk_bigrams(self.search_body_text())
