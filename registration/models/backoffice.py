"""Daily inspections, hazards, enforcement referrals and the notification outbox."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .works import Registration, Status, private_storage

__all__ = [
    "EnforcementReferral",
    "Hazard",
    "HazardCategory",
    "Inspection",
    "InspectionResult",
    "InspectionTally",
    "OpenedVia",
    "OutboundMessage",
    "OutboxStatus",
    "StatusTally",
    "WorkActivity",
]


class InspectionResult(models.TextChoices):
    NO_HAZARD = "no_hazard", _("No hazard found")
    HAZARDS = "hazards", _("Hazards found")
    STOP_WORK = "stop_work", _("Stop work ordered")


class OpenedVia(models.TextChoices):
    """How the inspector opened the inspection form: scanning the receipt's
    QR code on site is the proof of presence."""

    SCAN = "scan", _("Scanned the site's QR code")
    ROUND = "round", _("From the inspection round")
    DESK = "desk", _("From the back office")


def _coordinate(name, limit):
    return models.DecimalField(
        name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
    )


class Inspection(models.Model):
    """A daily inspection (日常巡查) of a registered work."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="inspections")
    inspected_at = models.DateTimeField(_("inspected at"), default=timezone.now, db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    opened_via = models.CharField(_("opened"), max_length=10, choices=OpenedVia.choices, default=OpenedVia.DESK)
    device_time = models.DateTimeField(_("time on the inspector's phone"), null=True, blank=True)
    latitude = _coordinate(_("latitude"), 90)
    longitude = _coordinate(_("longitude"), 180)
    position_accuracy_m = models.PositiveIntegerField(_("position accuracy (m)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-inspected_at", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["registration", "-inspected_at"]),
            # A hazard's finding time for the figures, read from the index alone (PostgreSQL).
            models.Index(fields=["id"], include=["inspected_at"], name="inspection_found_at"),
        ]


class KeptByTriggers:
    """A table that PostgreSQL's triggers keep from other rows: backups leave
    it out and call ``rebuild_from_records`` after a restore (portal/backups.py)."""

    @classmethod
    def rebuild_from_records(cls):
        from registration.kept import rebuild

        rebuild(cls._meta.db_table)


class InspectionTally(KeptByTriggers, models.Model):
    """The number of inspections per street and day (in Xiamen), kept by
    PostgreSQL triggers (migration 0016) on every insert, update and delete
    of an inspection, and when a work moves street. The figures and the
    dashboard sum these rows instead of counting a city's millions of
    inspections; on SQLite the table stays empty and they count inspections."""

    street = models.ForeignKey("portal.Street", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    inspections = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["street", "day"], name="inspection_tally_street_day")]
        indexes = [models.Index(fields=["day", "street"], name="inspection_tally_day")]


class StatusTally(KeptByTriggers, models.Model):
    """The status changes per street, day (in Xiamen) and new status, kept by
    PostgreSQL triggers (migration 0023) as InspectionTally is. The evaluation's
    write-offs and stop-work orders sum these rows instead of joining a street's
    status changes with its works; on SQLite the table stays empty and they are
    counted from the status changes."""

    street = models.ForeignKey("portal.Street", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changes = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["street", "day", "to_status"], name="status_tally_street_day_status")
        ]
        indexes = [models.Index(fields=["day", "street"], name="status_tally_day")]


class WorkActivity(KeptByTriggers, models.Model):
    """When a work was under way and on which days it was inspected, one row
    per work, kept by PostgreSQL triggers (migration 0019) on every change to
    works, status changes and inspections. ``accepted_at`` is its first
    acceptance, ``ended_at`` its first write-off or withdrawal; the days it was
    inspected (in Xiamen) are the ``inspected_days`` datemultirange column,
    which only PostgreSQL has. The inspection coverage figure reads one row per
    work instead of searching the status changes and inspections of every
    work; on SQLite the table stays empty and the figure is counted from them."""

    registration = models.OneToOneField(
        "registration.Registration",
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the trigger on works deletes the row
        db_constraint=False,
        related_name="+",
    )
    street = models.ForeignKey("portal.Street", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    planned_start = models.DateField()
    accepted_at = models.DateTimeField(null=True)
    ended_at = models.DateTimeField(null=True)


class HazardCategory(models.TextChoices):
    FALL_PROTECTION = "fall_protection", _("Fall protection")
    TEMPORARY_POWER = "temporary_power", _("Temporary electricity")
    HOT_WORK = "hot_work", _("Hot work")
    STRUCK_BY = "struck_by", _("Struck by objects")
    COLLAPSE = "collapse", _("Collapse")
    POISONING = "poisoning", _("Poisoning or asphyxiation")
    FIRE = "fire", _("Fire")
    OTHER = "other", _("Other")


def hazard_photo_path(instance, filename):
    import secrets

    return f"hazards/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.jpg"


class HazardQuerySet(models.QuerySet):
    """The one definition of an open and an overdue hazard, used by every list,
    count and rule: neither rectified nor closed by a write-off."""

    def open(self):
        return self.filter(rectified_on__isnull=True, written_off_on__isnull=True)

    def overdue(self, today=None):
        return self.open().filter(deadline__lt=today or timezone.localdate())


# The same condition as a Q, for partial indexes and subqueries.
OPEN_HAZARD = models.Q(rectified_on__isnull=True, written_off_on__isnull=True)


class Hazard(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="hazards")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="hazards")
    # Its inspection's time, copied (inspections are never re-timed) so that the
    # hazards found in a period are read from an index, not through every inspection.
    found_at = models.DateTimeField(editable=False, db_index=True)
    category = models.CharField(_("category"), max_length=30, choices=HazardCategory.choices)
    description = models.TextField(_("description"), max_length=1000)
    photo = models.ImageField(_("photo"), upload_to=hazard_photo_path, storage=private_storage, blank=True)
    # From the photo's EXIF data: kept here, never in the stored (re-encoded) photo.
    photo_latitude = _coordinate(_("photo latitude"), 90)
    photo_longitude = _coordinate(_("photo longitude"), 180)
    deadline = models.DateField(_("rectify by"))
    # When the reminder before the deadline and the notice after it were queued (reminders.py).
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_photo = models.ImageField(
        _("rectification photo"), upload_to=hazard_photo_path, storage=private_storage, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    written_off_on = models.DateField(
        _("closed by write-off on"),
        null=True,
        blank=True,
        help_text=_("Set when the work was written off with this hazard still open (an override)."),
    )

    objects = HazardQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        indexes = [
            models.Index(fields=["registration", "rectified_on", "deadline"]),
            models.Index(fields=["registration", "deadline"], condition=OPEN_HAZARD, name="hazard_open_by_work"),
        ]

    def save(self, *args, **kwargs):
        if self.found_at is None:
            self.found_at = self.inspection.inspected_at
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.rectified_on is None and self.written_off_on is None

    @property
    def closed_by_write_off(self):
        return self.rectified_on is None and self.written_off_on is not None

    def is_overdue(self, today=None):
        return self.is_open and self.deadline < (today or timezone.localdate())


class EnforcementReferral(models.Model):
    """A case passed to the enforcement department (执法处置)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="referrals")
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("enforcement department"), max_length=100)
    reason = models.TextField(_("reason"), max_length=2000)
    case_number = models.CharField(_("case number"), max_length=50, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-referred_at", "-pk"]
        verbose_name = _("enforcement referral")
        verbose_name_plural = _("enforcement referrals")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Gave up")


class OutboundMessage(models.Model):
    """A message to a registrant, queued with the change that caused it and
    sent later, with retries, so a failed send is never lost."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=10, default="sms")
    recipient = models.CharField(max_length=100)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
