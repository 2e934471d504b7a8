"""Generate held training sessions with a given number of person-times per
year, for demos and benchmarks. See training/generator.py."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from training.generator import TrainingGenerator

# Huli's evaluation: 1,100 person-times of training in a year.
HULI_PERSON_TIMES = 1100


class Command(BaseCommand):
    help = "Bulk-create held training sessions (Huli: --years 2023 2024 --person-times 1100)."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, nargs="+", required=True)
        parser.add_argument("--person-times", type=int, default=HULI_PERSON_TIMES, help="Per year (default 1,100).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Run even where demo content is not allowed.")

    def handle(self, *args, years, person_times, seed, force, **options):
        if not getattr(settings, "ALLOW_DEMO_CONTENT", False) and not force:
            raise CommandError("Demo content is not allowed with these settings (ALLOW_DEMO_CONTENT); use --force.")
        if person_times < 0 or any(not 2000 <= year <= 2100 for year in years):
            raise CommandError("Give years between 2000 and 2100 and --person-times ≥ 0.")
        try:
            counts = TrainingGenerator(seed).run(years, person_times)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Created " + ", ".join(f"{n} {name}" for name, n in counts.items()) + ".")
