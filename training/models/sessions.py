"""Topics, training sessions and their audience, the attendance records,
and the training settings (defaults for new sessions and the reports)."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .roster import Trainee, TraineeRole

__all__ = [
    "ATTENDED",
    "Attendance",
    "AttendanceSource",
    "AttendanceStatus",
    "AudienceRole",
    "CHECKIN_ALPHABET",
    "CHECKIN_CODE_LENGTH",
    "SessionLevel",
    "SessionStatus",
    "Topic",
    "TrainingSession",
    "TrainingSettings",
    "new_checkin_code",
]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# Statuses that count as a person-time (人次) of training received.
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class AttendanceSource(models.TextChoices):
    SHEET = "sheet", _("Attendance sheet")
    SELF_CHECKIN = "self_checkin", _("Self check-in")
    WALK_IN = "walk_in", _("Walk-in added by the trainer")


class SessionLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Topic(models.Model):
    """What a session teaches: one of the high-risk accident types, the
    registration rules, inspection practice … Editable by staff."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.TextField(pgettext_lazy("topic", "description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")

    def __str__(self):
        return self.name


class AudienceRole(models.Model):
    """One row per TraineeRole (loaded by migration 0002), so that a
    session's audience is a plain many-to-many relation: editable with
    checkboxes and filterable on every database (JSON containment is not
    available on SQLite). Add a row in a migration when a role is added."""

    code = models.CharField(_("role"), max_length=30, choices=TraineeRole.choices, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("audience role")
        verbose_name_plural = _("audience roles")

    def __str__(self):
        return str(self.get_code_display())


# Easy to read aloud and to type on a phone: no 0/O, 1/I/L.
CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECKIN_CODE_LENGTH = 6


def new_checkin_code():
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _position in range(CHECKIN_CODE_LENGTH))


class TrainingSession(models.Model):
    """One training session (培训场次) with its trainers, audience and check-in window."""

    title = models.CharField(_("title"), max_length=100)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("topic"))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="training_sessions",
        verbose_name=_("trainers"),
        help_text=_("Only these trainers may edit the session and mark its attendance."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200)
    level = models.CharField(
        _("organised by"), max_length=10, choices=SessionLevel.choices, default=SessionLevel.DISTRICT
    )
    street = models.ForeignKey(
        "portal.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("street"),
        help_text=_("Required when the session is organised by a street."),
    )
    audience_roles = models.ManyToManyField(
        AudienceRole,
        related_name="sessions",
        verbose_name=_("audience"),
        help_text=_("The roles expected to attend; the attendance sheet lists their trainees."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    materials = models.ManyToManyField(
        "wagtaildocs.Document", blank=True, related_name="training_sessions", verbose_name=_("materials")
    )
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    checkin_code = models.CharField(
        _("check-in code"), max_length=CHECKIN_CODE_LENGTH, unique=True, default=new_checkin_code, editable=False
    )
    checkin_opens_minutes_before = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the start)"), default=30, validators=[MaxValueValidator(24 * 60)]
    )
    late_after_minutes = models.PositiveSmallIntegerField(
        _("late after (minutes after the start)"),
        default=15,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("Trainees checking in later than this are marked late."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["starts_at"], name="session_starts_at")]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d} {self.title}"

    @property
    def organiser(self):
        """The street that organises it, or "district"."""
        return self.street.name if self.level == SessionLevel.STREET and self.street else self.get_level_display()

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        if self.level == SessionLevel.STREET and not self.street_id:
            errors["street"] = _("Choose the street that organises this session.")
        if self.level == SessionLevel.DISTRICT:
            self.street = None
        if errors:
            raise ValidationError(errors)


class Attendance(models.Model):
    """Whether one trainee attended one session. One row per pair: marking
    again updates the row (see services.mark_attendance)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("trainee")
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
        help_text=_("Empty for a self check-in."),
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=20, choices=AttendanceSource.choices, default=AttendanceSource.SHEET
    )

    class Meta:
        ordering = ["session", "trainee__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="one_attendance_per_session_trainee")
        ]
        indexes = [models.Index(fields=["trainee", "status"], name="attendance_trainee_status")]

    def __str__(self):
        return f"{self.trainee.name} · {self.get_status_display()}"


@register_setting(icon="calendar-alt")
class TrainingSettings(BaseGenericSetting):
    """Site-wide defaults for new sessions and the compliance report."""

    default_grace_minutes = models.PositiveSmallIntegerField(
        _("default grace period (minutes)"),
        default=15,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("New sessions mark a self check-in as late this many minutes after the start."),
    )
    default_checkin_lead_minutes = models.PositiveSmallIntegerField(
        _("default check-in lead time (minutes)"),
        default=30,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("New sessions open the self check-in this many minutes before the start."),
    )
    compliance_min_sessions_per_year = models.PositiveSmallIntegerField(
        _("sessions required per year"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Trainees who attended fewer sessions this year are listed as not compliant."),
    )

    panels = [
        FieldPanel("default_grace_minutes"),
        FieldPanel("default_checkin_lead_minutes"),
        FieldPanel("compliance_min_sessions_per_year"),
    ]

    class Meta:
        verbose_name = _("training settings")
