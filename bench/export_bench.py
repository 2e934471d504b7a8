"""The ledger export (台账) of every work: time and peak memory, CSV and XLSX.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/export_bench.py --scale city

It exports the works list of the district administrator through the Django
test client, as an officer's browser would, and reads the streamed body
chunk by chunk without keeping it. It measures the export alone: it needs the
database that `backoffice_bench.py --scale <scale> --keep` leaves behind
(test_huli_backoffice_<scale>_bench), and when that is missing it generates it
and restarts itself, so the generation's memory is not counted. Two figures:
the peak of Python allocations during the export (tracemalloc) and the
process's peak resident memory (getrusage), which includes Django and the
database driver's buffers. Results are in bench/README.md.
"""

import argparse
import resource
import subprocess
import sys
import time
import tracemalloc

from benchdb import bench_database


def export(client, path):
    """Fetch ``path`` and count its bytes without keeping them."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    size = 0
    for chunk in response.streaming_content if response.streaming else [response.content]:
        size += len(chunk)
    return size


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=["district", "city"], default="city")
    parser.add_argument("--format", action="append", choices=["csv", "xlsx"], default=[])
    parser.add_argument(
        "--no-trace", action="store_true", help="without tracemalloc, whose own records inflate the RSS and the time"
    )
    args = parser.parse_args()
    with bench_database(f"huli_backoffice_{args.scale}_bench", keep=True) as (vendor, reused):
        from backoffice_bench import staff_user
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from registration.models import Registration

        if not reused:
            call_command("generate_works", scale=args.scale)
        call_command("migrate", verbosity=0)
    if not reused:  # measure in a fresh process (a peak RSS survives exec)
        sys.exit(subprocess.run([sys.executable, *sys.argv]).returncode)
    with bench_database(f"huli_backoffice_{args.scale}_bench", keep=True) as (vendor, reused):
        get_user_model().objects.filter(username__startswith="bench_").delete()
        client = Client()
        client.force_login(staff_user("district"))
        works = Registration.objects.count()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(f"{vendor}: {works} works; peak RSS before exporting: {before:.0f} MB")
        print("| export | rows | MB written | seconds | Python peak MB (tracemalloc) | process peak RSS MB |")
        print("|---|---|---|---|---|---|")
        for export_format in args.format or ["csv", "xlsx"]:
            path = f"{reverse('works:index')}?export={export_format}"
            if not args.no_trace:
                tracemalloc.start()
            start = time.perf_counter()
            size = export(client, path)
            seconds = time.perf_counter() - start
            peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:.1f}" if not args.no_trace else "-"
            tracemalloc.stop()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"| {export_format} | {works} | {size / 1e6:.1f} | {seconds:.1f} | {peak} | {rss:.0f} |", flush=True)


if __name__ == "__main__":
    main()
