"""The public counters on the home page: four district-wide totals since the
measures took effect, no personal data, cached for an hour so a busy home
page costs no queries (the cache is Redis in production, CACHE_URL)."""

from django.core.cache import cache
from django.utils import timezone

from registration.models import Hazard, Inspection, Registration
from training.reports.figures import counted_records

CACHE_KEY = "evaluation:public-counters"
REFRESH_SECONDS = 3600


def count_now():
    return {
        "works": Registration.objects.count(),
        "inspections": Inspection.objects.count(),
        "hazards_rectified": Hazard.objects.filter(rectified_on__isnull=False).count(),
        "person_times": counted_records().count(),
        "counted_at": timezone.now(),
    }


def counters():
    """The counters, from the cache when they are less than an hour old."""
    return cache.get_or_set(CACHE_KEY, count_now, REFRESH_SECONDS)
