"""Back-office queries on generated works: load time and query latency.

    .venv/bin/python bench/backoffice_bench.py [--works 2000 --inspections 40000] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/backoffice_bench.py \
        --works 20213 --inspections 469009                     # Huli scale
    ... --admin-path /admin/works/ --admin-path '/admin/works/?q=花园'   # admin pages, once they exist

It runs `manage.py generate_works` in a throwaway database, then times the
ORM querysets the works list needs (a street's page of 50 with the last
inspection and the open-hazard count, a filtered list, a Chinese substring
search, counts by status, one work's detail). Each `--admin-path` is also
fetched through the Django test client as `--admin-user` (default: a new
superuser), so the admin pages can be timed with the same data.
Results are in bench/README.md.
"""

import argparse
import statistics
import time

from benchdb import throwaway_database


def works_page_queries():
    """name -> callable running the queries one back-office page needs (list + count)."""
    from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from portal.models import Street
    from registration.models import Hazard, Inspection, Registration, Status

    street = Street.objects.get(code="350206001")  # 湖里街道, the largest
    today = timezone.localdate()
    open_hazards = Hazard.objects.filter(registration=OuterRef("pk"), rectified_on=None)
    listed = Registration.objects.select_related("street", "community", "category").annotate(
        last_inspection=Subquery(
            Inspection.objects.filter(registration=OuterRef("pk")).order_by("-inspected_at").values("inspected_at")[:1]
        ),
        open_hazards=Coalesce(
            Subquery(
                open_hazards.order_by().values("registration").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )

    def page(queryset):
        def run():
            rows = list(queryset.order_by("-submitted_at", "-pk")[:50])
            return len(rows), queryset.count()
        return run

    in_street = listed.filter(street=street)
    overdue = Exists(Hazard.objects.filter(registration=OuterRef("pk"), rectified_on=None, deadline__lt=today))
    search = Q()
    for field in ("reference", "address", "owner_name", "contractor_name", "site_manager_name"):
        search |= Q(**{f"{field}__icontains": "花园"})
    return {
        "street list, page 1 of 50": page(in_street),
        "street list, page 40 (offset 1950)": lambda: len(list(in_street.order_by("-submitted_at", "-pk")[1950:2000])),
        "filtered: under way, sporadic": page(in_street.filter(status=Status.UNDER_WAY, kind="sporadic")),
        "filtered: overdue hazards (district)": page(listed.filter(overdue)),
        "search 花园 (icontains, street)": page(in_street.filter(search)),
        "search 陈 owner (district)": page(listed.filter(owner_name__icontains="陈")),
        "counts by status (street)": lambda: dict(
            Registration.objects.filter(street=street).values_list("status").annotate(Count("pk")).order_by()
        ),
        "counts by status (district)": lambda: dict(
            Registration.objects.values_list("status").annotate(Count("pk")).order_by()
        ),
        "detail: one work, inspections, hazards": lambda: [
            len(work.inspections.all()) + len(work.hazards.all()) + len(work.status_changes.all())
            for work in Registration.objects.filter(pk=in_street.order_by("-pk").values("pk")[:1])
            .select_related("street", "community", "category").prefetch_related("inspections", "hazards", "status_changes")
        ],
    }


def timed(function, repeat):
    function()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def admin_pages(paths, username):
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    user = User.objects.get(username=username) if username else User.objects.create_superuser("bench_admin")
    client = Client()
    client.force_login(user)

    def fetch(path):
        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return run

    return {f"admin GET {path}": fetch(path) for path in paths}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--works", type=int, default=2000)
    parser.add_argument("--inspections", type=int, default=40000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--admin-path", action="append", default=[])
    parser.add_argument("--admin-user", default="")
    args = parser.parse_args()
    with throwaway_database("huli_backoffice_bench") as vendor:
        from django.core.management import call_command
        from django.db import connection

        from registration.models import EnforcementReferral, Hazard, Inspection, Registration, StatusChange

        start = time.perf_counter()
        call_command("generate_works", works=args.works, inspections=args.inspections)
        load = time.perf_counter() - start
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts = {model.__name__: model.objects.count()
                  for model in (Registration, StatusChange, Inspection, Hazard, EnforcementReferral)}
        print(f"{vendor}: generated in {load:.1f} s: {counts}")
        print("| query | median ms | p95 ms |\n|---|---|---|")
        checks = {**works_page_queries(), **admin_pages(args.admin_path, args.admin_user)}
        for name, function in checks.items():
            median, p95 = timed(function, args.repeat)
            print(f"| {name} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
