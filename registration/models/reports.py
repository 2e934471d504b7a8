"""Whistle-blowing (吹哨): what grid workers and the public report seeing,
and what the street office made of it. The rules live in reports.py."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_mobile

from .backoffice import _coordinate
from .works import Registration, private_storage

__all__ = ["Report", "ReportPhoto", "ReportSource", "ReportStatus", "ReportSubject"]


class ReportSubject(models.TextChoices):
    UNREGISTERED = "unregistered", _("Work that seems not to be registered")
    UNSAFE = "unsafe", _("Unsafe practice (for example no harness at height)")
    OTHER = "other", _("Something else")


class ReportSource(models.TextChoices):
    PUBLIC = "public", _("A member of the public")
    GRID_WORKER = "grid_worker", _("A community grid worker")


class ReportStatus(models.TextChoices):
    NEW = "new", _("Waiting for the street office")
    INSPECTOR_SENT = "inspector_sent", _("An inspector is checking it")
    LINKED = "linked", _("The work is registered")
    FOUND_UNREGISTERED = "found_unregistered", _("Found unregistered: the owner must register it")
    CLOSED = "closed", _("Closed")


# The outcomes after which a report is finished (the reporter sees its outcome).
DECIDED = (ReportStatus.LINKED, ReportStatus.FOUND_UNREGISTERED, ReportStatus.CLOSED)


class Report(models.Model):
    reference = models.CharField(_("reference number"), max_length=30, unique=True, editable=False)
    source = models.CharField(_("reported by"), max_length=20, choices=ReportSource.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW, db_index=True
    )
    subject = models.CharField(_("what was seen"), max_length=20, choices=ReportSubject.choices)
    street = models.ForeignKey("portal.Street", on_delete=models.PROTECT, verbose_name=_("street"))
    community = models.ForeignKey("portal.Community", on_delete=models.PROTECT, verbose_name=_("community"))
    address = models.CharField(_("address"), max_length=200)
    description = models.TextField(_("description"), max_length=1000)
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_mobile = models.CharField(_("reporter's mobile"), max_length=11, blank=True, validators=[validate_mobile])
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("grid worker"),
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)

    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("registration"),
    )
    assigned_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspector sent"),
    )
    outcome = models.TextField(
        _("outcome told to the reporter"), blank=True, max_length=500, help_text=_("The reporter sees this text.")
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["street", "status", "-created_at"]),
            models.Index(fields=["reported_by", "-created_at"]),
            models.Index(fields=["assigned_inspector", "status"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_decided(self):
        return self.status in DECIDED


def report_photo_path(instance, filename):
    return f"reports/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.jpg"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(_("photo"), upload_to=report_photo_path, storage=private_storage, max_length=200)
    latitude = _coordinate(_("photo latitude"), 90)
    longitude = _coordinate(_("photo longitude"), 180)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
