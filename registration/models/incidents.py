"""The incident register (安全事件): accidents on small works and sporadic
operations, counted by type and kind in the yearly evaluation."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .works import Registration, WorkKind

__all__ = ["Incident", "IncidentSeverity", "IncidentType"]


class IncidentType(models.TextChoices):
    FALL = "fall", _("Fall from height")
    MECHANICAL = "mechanical", _("Mechanical injury")
    ELECTRIC_SHOCK = "electric_shock", _("Electric shock")
    FIRE = "fire", _("Fire")
    STRUCK_BY = "struck_by", _("Struck by an object")
    COLLAPSE = "collapse", _("Collapse")
    POISONING = "poisoning", _("Poisoning or asphyxiation")
    OTHER = "other", _("Other")


class IncidentSeverity(models.TextChoices):
    """The national grading of production safety accidents, plus the events
    without injury that the district still records."""

    NO_INJURY = "no_injury", _("No injury (near miss)")
    MINOR = "minor", _("Minor injuries")
    GENERAL = "general", _("General accident (一般事故)")
    LARGER = "larger", _("Larger accident (较大事故) or worse")


class Incident(models.Model):
    occurred_on = models.DateField(_("date of the incident"), db_index=True)
    street = models.ForeignKey("portal.Street", on_delete=models.PROTECT, verbose_name=_("street"))
    community = models.ForeignKey("portal.Community", on_delete=models.PROTECT, verbose_name=_("community"))
    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        verbose_name=_("registration"),
        help_text=_("The registered work it happened on, if any."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WorkKind.choices)
    incident_type = models.CharField(_("type of incident"), max_length=20, choices=IncidentType.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=IncidentSeverity.choices)
    deaths = models.PositiveSmallIntegerField(_("deaths"), default=0, validators=[MaxValueValidator(999)])
    injuries = models.PositiveSmallIntegerField(_("injured"), default=0, validators=[MaxValueValidator(999)])
    summary = models.TextField(_("what happened"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["street", "occurred_on"])]

    def __str__(self):
        return f"{self.occurred_on:%Y-%m-%d} {self.get_incident_type_display()}"

    @property
    def registration_reference(self):
        return self.registration.reference if self.registration_id else ""
