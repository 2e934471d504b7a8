from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Statistics over works and training: the officers' dashboard, the
    yearly evaluation figures and the public counters. It reads the
    registration and training apps; they never import it."""

    name = "evaluation"
    verbose_name = _("Evaluation figures")
    default_auto_field = "django.db.models.BigAutoField"
