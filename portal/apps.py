from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Signal receivers: the audit trail, and the clock of a staff session.
        from . import audit, page_cache, security  # noqa: F401

        # The page cache is purged when anything a public page shows changes.
        page_cache.connect_signals()

        # An upgraded PostgreSQL site fills its new search index by itself.
        from django.db.models.signals import post_migrate

        from .search_backend import fill_tokens_after_upgrade

        post_migrate.connect(fill_tokens_after_upgrade, sender=self)
