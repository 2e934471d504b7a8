import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Uploads made by a test run go to a fresh temporary folder, removed at exit.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="huli-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="huli-test-private-"))
atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, ignore_errors=True)
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {**STORAGES["private"], "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},  # noqa: F405
}
ALLOW_DEMO_CONTENT = True
STAFF_TWO_FACTOR = False  # the two-factor tests turn it on
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run in-process whatever the environment says; the broker test starts its own worker.
CELERY_TASK_ALWAYS_EAGER = True
# Sessions in the database as before, whatever CACHE_URL says (the cache here is local memory).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Off for the suite: pages would be kept from one test to the next. The page
# cache's own tests (home/tests/test_page_cache.py) turn it on.
PAGE_CACHE_SECONDS = 0
