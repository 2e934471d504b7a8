"""Where the server time of the public registration journey goes, step by step.

    DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=… ALLOWED_HOSTS=testserver \
        SECURE_SSL_REDIRECT=0 DATABASE_URL=postgres://… CACHE_URL=redis://…/13 \
        .venv/bin/python bench/journey_profile.py --journeys 30 [--profile step|all] [--json out.json]

Run it against a database that has been migrated and has the demo content
(`manage.py load_demo` under portal.settings.dev on the same DATABASE_URL, as
bench/server_bench.py does), with the settings and environment gunicorn would
have. It walks the six requests of bench/server_bench.py's journey
(portal/tests/loopback.py) with Django's test client, CSRF checks on, each
journey a new person (own cookies, own X-Forwarded-For address), after
--warmup journeys that fill the per-process caches. For each step it prints
the median and p90 wall and CPU milliseconds in the process (the test client
adds little: no socket, no WSGI server) and the SQL queries of the step.
With --profile it runs cProfile over the measured journeys and prints the
top functions by cumulative and by own time, for each step or all together.

It adds registrations to the database it runs against: never point it at one
that matters.
"""

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFT_INPUT = re.compile(r'name="draft" value="([^"]+)"')
STEPS = ["GET /register/", "POST /register/", "GET review", "POST review (submit)", "GET done", "GET receipt"]


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    import django

    django.setup()


def answers():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from server_fixtures import registration_answers

    return registration_answers()


class Step:
    def __init__(self, name, profile):
        self.name, self.profile = name, profile
        self.wall, self.cpu, self.queries = [], [], []
        self.last_sql = []


def journey(client, number, data, steps, measure):
    """One new person: no cookies, an address of their own. The client (and
    so its handler, whose middleware is loaded once, as in a worker) is shared."""
    from http.cookies import SimpleCookie

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.cookies = SimpleCookie()
    client.defaults["HTTP_X_FORWARDED_FOR"] = f"198.18.{number // 250 % 250}.{number % 250 + 1}"
    data = {**data, "address": f"湖里区压测路{number + 1}号101室"}

    def run(index, method, path, post=None, expect=200):
        step = steps[index]
        profiler = step.profile if measure else None
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            response = client.post(path, post) if method == "POST" else client.get(path)
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if response.status_code != expect:
            raise RuntimeError(f"{step.name}: {response.status_code} {response.get('Location')}")
        if measure:
            step.wall.append(wall * 1000)
            step.cpu.append(cpu * 1000)
            step.queries.append(len(queries))
            step.last_sql = [query["sql"] for query in queries.captured_queries]
        return response

    html = run(0, "GET", "/register/").content.decode()
    token = CSRF_INPUT.search(html).group(1)
    response = run(1, "POST", "/register/", {**data, "csrfmiddlewaretoken": token}, expect=302)
    assert response["Location"] == "/register/review/", response["Location"]
    html = run(2, "GET", "/register/review/").content.decode()
    post = {"draft": DRAFT_INPUT.search(html).group(1), "csrfmiddlewaretoken": CSRF_INPUT.search(html).group(1)}
    done = run(3, "POST", "/register/review/", post, expect=302)["Location"]
    run(4, "GET", done)
    run(5, "GET", done.replace("/done/", "/receipt/"))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", choices=["step", "all"], help="cProfile each step, or all steps together")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--sql", action="store_true", help="print the SQL of each step of the last journey")
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    data = answers()
    shared = cProfile.Profile() if args.profile == "all" else None
    steps = [Step(name, shared or (cProfile.Profile() if args.profile else None)) for name in STEPS]
    start = int(time.time()) % 50_000 * 10  # fresh addresses (throttles) run after run
    for number in range(args.warmup):
        journey(client, start + number, data, steps, measure=False)
    for number in range(args.journeys):
        journey(client, start + args.warmup + number, data, steps, measure=True)

    print(
        f"settings {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG={settings.DEBUG}, "
        f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, sessions {settings.SESSION_ENGINE}; "
        f"{args.journeys} journeys after {args.warmup}; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'step':<22} {'wall p50':>9} {'p90':>7} {'cpu p50':>8} {'p90':>7} {'queries':>8}")
    rows = {}
    for step in steps:
        queries = sorted(set(step.queries))
        rows[step.name] = {
            "wall_p50_ms": round(statistics.median(step.wall), 1),
            "wall_p90_ms": round(percentile(step.wall, 0.9), 1),
            "cpu_p50_ms": round(statistics.median(step.cpu), 1),
            "cpu_p90_ms": round(percentile(step.cpu, 0.9), 1),
            "queries": queries[0] if len(queries) == 1 else queries,
        }
        row = rows[step.name]
        print(
            f"{step.name:<22} {row['wall_p50_ms']:>9.1f} {row['wall_p90_ms']:>7.1f} "
            f"{row['cpu_p50_ms']:>8.1f} {row['cpu_p90_ms']:>7.1f} {str(row['queries']):>8}"
        )
    total_wall = sum(statistics.median(step.wall) for step in steps)
    total_cpu = sum(statistics.median(step.cpu) for step in steps)
    mean_cpu = sum(sum(step.cpu) for step in steps) / args.journeys
    print(f"{'whole journey':<22} {total_wall:>9.1f} {'':>7} {total_cpu:>8.1f}   (mean CPU {mean_cpu:.1f} ms)")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"steps": rows, "journey_cpu_mean_ms": round(mean_cpu, 1)}, indent=1, ensure_ascii=False)
        )
    if args.sql:
        for step in steps:
            print(f"\n=== {step.name}: {len(step.last_sql)} queries ===")
            for query in step.last_sql:
                print(" ", query[:300])
    if args.profile:
        profiles = [("all steps", shared)] if shared else [(step.name, step.profile) for step in steps]
        for name, profile in profiles:
            for order in ("cumulative", "tottime"):
                print(f"\n=== {name}, by {order} ===")
                pstats.Stats(profile).sort_stats(order).print_stats(args.top)


if __name__ == "__main__":
    main()
