"""Generate realistic volumes of works, inspections, hazards and enforcement
referrals, for demos and benchmarks. See registration/generator.py."""

import datetime
import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from registration.generator import Generator

# Huli's evaluation: 2,690 hazards rectified in 469,009 inspections.
HULI_HAZARD_RATE = 2690 / 469009
HULI_WORKS, HULI_INSPECTIONS, HULI_PERSON_TIMES = 20213, 469009, 1100
# A scale multiplies Huli's figures: the whole city is about six districts like it.
SCALES = {"district": 1, "city": 6}


class Command(BaseCommand):
    help = (
        "Bulk-create demo works with inspections, hazards and referrals: --scale district (Huli's figures, "
        "--works 20213 --inspections 469009) or city (six times those), or give --works and --inspections."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=SCALES,
            help="Huli's figures (district) or six times them (city); --works and the others override a figure.",
        )
        parser.add_argument("--works", type=int)
        parser.add_argument("--inspections", type=int)
        parser.add_argument(
            "--hazard-rate",
            type=float,
            default=HULI_HAZARD_RATE,
            help="Share of inspections that find a hazard (default: Huli's, about 0.006).",
        )
        parser.add_argument(
            "--reports", type=int, default=None, help="Reports (吹哨) to create (default: one per 20 works)."
        )
        parser.add_argument(
            "--person-times",
            type=int,
            help="Training person-times per year, through generate_training when installed "
            "(Huli: 1,100, the default; ×6 for a city; 0: none).",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--start",
            type=datetime.date.fromisoformat,
            default=datetime.date(2022, 3, 1),
            help="First submission date, YYYY-MM-DD.",
        )
        parser.add_argument("--force", action="store_true", help="Run even where demo content is not allowed.")

    def handle(
        self,
        *args,
        hazard_rate,
        seed,
        start,
        force,
        works=None,
        inspections=None,
        scale=None,
        reports=None,
        person_times=None,
        **options,
    ):
        if not getattr(settings, "ALLOW_DEMO_CONTENT", False) and not force:
            raise CommandError("Demo content is not allowed with these settings (ALLOW_DEMO_CONTENT); use --force.")
        if works is None and scale is None:
            raise CommandError("Give --scale district, --scale city or --works.")
        factor = SCALES[scale or "district"]
        works = HULI_WORKS * factor if works is None else works
        inspections = (HULI_INSPECTIONS * factor if scale else 0) if inspections is None else inspections
        person_times = HULI_PERSON_TIMES * factor if person_times is None else person_times
        if works < 1 or inspections < 0 or not 0 <= hazard_rate <= 1 or (reports or 0) < 0:
            raise CommandError("Give --works ≥ 1, --inspections ≥ 0 and a --hazard-rate between 0 and 1.")
        verbose = options["verbosity"] > 1
        began = time.monotonic()
        try:
            generator = Generator(
                seed=seed, start=start, log=self.stdout.write if verbose else lambda text: None, incident_factor=factor
            )
            counts = generator.run(works, inspections, hazard_rate, reports=reports)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if person_times and "generate_training" in get_commands():
            # By name: the training app stays optional, and registration does not import it.
            call_command("generate_training", years=generator.years, person_times=person_times, seed=seed, force=True)
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Created {summary} in {time.monotonic() - began:.1f} s.")
