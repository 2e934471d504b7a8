"""The tokenizer, query preparation and snippets behind Chinese search (no database)."""

import pytest
from django.utils import translation

from portal.search import MAX_QUERY_LENGTH, cjk_bigrams, prepare_query, snippet


@pytest.mark.parametrize(
    "text, expected",
    [
        ("建筑施工安全管理规定", "建筑 筑施 施工 工安 安全 全管 管理 理规 规定"),
        ("施工", "施工"),
        ("电", "电"),
        ("", ""),
        (None, ""),
        # punctuation and spaces end a run: no bigram spans them
        ("高处坠落（高坠）事故", "高处 处坠 坠落 高坠 事故"),
        ("临时用电、消防", "临时 时用 用电 消防"),
        # letters and digits are separate, lowercased words
        ("GB 32100-2015", "gb 32100 2015"),
        ("GB32100", "gb 32100"),
        ("厦府办规〔2021〕14号", "厦府 府办 办规 2021 14 号"),
        # full-width letters, digits and spaces are folded to ASCII
        ("ＧＢ　３２１００", "gb 32100"),
        # compatibility ideographs are folded onto the unified ones (U+F9DC -> 隆)
        ("兴\uf9dc", "兴隆"),
    ],
)
def test_cjk_bigrams(text, expected):
    assert cjk_bigrams(text) == expected


def test_prepare_query_splits_mixed_queries_into_unique_tokens():
    assert prepare_query("空调 安装").tokens == ["空调", "安装"]
    assert prepare_query("高坠事故").tokens == ["高坠", "坠事", "事故"]
    assert prepare_query("GB 32100").tokens == ["gb", "32100"]
    assert prepare_query("安全安全").tokens == ["安全", "全安"]


def test_prepare_query_ignores_punctuation_and_full_width_spaces():
    query = prepare_query('  ，施工。\u3000安全！ "OR" * NEAR( ')
    assert query.tokens == ["施工", "安全", "or", "near"]
    assert query.text == '，施工。 安全！ "OR" * NEAR('
    assert not query.problem


@pytest.mark.parametrize("raw", ["安", " 安 ", "高 坠", "。"])
def test_prepare_query_without_a_searchable_word_explains_why(raw):
    query = prepare_query(raw)
    assert query.tokens == []
    with translation.override("en"):
        assert "two characters" in str(query.problem)


def test_prepare_query_drops_lone_characters_next_to_words():
    assert prepare_query("14号").tokens == ["14"]
    assert prepare_query("空调 的 安装").tokens == ["空调", "安装"]


def test_empty_query_is_not_a_problem():
    query = prepare_query("   ")
    assert (query.text, query.tokens, query.problem) == ("", [], "")


def test_overlong_query_is_truncated():
    query = prepare_query("施工安全" * 100)
    assert len(query.text) == MAX_QUERY_LENGTH
    assert query.tokens == ["施工", "工安", "安全", "全施"]


def as_marked(segments):
    return "".join(f"[{text}]" if is_match else text for text, is_match in segments)


def test_snippet_marks_every_match_around_the_first_one():
    text = "前言。" * 40 + "作业人员应防范高处坠落（高坠）事故，高坠是首要风险。" + "结尾。" * 40
    marked = as_marked(snippet(text, ["高坠"], length=40))
    assert marked.startswith("…") and marked.endswith("…")
    assert "（[高坠]）事故，[高坠]是" in marked
    assert len(marked.replace("[", "").replace("]", "")) == 40 + 2


def test_snippet_merges_overlapping_tokens_and_folds_case_and_width():
    assert as_marked(snippet("防范高坠事故", ["高坠", "坠事", "事故"])) == "防范[高坠事故]"
    assert as_marked(snippet("依据ＧＢ 32100-2015", ["gb", "32100"])) == "依据[ＧＢ] [32100]-2015"


def test_snippet_without_a_match_is_the_start_of_the_text():
    assert as_marked(snippet("甲" * 100, ["施工"], length=10)) == "甲" * 10 + "…"
    assert snippet("", ["施工"]) == []
    assert snippet(None, ["施工"]) == []


def test_snippet_is_plain_text():
    # entities left by strip_tags are decoded; escaping is the template's job
    assert as_marked(snippet("施工&amp;安全 &lt;b&gt;", ["施工"])) == "[施工]&安全 <b>"
