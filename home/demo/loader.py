"""Launch-day public content. Each area has its own module."""

from .site import ensure_home_page


def load():
    home = ensure_home_page()
    return [f"Home page: {home.title}"]
