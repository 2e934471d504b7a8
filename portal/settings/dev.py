from .base import *  # noqa: F401,F403
from .env import env_bool, env_str

DEBUG = True
ALLOWED_HOSTS = ["*"]
ALLOW_DEMO_CONTENT = True
# The demo logins work with the password alone; STAFF_TWO_FACTOR=1 tries the real thing.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", False)
# A template edited in development shows within a minute.
PAGE_CACHE_SECONDS = int(env_str("PAGE_CACHE_SECONDS", "60"))
