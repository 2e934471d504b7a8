"""Back-office queries on generated works: load time and query latency.

    .venv/bin/python bench/backoffice_bench.py [--works 2000 --inspections 40000] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/backoffice_bench.py \
        --scale district                                       # Huli scale (--scale city: ×6)
    ... --scale city --keep                                    # keep the database; a rerun reuses it
    ... --admin-path /admin/works/ --admin-role officer       # other admin pages, or one role

It runs `manage.py generate_works` in a throwaway database, then times the
ORM querysets the works list needs (a street's page of 50 with the last
inspection and the open-hazard count, a filtered list, a Chinese substring
search, counts by status, one work's detail). Then it fetches the works
admin pages through the Django test client, as a 湖里街道 officer and as the
district administrator, so whole pages are timed on the same data.
Results are in bench/README.md.
"""

import argparse
import statistics
import time

from benchdb import bench_database


def works_page_queries():
    """name -> callable running the queries one back-office page needs (list + count)."""
    from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from portal.models import Street
    from registration.backoffice.search import search_works
    from registration.models import Hazard, Inspection, Registration, Status
    from registration.models.backoffice import OPEN_HAZARD

    street = Street.objects.get(code="350206001")  # 湖里街道, the largest
    today = timezone.localdate()
    open_hazards = Hazard.objects.filter(OPEN_HAZARD, registration=OuterRef("pk"))
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
    overdue = Exists(Hazard.objects.filter(OPEN_HAZARD, registration=OuterRef("pk"), deadline__lt=today))
    return {
        "street list, page 1 of 50": page(in_street),
        "street list, page 40 (offset 1950)": lambda: len(list(in_street.order_by("-submitted_at", "-pk")[1950:2000])),
        "filtered: under way, sporadic": page(in_street.filter(status=Status.UNDER_WAY, kind="sporadic")),
        "filtered: overdue hazards (district)": page(listed.filter(overdue)),
        "search 花园 (street)": page(search_works(in_street, "花园")),
        "search 陈 (district)": page(search_works(listed, "陈")),
        "counts by status (street)": lambda: dict(
            Registration.objects.filter(street=street).values_list("status").annotate(Count("pk")).order_by()
        ),
        "counts by status (district)": lambda: dict(
            Registration.objects.values_list("status").annotate(Count("pk")).order_by()
        ),
        "detail: one work, inspections, hazards": lambda: [
            len(work.inspections.all()) + len(work.hazards.all()) + len(work.status_changes.all())
            for work in Registration.objects.filter(pk=in_street.order_by("-pk").values("pk")[:1])
            .select_related("street", "community", "category")
            .prefetch_related("inspections", "hazards", "status_changes")
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


def staff_user(role):
    """A bench login in ``role``: a 湖里街道 officer, or the district administrator."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from portal.models import StaffProfile, Street
    from registration import roles

    group = {
        "officer": roles.STREET_OFFICER,
        "district": roles.DISTRICT_ADMIN,
        "inspector": roles.SAFETY_INSPECTOR,
        "grid": roles.GRID_WORKER,
    }[role]
    user = get_user_model().objects.create_user(f"bench_{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    profile = StaffProfile.objects.create(user=user)
    if role != "district":
        profile.streets.set(Street.objects.filter(code="350206001"))
    if role == "grid":
        profile.communities.set(Street.objects.get(code="350206001").communities.order_by("sort_order")[:1])
    return user


def field_paths():
    """Issues 14 and 15's pages: the round, reports and triage, a grid worker's lists, the figures."""
    from django.urls import reverse

    from registration.models import Report, ReportStatus

    report = Report.objects.filter(street__code="350206001").order_by("-pk").first()
    if report and report.is_decided:  # the triage form takes an undecided report: reopen the newest
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.NEW, registration=None, triaged_by=None, triaged_at=None, outcome=""
        )
    pages = {
        "inspector": [reverse("registration_backoffice:round"), reverse("registration_backoffice:round") + "?p=20"],
        "officer": [reverse("reports:index"), reverse("hazards:index")],
        "grid": [reverse("reports:community_works"), reverse("reports:index")],
    }
    if report:
        pages["officer"] += [reverse("reports:inspect", args=[report.pk]), reverse("reports:found", args=[report.pk])]
    pages["officer"] += figures_paths()
    pages["district"] = figures_paths()
    return pages


def figures_paths():
    """Issue 15's pages: the dashboard over 24 months, the evaluation figures, the parties' lists."""
    from django.urls import reverse

    figures = reverse("evaluation:figures")
    return [
        reverse("wagtailadmin_home") + "?period=24m",
        figures,
        f"{figures}?date_from=2023-01-01&date_to=2023-12-31",
        reverse("registration_parties:index", args=["contractor"]),
        reverse("registration_parties:index", args=["property_company"]) + "?format=xlsx",
    ]


def default_admin_paths():
    """The pages issue 4 asks to time: list, filtered list, search, detail, export, dashboard."""
    from django.urls import reverse

    from registration.models import Registration, Status

    index = reverse("works:index")
    busiest = (
        Registration.objects.filter(street__code="350206001", status=Status.UNDER_WAY)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [
        index,
        f"{index}?status={Status.UNDER_WAY}&kind=sporadic",
        f"{index}?overdue_hazards=yes",
        f"{index}?q=花园",
        f"{index}?q=陈",  # one character: no trigram could help
        f"{index}?q=海天花园",
        reverse("works:inspect", args=[busiest]),
        f"{index}?status={Status.UNDER_WAY}&export=csv",
        reverse("wagtailadmin_home"),
    ]


def admin_pages(paths_by_role):
    """name -> callable fetching the page; each call also records the page's SQL query count."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    checks = {}
    for role, paths in paths_by_role.items():
        client = Client()
        client.force_login(staff_user(role))
        for path in paths:
            name = f"{role}: GET {path}"

            def run(client=client, path=path, name=name):
                # The request empties the query log as it starts (request_started): count from an
                # empty log, or a page after a busier one counts its queries short, even as 0.
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                    assert response.status_code == 200, (path, response.status_code)
                    b"".join(response.streaming_content) if response.streaming else response.content
                QUERY_COUNTS[name] = len(queries)

            checks[name] = run
    return checks


QUERY_COUNTS = {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--works", type=int, help="default: 2,000, or the scale's")
    parser.add_argument("--inspections", type=int, help="default: 40,000, or the scale's")
    parser.add_argument(
        "--scale", choices=["district", "city"], help="generate_works --scale: Huli's figures, or six times them"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the generated database (test_huli_backoffice_<scale>_bench); a rerun with --keep reuses it",
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--admin-path", action="append", default=[], help="admin URL to time (default: the works pages)"
    )
    parser.add_argument(
        "--admin-role",
        action="append",
        choices=["officer", "district", "inspector", "grid"],
        default=[],
        help="time the admin pages as this role (default: both)",
    )
    args = parser.parse_args()
    if args.scale is None:
        args.works = args.works or 2000
        args.inspections = 40000 if args.inspections is None else args.inspections
    name = f"huli_backoffice_{args.scale}_bench" if args.keep else "huli_backoffice_bench"
    with bench_database(name, keep=args.keep) as (vendor, reused):
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection

        from registration.models import EnforcementReferral, Hazard, Inspection, Registration, StatusChange

        start = time.perf_counter()
        if reused:
            call_command("migrate", verbosity=0)
            get_user_model().objects.filter(username__startswith="bench_").delete()
        else:
            options = {"works": args.works, "inspections": args.inspections}
            call_command("generate_works", scale=args.scale, **{k: v for k, v in options.items() if v is not None})
        load = time.perf_counter() - start
        if vendor == "postgresql":
            # A settled database, as autovacuum leaves it: statistics and the visibility map.
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        counts = {
            model.__name__: model.objects.count()
            for model in (Registration, StatusChange, Inspection, Hazard, EnforcementReferral)
        }
        print(f"{vendor}: {'reused' if reused else 'generated'} in {load:.1f} s: {counts}")
        print("| query | median ms | p95 ms | SQL queries |\n|---|---|---|---|")
        roles = args.admin_role or ["officer", "district"]
        if args.admin_path:
            by_role = {role: args.admin_path for role in roles}
        else:  # grid workers see no works list: only their own pages (field_paths)
            by_role = {role: default_admin_paths() for role in roles if role != "grid"}
        if not args.admin_path:
            for role, extra in field_paths().items():
                if not args.admin_role or role in args.admin_role:
                    by_role[role] = by_role.get(role, []) + extra
        checks = {**works_page_queries(), **admin_pages(by_role)}
        for name, function in checks.items():
            median, p95 = timed(function, args.repeat)
            print(f"| {name} | {median:.1f} | {p95:.1f} | {QUERY_COUNTS.get(name, '')} |")


if __name__ == "__main__":
    main()
