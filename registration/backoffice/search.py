"""The Chinese search of the works list, indexed on PostgreSQL.

A search is a case-insensitive substring match (``icontains``) of the whole
query in any of SEARCH_FIELDS, as before; the index only narrows the rows
that match has to check. Trigrams (pg_trgm) cannot narrow a 1- or
2-character query, and most Chinese searches are a surname or a two-character
word, so the index holds each work's characters and pairs of characters
instead: ``registration_work_grams(fields…)``, a GIN-indexed ``text[]``
(migration 0015 creates both). Every character and pair of characters of a query also
appears in any text containing it, so ``grams(work) @> grams(query)``
keeps every match, whatever the query's length; the ``icontains`` that
follows drops the rest. SQLite has neither the function nor the index and
runs the plain ``icontains`` scan.
"""

from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.functions import Upper

# The columns searched, in the order of the SQL function's arguments (migration 0015).
SEARCH_FIELDS = ("reference", "address", "owner_name", "owner_contact", "contractor_name", "site_manager_name")


class GramsContain(Func):
    """``registration_work_grams(fields…) @> registration_grams(upper(query))``:
    true for every work whose fields contain the query (and a few more)."""

    output_field = BooleanField()

    def __init__(self, query):
        super().__init__(*(F(name) for name in SEARCH_FIELDS), Upper(Value(query)))

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        return f"registration_work_grams({', '.join(parts[:-1])}) @> registration_grams({parts[-1]})", params


def search_works(queryset, query):
    """The works whose reference, address or names contain ``query`` (any case)."""
    matches = Q()
    for name in SEARCH_FIELDS:
        matches |= Q(**{f"{name}__icontains": query})
    if queryset.db and _vendor(queryset) == "postgresql":
        queryset = queryset.filter(GramsContain(query))
    return queryset.filter(matches)


def _vendor(queryset):
    from django.db import connections

    return connections[queryset.db].vendor
