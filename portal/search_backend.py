"""Wagtail's database search backend, with an indexed Chinese search on PostgreSQL.

Settings name this module as the backend (``WAGTAILSEARCH_BACKEND=database``).
On SQLite and MySQL it is Wagtail's own database backend, unchanged. On
PostgreSQL it is Wagtail's backend too, plus one row per indexed page in
``portal.SearchTokens``: the page's bigram tokens (portal/search.py) as a
tsvector with the ``simple`` configuration, under a GIN index.

Wagtail's PostgreSQL backend matches ``title || body`` of every index entry, an
expression no index serves, so a search read the whole index (161 ms median at
2,000 pages, growing with content; bench/README.md). ``ranked_ids`` here
matches the GIN-indexed column instead. The rows are written and deleted in the
same calls as Wagtail's own entries, so publishing, unpublishing, deleting,
moving and ``manage.py update_index`` keep both in step.
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend
from modelsearch.backends.database.postgres.postgres import PostgresIndex, PostgresSearchBackend
from modelsearch.utils import get_descendant_models, get_descendants_content_types_pks

from portal.models import SearchTokens
from portal.search import CJKSearchMixin

CONFIG = "simple"


def _tsquery_lexeme(token):
    """A token as a quoted tsquery operand: search syntax in it stays plain text."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(tokens):
    return SearchQuery(" & ".join(map(_tsquery_lexeme, tokens)), config=CONFIG, search_type="raw")


def has_tokens(model):
    """Do objects of this model (or of a model inheriting from it) get bigram tokens?"""
    return any(issubclass(child, CJKSearchMixin) for child in get_descendant_models(model))


class CJKPostgresIndex(PostgresIndex):
    def add_items(self, model, objs):
        super().add_items(model, objs)
        rows = [obj for obj in objs if isinstance(obj, CJKSearchMixin)]  # pages: integer keys
        if not rows:
            return
        content_type_id = ContentType.objects.get_for_model(model).pk
        values, params = [], []
        for obj in rows:
            values.append(
                "(%s, %s, to_tsvector(%s, %s), "
                "setweight(to_tsvector(%s, %s), 'A') || setweight(to_tsvector(%s, %s), 'D'))"
            )
            title = obj.cjk_title()
            params += [content_type_id, obj.pk, CONFIG, title, CONFIG, title, CONFIG, obj.cjk_body()]
        table = SearchTokens._meta.db_table
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (content_type_id, object_id, title, tokens) VALUES {', '.join(values)} "  # noqa: S608
                "ON CONFLICT (content_type_id, object_id) DO UPDATE SET title = EXCLUDED.title, tokens = EXCLUDED.tokens",
                params,
            )

    def delete_item(self, item):
        super().delete_item(item)
        content_type = ContentType.objects.get_for_model(type(item))
        SearchTokens.objects.filter(content_type=content_type, object_id=item.pk)._raw_delete(
            using=self.write_connection.alias
        )

    def delete_stale_model_entries(self, model):
        super().delete_stale_model_entries(model)
        if not has_tokens(model):
            return
        SearchTokens.objects.filter(content_type_id__in=get_descendants_content_types_pks(model)).exclude(
            object_id__in=model._default_manager.values("pk")
        ).delete()

    def reset(self):
        super().reset()
        SearchTokens.objects.all()._raw_delete(using=self.write_connection.alias)


class CJKPostgresSearchBackend(PostgresSearchBackend):
    index_class = CJKPostgresIndex

    def ranked_ids(self, queryset, tokens):
        """Primary keys of the objects in ``queryset`` holding every token, best first.

        One query, served by the GIN index: objects whose title holds more of the
        tokens first, then by ``ts_rank`` (title tokens weigh more than body ones).
        None for a model without tokens: search it with Wagtail's query.
        """
        if not has_tokens(queryset.model):
            return None
        to_python = queryset.model._meta.pk.to_python
        return [to_python(pk) for pk in self.ranked_object_ids(queryset, tokens)]

    def ranked_object_ids(self, queryset, tokens):
        """The query behind ``ranked_ids``: the matching objects' ids (tests EXPLAIN it)."""
        query = _tsquery(tokens)
        title_hits = sum(
            (Case(When(title=_tsquery([token]), then=Value(1)), default=Value(0)) for token in tokens),
            start=Value(0, output_field=IntegerField()),
        )
        return (
            SearchTokens.objects.filter(
                tokens=query,
                content_type_id__in=get_descendants_content_types_pks(queryset.model),
                object_id__in=queryset.values("pk"),
            )
            .annotate(title_hits=title_hits, rank=SearchRank(F("tokens"), query))
            .order_by("-title_hits", "-rank", "object_id")
            .values_list("object_id", flat=True)
        )


def SearchBackend(params):  # noqa: N802 (Wagtail looks up this name)
    """The backend for the default database: ours on PostgreSQL, Wagtail's elsewhere."""
    if connection.vendor == "postgresql":
        return CJKPostgresSearchBackend(params)
    return DatabaseSearchBackend(params)


def fill_tokens_after_upgrade(sender, plan=None, verbosity=1, **kwargs):
    """post_migrate: when this migrate created ``SearchTokens`` on PostgreSQL
    (an existing site upgrading), index every object once, as ``manage.py
    update_index`` would: until then the indexed search would find nothing."""
    if not any((m.app_label, m.name) == ("portal", "0009_search_tokens") and not back for m, back in plan or ()):
        return
    from django.core.management import call_command
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    # A new database (a fresh install, a test database) has nothing indexed yet.
    if isinstance(get_search_backend(), CJKPostgresSearchBackend) and IndexEntry.objects.exists():
        call_command("update_index", verbosity=max(verbosity - 1, 0))
