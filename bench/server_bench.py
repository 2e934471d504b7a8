"""The whole site behind gunicorn, in one run, as ratios to a hello-world view.

    .venv/bin/python bench/server_bench.py                       # make bench runs this
    .venv/bin/python bench/server_bench.py --backoffice district # + back office at Huli scale (minutes)
    .venv/bin/python bench/server_bench.py --backoffice city     # ×6 Huli (generating it takes 9 to 17 minutes)

Needs PostgreSQL and Redis on this machine; without them it says so and
exits 0 (so `make bench` still runs the other benches). It:

1. creates a throwaway PostgreSQL database (--database-name, dropped at the
   end unless --keep) on the server of BENCH_DATABASE_URL or DATABASE_URL
   (default postgres://postgres@127.0.0.1:5432/), and empties the Redis
   database of BENCH_REDIS_URL (default redis://127.0.0.1:6379/15: use one
   that nothing else uses);
2. migrates, collects the static files into a temporary folder and loads the
   demo content, then starts gunicorn with portal.settings.production (dummy
   SECRET_KEY, SECURE_SSL_REDIRECT=0, BENCH_ENDPOINTS=1, CACHE_URL=Redis) on
   a free loopback port;
3. drives each URL with wrk (loopback only, --duration seconds each) and
   reports requests per second, p50 and p99, and the ratio to /bench/hello/;
4. counts the SQL queries of each public page without the page cache
   (Django's test client in a subprocess, PAGE_CACHE_SECONDS=0);
5. runs --clients concurrent registrants through the whole public
   registration journey for --registration-seconds, then checks in the
   database that no acknowledged registration was lost or numbered twice;
6. checks in --trainees trainees at once, each from their own address
   (phones on mobile data), then the same burst from one shared address
   (a venue's Wi-Fi), and counts who was recorded and who was refused;
7. with --backoffice, runs bench/backoffice_bench.py as a logged-in officer.

It prints a table with the targets of issue 16 and writes the results as
JSON to bench/results/. The numbers are for this machine: wrk, gunicorn,
PostgreSQL and Redis share its cores, so compare ratios, not absolutes.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from portal.tests import loopback  # noqa: E402

RESULTS = BENCH / "results"
WRK = os.environ.get("WRK", "/usr/bin/wrk")
CACHED_PAGES = ["home", "measure (policy page)", "videos index", "video page", "notices"]
TARGET_PAGE_RATIO = 0.5
TARGET_BACKOFFICE_P95_MS = 300
TARGET_REGISTRATIONS_PER_S = 100
TARGET_MAX_QUERIES = 10
TARGET_CHECKIN_SECONDS = 60


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def detect_features(env):
    """What the code under test has, from its settings: the parts other work adds."""
    code = """
import json
from django.conf import settings
storages = getattr(settings, "STORAGES", {})
print(json.dumps({
    "PAGE_CACHE_SECONDS": getattr(settings, "PAGE_CACHE_SECONDS", None),
    "cache backend": settings.CACHES["default"]["BACKEND"],
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "default storage": storages.get("default", {}).get("BACKEND"),
    "CELERY_BROKER_URL set": bool(getattr(settings, "CELERY_BROKER_URL", None)),
    "search backend": settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"],
}))
"""
    return loopback.django_json(env, code)


def run_wrk(port, path, args):
    url = f"http://127.0.0.1:{port}{path}"
    command = [WRK, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s"]
    command += ["-s", str(BENCH / "wrk_report.lua"), url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60)
    line = next((line for line in result.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {path}: {result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    seconds = data["duration_us"] / 1e6
    errors = sum(data[key] for key in data if key.startswith("errors_"))
    return {
        "path": path,
        "rps": round(data["requests"] / seconds, 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "requests": data["requests"],
        "errors": errors,
        "non_2xx_3xx": data["errors_status"],
    }


def throughput(port, paths, args):
    rows = {}
    for name, path in paths.items():
        if path is None:
            rows[name] = {"path": None, "missing": "no such page in the demo content"}
            continue
        client = loopback.Client(port)
        statuses = {client.get(path).status for _ in range(5)}  # warm up, and the page must answer 200
        row = run_wrk(port, path, args)
        row["status"] = sorted(statuses)
        rows[name] = row
        print(f"  {name:<24} {row['rps']:>8.1f} rps  p50 {row['p50_ms']:>7.1f} ms  p99 {row['p99_ms']:>7.1f} ms")
    hello = rows["hello-world"]["rps"]
    for row in rows.values():
        if "rps" in row:
            row["ratio"] = round(row["rps"] / hello, 3) if hello else None
    return rows


def registrations(port, answers, database_url, args):
    """--clients registrants at once, each journey a new person (cookies, address)."""
    before = loopback.sql(database_url, "SELECT count(*) FROM registration_registration")[0][0]
    deadline = time.monotonic() + args.registration_seconds
    lock = threading.Lock()
    acknowledged, durations, failures, steps = [], [], [], []
    counter = iter(range(10**9))

    def registrant(worker):
        while time.monotonic() < deadline:
            with lock:
                number = next(counter)
            client = loopback.Client(port, address=f"198.18.{number // 250 % 250}.{number % 250 + 1}")
            client.timings = steps
            data = {**answers, "address": f"湖里区压测路{number + 1}号101室"}
            start = time.perf_counter()
            try:
                reference = loopback.register(client, data)
            except (loopback.JourneyError, OSError) as error:
                with lock:
                    failures.append(f"{type(error).__name__}: {error}"[:200])
                continue
            # Acknowledged: the server redirected to the confirmation of this reference.
            with lock:
                acknowledged.append(reference)
            if not loopback.after_submit(client, reference):
                with lock:
                    failures.append(f"{reference}: confirmation or receipt not 200")
            with lock:
                durations.append((time.perf_counter() - start) * 1000)
            client.close()

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(registrant, range(args.clients)))
    elapsed = time.perf_counter() - started
    found = {
        reference
        for (reference,) in loopback.sql(
            database_url,
            "SELECT reference FROM registration_registration WHERE reference = ANY(%s)",
            (acknowledged,),
        )
    }
    after = loopback.sql(database_url, "SELECT count(*) FROM registration_registration")[0][0]
    result = {
        "clients": args.clients,
        "seconds": round(elapsed, 2),
        "acknowledged": len(acknowledged),
        "per_second": round(len(acknowledged) / elapsed, 1),
        "journey_p50_ms": round(statistics.median(durations), 1) if durations else None,
        "journey_p95_ms": round(percentile(durations, 0.95), 1) if durations else None,
        "lost": len(set(acknowledged) - found),
        "duplicate_references": len(acknowledged) - len(set(acknowledged)),
        "rows_added": after - before,
        "saved_not_acknowledged": max(0, after - before - len(set(acknowledged))),
        "steps_p50_p95_ms": {
            step: [round(statistics.median(times), 1), round(percentile(times, 0.95), 1)]
            for step in dict.fromkeys(name for name, _ms in steps)
            if (times := [ms for name, ms in steps if name == step])
        },
        "failed_journeys": len(failures),
        "failures_sample": sorted(set(failures))[:5],
    }
    return result


def checkin_burst(port, session, database_url, args, shared_address=None):
    """Every trainee on the roster checks in at once (--clients at a time)."""
    lock = threading.Lock()
    statuses, durations = [], []

    def trainee(item):
        number, (name, mobile) = item
        address = shared_address or f"198.19.{number // 250}.{number % 250 + 1}"
        client = loopback.Client(port, address=address)
        start = time.perf_counter()
        try:
            status = loopback.check_in(client, session["code"], name, mobile).status
        except OSError as error:
            status = type(error).__name__
        with lock:
            statuses.append(status)
            durations.append((time.perf_counter() - start) * 1000)
        client.close()

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(trainee, enumerate(session["people"])))
    elapsed = time.perf_counter() - started
    recorded = loopback.sql(
        database_url, "SELECT count(*) FROM training_attendance WHERE session_id = %s", (session["id"],)
    )[0][0]
    return {
        "trainees": len(session["people"]),
        "addresses": "one shared" if shared_address else "one each",
        "seconds": round(elapsed, 2),
        "recorded": recorded,
        "refused_429": sum(1 for status in statuses if status == 429),
        "other_errors": sum(1 for status in statuses if status not in (200, 429)),
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(percentile(durations, 0.95), 1),
    }


BACKOFFICE_ROW = re.compile(r"^\| (officer: GET [^|]+) \| ([\d.]+) \| ([\d.]+) \| (\d*) \|$")


def is_download(name):
    return "export=" in name or "format=xlsx" in name


def backoffice(scale, base_url, args):
    """bench/backoffice_bench.py as a logged-in 湖里街道 officer, in its own throwaway database."""
    script = str(BENCH / "backoffice_bench.py")
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env["DATABASE_URL"] = base_url
    env["BENCH_DB_SUFFIX"] = f"_{args.database_name}"  # never another bench's database
    help_text = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True, env=env).stdout
    command = [sys.executable, script, "--admin-role", "officer", "--repeat", str(args.backoffice_repeat)]
    if scale == "city":
        if "--scale" not in help_text:
            return {"scale": scale, "missing": "bench/backoffice_bench.py has no --scale option in this code"}
        command += ["--scale", "city"]
    else:  # Huli's figures (bench/README.md)
        command += ["--works", "20213", "--inspections", "469009"]
    print(f"  {' '.join(command[1:])}")
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600)
    if result.returncode:
        return {"scale": scale, "error": result.stderr[-2000:]}
    pages = {}
    for line in result.stdout.splitlines():
        if match := BACKOFFICE_ROW.match(line):
            pages[match.group(1)] = {
                "p50_ms": float(match.group(2)),
                "p95_ms": float(match.group(3)),
                "queries": int(match.group(4)) if match.group(4) else None,
            }
    return {
        "scale": scale,
        "pages": pages,
        # The target is for pages; a download (an export) streams for as long as its rows take.
        "worst_p95_ms": max((page["p95_ms"] for name, page in pages.items() if not is_download(name)), default=None),
        "generated": next((line for line in result.stdout.splitlines() if "generated in" in line), ""),
    }


def targets(results):
    """(target, measured, met) rows: met is None when the part did not run."""
    rows = []
    pages = results["throughput"]
    ratios = [pages[name].get("ratio") for name in CACHED_PAGES if pages.get(name, {}).get("ratio") is not None]
    worst = min(ratios) if ratios else None
    rows.append(
        (
            f"cached public pages >= {TARGET_PAGE_RATIO:.0%} of hello-world rps",
            f"worst {worst:.1%}" if worst is not None else "not measured",
            None if worst is None else worst >= TARGET_PAGE_RATIO,
        )
    )
    counts = [
        value["queries"] for name, value in results["queries"].items() if name not in ("hello-world", "static file")
    ]
    rows.append(
        (
            f"public pages <= {TARGET_MAX_QUERIES} SQL queries uncached",
            f"max {max(counts)}" if counts else "not measured",
            (max(counts) <= TARGET_MAX_QUERIES) if counts else None,
        )
    )
    office = results.get("backoffice")
    worst_office = office.get("worst_p95_ms") if office else None
    rows.append(
        (
            f"back office p95 <= {TARGET_BACKOFFICE_P95_MS} ms ({office['scale'] if office else 'not run'})",
            f"worst {worst_office} ms" if worst_office is not None else (office or {}).get("missing", "not run"),
            None if worst_office is None else worst_office <= TARGET_BACKOFFICE_P95_MS,
        )
    )
    reg = results["registrations"]
    rows.append(
        (
            f"registrations >= {TARGET_REGISTRATIONS_PER_S}/s, 0 lost, 0 duplicates",
            f"{reg['per_second']}/s, {reg['lost']} lost, {reg['duplicate_references']} duplicates",
            reg["per_second"] >= TARGET_REGISTRATIONS_PER_S and reg["lost"] == 0 and reg["duplicate_references"] == 0,
        )
    )
    burst = results["checkin"]
    rows.append(
        (
            f"{burst['trainees']} self check-ins recorded within {TARGET_CHECKIN_SECONDS} s",
            f"{burst['recorded']} in {burst['seconds']} s",
            burst["recorded"] == burst["trainees"] and burst["seconds"] <= TARGET_CHECKIN_SECONDS,
        )
    )
    return rows


def print_report(results):
    print("\n| URL | rps | p50 ms | p99 ms | ratio to hello-world | SQL queries uncached | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, row in results["throughput"].items():
        queries = results["queries"].get(name, {}).get("queries", "")
        if "rps" not in row:
            print(f"| {name} | — | — | — | — | {queries} | {row.get('missing')} |")
            continue
        ratio = f"{row['ratio']:.1%}" if name != "hello-world" else "100%"
        errors = row["errors"] or ""
        print(f"| {name} | {row['rps']} | {row['p50_ms']} | {row['p99_ms']} | {ratio} | {queries} | {errors} |")
    reg = results["registrations"]
    print(
        f"\nRegistrations: {reg['clients']} clients for {reg['seconds']} s: {reg['acknowledged']} acknowledged, "
        f"{reg['per_second']}/s, journey p50 {reg['journey_p50_ms']} ms p95 {reg['journey_p95_ms']} ms; "
        f"lost {reg['lost']}, duplicate references {reg['duplicate_references']}, "
        f"saved but not acknowledged {reg['saved_not_acknowledged']}, failed journeys {reg['failed_journeys']}"
    )
    for step, (p50, p95) in reg.get("steps_p50_p95_ms", {}).items():
        print(f"  {step}: p50 {p50} ms, p95 {p95} ms")
    for failure in reg["failures_sample"]:
        print(f"  failure: {failure}")
    for key in ("checkin", "checkin_shared_address"):
        burst = results[key]
        print(
            f"Self check-in, {burst['trainees']} trainees, {burst['addresses']} address: {burst['recorded']} recorded "
            f"in {burst['seconds']} s, {burst['refused_429']} refused (429), {burst['other_errors']} other errors; "
            f"p50 {burst['p50_ms']} ms p95 {burst['p95_ms']} ms"
        )
    office = results.get("backoffice")
    if office:
        print(f"\nBack office ({office['scale']}, logged-in officer): {office.get('generated', '')}")
        if office.get("missing") or office.get("error"):
            print(f"  not measured: {office.get('missing') or office.get('error')}")
        for name, page in office.get("pages", {}).items():
            print(f"  {name}: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, {page['queries']} queries")
    print("\nWhat this code has (from its production settings):")
    for key, value in results["code"].items():
        print(f"  {key}: {value}")
    print("\n| target | measured | met |\n|---|---|---|")
    for target, measured, met in results["targets"]:
        print(f"| {target} | {measured} | {'yes' if met else 'NO' if met is False else 'not run'} |")


def machine_facts(database_url, redis_url):
    import redis

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": loopback.sql(database_url, "SHOW server_version")[0][0],
        "redis": redis.Redis.from_url(redis_url).info().get("redis_version"),
        "wrk": subprocess.run([WRK, "--version"], capture_output=True, text=True).stdout.split()[1],
        "load average at start": os.getloadavg(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per URL")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=32, help="concurrent registrants and trainees")
    parser.add_argument("--registration-seconds", type=int, default=10)
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--backoffice", choices=["district", "city"], help="also time the back office (minutes)")
    parser.add_argument("--backoffice-repeat", type=int, default=10)
    parser.add_argument("--database-name", default="huli_server_bench", help="throwaway database, dropped first")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary folder")
    parser.add_argument("--json", help="where to write the results (default bench/results/server_bench-<time>.json)")
    args = parser.parse_args()

    base_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not base_url.startswith("postgres"):
        base_url = "postgres://postgres@127.0.0.1:5432/postgres"
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    missing = [
        what
        for what, ok in (
            (f"PostgreSQL at {base_url}", loopback.postgres_reachable(base_url)),
            (f"Redis at {redis_url}", loopback.redis_reachable(redis_url)),
            (f"wrk at {WRK}", os.path.exists(WRK)),
        )
        if not ok
    ]
    if missing:
        print(f"server bench skipped: needs {', '.join(missing)}")
        return 0

    database_url = loopback.database_url(base_url, args.database_name)
    loopback.recreate_database(database_url)
    loopback.flush_redis_db(redis_url)
    tmp = tempfile.mkdtemp(prefix="huli-server-bench-")
    env = loopback.production_env(database_url, redis_url, tmp, DB_CONN_MAX_AGE=60)
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(database_url, redis_url),
        "config": {
            "gunicorn workers": args.workers,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
            "settings": "portal.settings.production, DB_CONN_MAX_AGE=60, TRUSTED_PROXY_COUNT=1",
            "cache": redis_url,
        },
    }
    server = None
    try:
        print(f"Preparing {database_url} (migrate, collectstatic, load_demo) …")
        started = time.perf_counter()
        loopback.prepare_site(env)
        fixtures = loopback.django_json(env, f"import bench.server_fixtures as f; print(f.prepare({args.trainees}))")
        print(f"  ready in {time.perf_counter() - started:.0f} s")
        results["code"] = detect_features(env)
        paths = fixtures["paths"]

        print("SQL queries per page, page cache off …")
        counting_env = {**env, "CACHE_URL": "locmem://", "PAGE_CACHE_SECONDS": "0"}
        results["queries"] = loopback.django_json(
            counting_env, f"import bench.server_fixtures as f; print(f.query_counts({paths!r}))"
        )

        log = Path(tmp) / "gunicorn.log"
        server = loopback.Server(env, workers=args.workers, log=log).start()
        print(f"gunicorn on 127.0.0.1:{server.port}, {args.workers} workers (log {log}); wrk per URL:")
        results["throughput"] = throughput(server.port, paths, args)

        print(f"Registrations: {args.clients} clients for {args.registration_seconds} s …")
        results["registrations"] = registrations(server.port, fixtures["answers"], database_url, args)
        print(f"Self check-in: {args.trainees} trainees …")
        results["checkin"] = checkin_burst(server.port, fixtures["checkin"], database_url, args)
        results["checkin_shared_address"] = checkin_burst(
            server.port, fixtures["checkin_shared"], database_url, args, shared_address="198.19.255.1"
        )
    finally:
        if server:
            server.stop()
        if not args.keep:
            loopback.drop_database(database_url)
            shutil.rmtree(tmp, ignore_errors=True)
    if args.backoffice:
        print(f"Back office ({args.backoffice} scale) …")
        results["backoffice"] = backoffice(args.backoffice, base_url, args)
    results["machine"]["load average at end"] = os.getloadavg()
    results["targets"] = targets(results)
    print_report(results)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(args.json) if args.json else RESULTS / f"server_bench-{stamp}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"\nResults written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
