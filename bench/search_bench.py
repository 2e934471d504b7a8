"""Chinese site search: bigrams against the plain backend and jieba, measured.

    .venv/bin/python bench/search_bench.py [-v] [--pages=400] [--site-only]   # SQLite (scratch file under /tmp)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huli_search_dev \\
        .venv/bin/python bench/search_bench.py --pages=10000 --site-only      # PostgreSQL (a throwaway test_ database)

Builds a few hundred Chinese pages from domain-like sentences, then for each
way of indexing measures the index rebuild time, the index size, the query
latency (median and p95) and recall/precision on a labelled set of queries.
jieba is optional (`pip install jieba` into .venv); without it that row is skipped.
On PostgreSQL the site matches a GIN-indexed tsvector (portal/search_backend.py);
the row "Wagtail's query (before)" times the backend's own query it replaced.
``--site-only`` times only the site's way (and the whole /search/ page), which
is what a run at 10,000 pages is for.

Every sentence below is written with its word boundaries marked by "|". A
query word is *relevant* to a page when it is one or more whole consecutive
words of one of its sentences: 施工 is in 施工|单位 but not in 设施|工程 or
实施|工作, and 高坠 is not in 高处|坠落. That is the ground truth the
approaches are scored against; bench/README.md has the results.
"""

import os
import random
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

PAGES = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--pages=")), 400)
SEED = 20240501
REPEATS = 10
SQLITE_FILE = "/tmp/huli_search_bench.sqlite3"
VERBOSE = "-v" in sys.argv
SITE_ONLY = "--site-only" in sys.argv
SITE = "bigram + title first (the site)"

SENTENCES = """
限额|以下|的|小型|工程|和|零星|作业|都|要|纳入|安全|生产|管理|。
小散|工程|开工|前|，|建设|单位|或|施工|单位|应当|在|平台|上|登记|。
物业|服务|企业|可以|代|业主|登记|小区|内|的|装修|工程|。
专职|安全员|每周|到|现场|巡查|，|发现|隐患|当场|提醒|整改|。
社区|网格员|负责|带路|和|吹哨|，|不|承担|专业|检查|。
安装|空调|外机|必须|系|好|安全带|，|严禁|探身|作业|。
空调|外机|的|安装|、|维修|和|拆除|属于|零星|作业|。
近年|零星|作业|高坠|事故|有所|上升|，|需要|重点|防范|。
高处|坠落|是|小散|工程|最|常见|的|事故|类型|。
作业|人员|在|两米|以上|高处|作业|时|应当|使用|安全带|。
临时|用电|必须|由|持证|电工|接线|，|不得|私拉|乱接|电线|。
手持|用电|工具|应当|装|漏电|保护器|，|防止|触电|。
电焊|作业|前|要|清理|周围|可燃物|，|配备|灭火器|，|做好|消防|准备|。
拆除|作业|应当|自上而下|进行|，|防止|墙体|坍塌|。
搭设|脚手架|前|应当|检查|扣件|和|钢管|，|验收|合格|后|方可|使用|。
脚手架|上|的|杂物|要|及时|清理|，|防止|物体|打击|。
有限|空间|作业|前|必须|通风|检测|，|防止|中毒|和|窒息|。
防盗网|和|雨棚|的|安装|应当|牢固|，|台风|前|要|加固|。
太阳能|热水器|安装|在|屋面|时|，|作业|人员|要|做好|防护|。
工程|完工|后|，|建设|单位|应当|及时|申请|完工|核销|。
未|登记|擅自|开工|的|，|由|执法|部门|依法|处置|。
街道|应当|落实|监管|责任|，|组织|日常|巡查|。
区|住建局|负责|统筹|全区|小散|工程|纳管|工作|。
市政|基础|设施|工程|的|养护|也|要|遵守|本|规定|。
各|街道|要|结合|实际|实施|工作|方案|，|明确|分工|。
采取|有效|措施|工作|到位|，|确保|不|发生|事故|。
工程|投资额|在|三十万元|以下|或者|建筑|面积|在|三百|平方米|以下|的|，|可以|不|办理|施工|许可证|。
统一|社会|信用|代码|应当|符合|GB|32100|-|2015|的|规定|。
登记|回执|应当|张贴|在|施工|现场|醒目|位置|。
群众|发现|违规|作业|可以|拨打|服务|热线|反映|。
住宅|室内|装修|不得|擅自|改动|承重|结构|。
非|住宅|装修|工程|由|业主|承担|安全|生产|主体|责任|。
园区|、|学校|和|医院|内|的|工程|，|建设|单位|应当|主动|配合|巡查|。
鼓励|施工|单位|购买|安全|生产|责任险|。
纳管|工作|实行|信息|登记|、|日常|巡查|、|执法|处置|、|完工|核销|四个|环节|。
培训|内容|包括|隐患|识别|、|高坠|和|触电|事故|防范|。
吊装|作业|时|，|吊物|下方|严禁|站人|。
外墙|清洗|和|粉刷|属于|高处|作业|，|要|使用|合格|吊篮|。
管道|开挖|前|要|查明|地下|管线|，|防止|挖断|电缆|。
""".strip().splitlines()

TITLES = """
关于|加强|小散|工程|安全|管理|的|通知
空调|安装|维修|高处|作业|安全|提示
零星|作业|高坠|事故|警示
临时|用电|安全|须知
脚手架|搭设|和|拆除|要点
台风|季节|施工|安全|提示
小散|工程|纳管|须知
专职|安全员|巡查|工作|指引
拆除|工程|防|坍塌|提示
有限|空间|作业|防|中毒|须知
电焊|作业|消防|安全|提示
市政|基础|设施|养护|安全|要求
完工|核销|办理|指南
网格员|吹哨|工作|办法
""".strip().splitlines()

QUERIES = [
    "施工",
    "高坠",
    "空调",
    "安装",
    "临时用电",
    "纳管",
    "小散工程",
    "零星作业",
    "防盗网",
    "专职安全员",
    "网格员",
    "触电",
    "消防",
    "坍塌",
    "登记",
    "核销",
    "巡查",
    "安全带",
    "脚手架",
    "热水器",
    "雨棚",
    "电工",
    "实施",
    "设施",
    "工程",
    "事故",
    "空调 安装",
    "高坠事故",
    "GB 32100",
    "施工 许可证",
    "物体打击",
    "安全生产",
]


def words(line):
    return line.split("|")


def text_of(segmented):
    return "".join(words(segmented))


def contains_word(segmented, word):
    """Is ``word`` one or more whole consecutive words of this sentence?"""
    parts = words(segmented)
    for i in range(len(parts)):
        joined = ""
        for part in parts[i:]:
            joined += part
            if joined == word:
                return True
            if len(joined) >= len(word):
                break
    return False


def relevant(page_sentences, query):
    return all(
        any(contains_word(sentence, word) for sentence in page_sentences)
        for word in unicodedata.normalize("NFKC", query).split()
    )


def build_corpus():
    rng = random.Random(SEED)
    corpus = []
    for n in range(PAGES):
        title = rng.choice(TITLES)
        body = rng.sample(SENTENCES, rng.randint(3, 8))
        corpus.append({"title": title, "body": body, "slug": f"bench-{n}"})
    return corpus


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from wagtail.models import Page
    from wagtail.rich_text import RichText
    from wagtail.search import index
    from wagtail.search.models import IndexEntry

    import portal.search as cjk
    from home.demo.site import ensure_home_page
    from home.models import StandardPage

    try:
        import jieba
    except ImportError:
        jieba = None
    else:
        import logging

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()

    vendor = connection.vendor
    # Its own throwaway database: a file for SQLite (so its size can be read), and a
    # name that no test run uses for PostgreSQL (autoclobber would drop it).
    test_name = SQLITE_FILE if vendor == "sqlite" else f"test_{connection.settings_dict['NAME']}_search_bench"
    connection.settings_dict["TEST"]["NAME"] = test_name
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    # Pages are created without indexing; each approach then rebuilds the index.
    backends = {"default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "AUTO_UPDATE": False}}
    no_auto_update = override_settings(WAGTAILSEARCH_BACKENDS=backends)
    no_auto_update.enable()
    try:
        home = ensure_home_page()
        corpus = build_corpus()
        started = time.perf_counter()
        for item in corpus:
            home.add_child(
                instance=StandardPage(
                    title=text_of(item["title"]),
                    slug=item["slug"],
                    live=True,
                    summary=text_of(item["body"][0]),
                    body=[("paragraph", RichText(f"<p>{text_of(s)}</p>")) for s in item["body"][1:]],
                )
            )
        print(f"{len(corpus)} pages created in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        title_by_pk = {}
        truth = {}
        by_pk = {p.slug: p.pk for p in StandardPage.objects.filter(slug__startswith="bench-")}
        for item in corpus:
            sentences = [item["title"], *item["body"]]
            title_by_pk[by_pk[item["slug"]]] = item["title"]
            for query in QUERIES:
                if relevant(sentences, query):
                    truth.setdefault(query, set()).add(by_pk[item["slug"]])
        queryset = Page.objects.live().public()

        def jieba_text(text):
            normalised = unicodedata.normalize("NFKC", text or "")
            tokens = (w.strip().lower() for w in jieba.cut_for_search(normalised))
            return " ".join(w for w in tokens if re.search(r"\w", w))

        def jieba_tokens(query):
            return list(dict.fromkeys(jieba_text(query).split()))

        def native(tokens, **kwargs):
            hits = queryset.only("pk", "title").search(" ".join(tokens), operator="and", **kwargs)
            return [page.pk for page in hits]

        plain_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
        approaches = [
            ("plain (Wagtail as is)", plain_fields, None, lambda q: native(q.split())),
            ("bigram, backend order", None, None, lambda q: native(cjk.prepare_query(q).tokens)),
            (SITE, None, None, lambda q: cjk.ranked_ids(queryset, cjk.prepare_query(q).tokens)),
            (
                "bigram + title first, Wagtail's query (before)",
                None,
                None,
                lambda q: cjk.backend_ranked_ids(queryset, cjk.prepare_query(q).tokens),
            ),
            (
                "bigram, unranked (newest first)",
                None,
                None,
                lambda q: native(cjk.prepare_query(q).tokens, order_by_relevance=False),
            ),
        ]
        if jieba is not None:
            approaches.append(("jieba cut_for_search", None, jieba_text, lambda q: native(jieba_tokens(q))))
        if vendor != "postgresql":  # the site's way is the backend's own query there
            approaches = [a for a in approaches if "(before)" not in a[0]]
        if SITE_ONLY:
            approaches = [a for a in approaches if a[0] == SITE]

        rows = []
        default_fields = StandardPage.search_fields
        bigrams = cjk.cjk_bigrams  # what CJKSearchMixin indexes; swapped for jieba's words below
        tokens_kib = None
        indexed_as = None  # approaches sharing fields and tokenizer share one index build
        for name, fields, tokenizer, run in approaches:
            key = (id(fields), tokenizer)
            StandardPage.search_fields = fields or default_fields
            cjk.cjk_bigrams = tokenizer or bigrams
            build_seconds = size = None
            if key != indexed_as:
                IndexEntry.objects.all().delete()
                compact(connection)
                started = time.perf_counter()
                call_command("update_index", verbosity=0)
                build_seconds = time.perf_counter() - started
                compact(connection)
                size = index_size(connection)
                if vendor == "postgresql" and fields is None and tokenizer is None:
                    tokens_kib = tokens_size(connection)
                indexed_as = key
            for query in QUERIES:  # warm up
                run(query)
            timings, recalls, precisions, misses, title_first = [], [], [], 0, []
            for query in QUERIES:
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    found = run(query)
                    timings.append((time.perf_counter() - started) * 1000)
                wanted = truth.get(query, set())
                hits = set(found) & set(title_by_pk)
                recalls.append(len(hits & wanted) / len(wanted) if wanted else 1.0)
                precisions.append(len(hits & wanted) / len(hits) if hits else (1.0 if not wanted else 0.0))
                if VERBOSE and (recalls[-1] < 1 or precisions[-1] < 1):
                    print(
                        f"  {name}: {query!r} found {len(hits)}, relevant {len(wanted)}, "
                        f"recall {recalls[-1]:.2f}, precision {precisions[-1]:.2f}"
                    )
                misses += bool(wanted) and not (hits & wanted)
                in_title = [relevant([title_by_pk[pk]], query) for pk in found if pk in title_by_pk]
                if any(in_title) and not all(in_title):
                    title_first.append(in_title == sorted(in_title, reverse=True))
            rows.append(
                {
                    "approach": name,
                    "index s": build_seconds,
                    "index KiB": size,
                    "median ms": statistics.median(timings),
                    "p95 ms": percentile(timings, 0.95),
                    "recall": statistics.mean(recalls),
                    "precision": statistics.mean(precisions),
                    "queries missed": misses,
                    "title first": f"{sum(title_first)}/{len(title_first)}",
                }
            )
        StandardPage.search_fields, cjk.cjk_bigrams = default_fields, bigrams
        page_timings = time_search_page(Client(), StandardPage, corpus)
        report(vendor, corpus, truth, rows, jieba, page_timings, tokens_kib)
    finally:
        no_auto_update.disable()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def compact(connection):
    """Merge away deleted rows so that sizes compare like with like (and, on PostgreSQL, analyze)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            fts = "wagtailsearch_indexentry_fts"
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
        else:
            cursor.execute("VACUUM FULL wagtailsearch_indexentry")
            cursor.execute("VACUUM FULL portal_searchtokens")
            cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum keeps them


def index_size(connection):
    """Bytes of Wagtail's search index tables (entries plus the FTS5 shadow tables), in KiB."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'wagtailsearch_indexentry%'")
        else:
            cursor.execute("SELECT pg_total_relation_size('wagtailsearch_indexentry')")
        return cursor.fetchone()[0] / 1024


def time_search_page(client, page_model, corpus):
    """The whole /search/ page (view, ranking, first 10 results with snippets, template), in ms."""
    for query in QUERIES:  # warm up
        client.get("/search/", {"q": query})
    timings = []
    for query in QUERIES:
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = client.get("/search/", {"q": query})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    return timings


def tokens_size(connection):
    """KiB of the site's bigram tokens on PostgreSQL (portal_searchtokens and its GIN index)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('portal_searchtokens')")
        return cursor.fetchone()[0] / 1024


def report(vendor, corpus, truth, rows, jieba, page_timings, tokens_kib):
    print(
        f"database: {vendor}; pages: {len(corpus)}; queries: {len(QUERIES)} "
        f"({sum(len(v) for v in truth.values())} relevant page-query pairs); repeats: {REPEATS}"
    )
    if jieba is None:
        print("jieba is not installed: its row is skipped (pip install jieba into .venv to add it).")
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        cells = []
        for column in columns:
            value = row[column]
            if value is None:
                cells.append("(same index)")
            elif isinstance(value, float):
                cells.append(f"{value:.2f}" if column in {"recall", "precision"} else f"{value:.1f}")
            else:
                cells.append(str(value))
        print("| " + " | ".join(cells) + " |")
    if tokens_kib is not None:
        print(f"The site's GIN-indexed bigram tokens (portal_searchtokens): {tokens_kib:.0f} KiB more.")
    print(
        f"The /search/ page (view, ranking, 10 results with snippets, template): "
        f"median {statistics.median(page_timings):.1f} ms, p95 {percentile(page_timings, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    main()
