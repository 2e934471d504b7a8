"""The unknown-number requests of the self check-in: someone not on the
roster asks to be added, a trainer confirms or rejects."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.validators import normalise_mobile, validate_mobile

from .roster import Trainee, TraineeRole
from .sessions import TrainingSession

__all__ = [
    "CheckinRequest",
    "RequestStatus",
]


class RequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("request status", "Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class CheckinRequest(models.Model):
    """Someone whose mobile is not on the roster asks, at check-in, to be
    added; a trainer confirms (creating the trainee) or rejects it."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="checkin_requests", verbose_name=_("session")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=20, validators=[validate_mobile])
    role = models.CharField(_("role"), max_length=30, choices=TraineeRole.choices)
    street = models.ForeignKey("portal.Street", on_delete=models.PROTECT, related_name="+", verbose_name=_("street"))
    community = models.ForeignKey(
        "portal.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkin_requests",
        verbose_name=_("trainee"),
        help_text=_("The roster entry created or matched on confirmation."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("check-in request")
        verbose_name_plural = _("check-in requests")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "mobile"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_session_mobile",
            )
        ]

    def __str__(self):
        return f"{self.name} · {self.session}"

    def save(self, *args, **kwargs):
        self.mobile = normalise_mobile(self.mobile)
        super().save(*args, **kwargs)
