"""Demo: the public training calendar page, under the default site's root
page (the home page), created and published once; loading again changes
nothing. Listed in DEMO_LOADERS after the other loaders, so the home page
exists by then."""

from django.conf import settings
from wagtail.models import Site

from .models import TrainingCalendarPage

SLUG = "training"
TITLE = "培训日程"
INTRO = (
    "<p>区、街道两级为街道小散纳管员、社区网格员和专职安全员举办的安全培训，按开始时间排列。"
    "参加培训时，请在现场扫描签到海报上的二维码，用登记的手机号签到。</p>"
)


def ensure_calendar_page():
    """The calendar page, created and published if missing; an existing one is left as it is."""
    existing = TrainingCalendarPage.objects.first()
    if existing is not None:
        return existing, False
    root = Site.objects.get(is_default_site=True).root_page
    page = TrainingCalendarPage(title=TITLE, slug=SLUG, intro=INTRO, show_in_menus=True)
    root.add_child(instance=page)
    page.save_revision().publish()
    return TrainingCalendarPage.objects.get(pk=page.pk), True


def load():
    page, created = ensure_calendar_page()
    # The address a visitor types, from the site root (url_path also holds the root page's slug).
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return [f"Training calendar: {base}{page.get_url()} ({'created' if created else 'already there'})"]
