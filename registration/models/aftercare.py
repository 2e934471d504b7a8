"""After the work: the registrant's request for completion write-off
(完工核销申请) and their one rating of the service (好差评).

The rules (who may ask, when, what a decision does) live in aftercare.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .works import Attachment, Registration

__all__ = ["CompletionRequest", "CompletionRequestStatus", "Satisfaction", "ServiceRating"]


class CompletionRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the street office")
    CONFIRMED = "confirmed", _("Confirmed: written off")
    DECLINED = "declined", _("Not confirmed")


class CompletionRequest(models.Model):
    """The registrant says the work is finished, with a photo; an officer or
    inspector confirms it by writing the work off, or declines with a reason."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="completion_requests")
    status = models.CharField(
        _("status"), max_length=20, choices=CompletionRequestStatus.choices, default=CompletionRequestStatus.PENDING
    )
    finished_on = models.DateField(_("work finished on"))
    note = models.TextField(_("note"), blank=True, max_length=500)
    # The photo is one of the work's attachments: it goes when the work is deleted.
    photo = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, related_name="+", verbose_name=_("photo of the finished work")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(_("why not confirmed"), blank=True, max_length=1000)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("completion write-off request")
        verbose_name_plural = _("completion write-off requests")
        constraints = [
            # One open request at a time, however the registrant taps.
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(status=CompletionRequestStatus.PENDING),
                name="one_pending_completion_request",
                violation_error_message=_("A request for completion write-off is already waiting."),
            )
        ]

    def __str__(self):
        return f"{self.registration} · {self.get_status_display()}"


class Satisfaction(models.IntegerChoices):
    """The five levels of the government service rating (好差评)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# Below this level the registrant must say why (差评 are followed up).
SATISFIED_OR_BETTER = Satisfaction.SATISFIED


class ServiceRating(models.Model):
    """One rating per work, given by the registrant after the write-off."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="rating", verbose_name=_("registration")
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=Satisfaction.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=500)
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-rated_at", "-pk"]
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="service_rating_level_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=SATISFIED_OR_BETTER) | ~models.Q(reason=""),
                name="service_rating_reason_below_satisfied",
                violation_error_message=_("Say why the service was below “satisfied”."),
            ),
        ]

    def __str__(self):
        return f"{self.registration} · {self.get_level_display()}"
