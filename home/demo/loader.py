"""Launch-day public content. Each area has its own module; each only adds
what is missing, so loading twice changes nothing."""

from . import leaflet, notices, pages, policies, videos
from .site import ensure_home_page


def load():
    home = ensure_home_page()
    report = [f"Home page: {home.title}"]
    for area in (pages, policies, leaflet, videos, notices):
        report.extend(area.load(home))
    return report
