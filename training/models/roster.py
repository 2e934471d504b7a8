"""The roster: the trainees, each identified by their mobile number, and
their roles. The roster rules are in validation.py."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from portal.validators import mask_mobile, normalise_mobile, validate_mobile

__all__ = [
    "Trainee",
    "TraineeRole",
]


class TraineeRole(models.TextChoices):
    STREET_OFFICER = "street_officer", _("Street case officer")
    GRID_WORKER = "grid_worker", _("Community grid worker")
    SAFETY_INSPECTOR = "safety_inspector", _("Full-time safety inspector")
    PROPERTY_STAFF = "property_staff", _("Property management staff")
    CONSTRUCTION_WORKER = "construction_worker", _("Construction worker")
    OTHER = "other", _("Other")


class Trainee(models.Model):
    """A person on the training roster, identified by their mobile number."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    role = models.CharField(_("role"), max_length=30, choices=TraineeRole.choices)
    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="trainees", verbose_name=_("street")
    )
    community = models.ForeignKey(
        "portal.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainees",
        verbose_name=_("community"),
    )
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    mobile = models.CharField(
        _("mobile number"),
        max_length=20,
        unique=True,
        validators=[validate_mobile],
        error_messages={"unique": _("A trainee with this mobile number is already on the roster.")},
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set when the retention period had passed and the personal data were removed (retention.py).
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("mobile"),
        # Plain selects rather than snippet choosers: short lists, quicker on a phone.
        FieldRowPanel([FieldPanel("street", widget=forms.Select), FieldPanel("community", widget=forms.Select)]),
        FieldPanel("organisation"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["street__sort_order", "street__code", "name", "pk"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        indexes = [models.Index(fields=["street", "role"], name="trainee_street_role")]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"

    def save(self, *args, **kwargs):
        self.mobile = normalise_mobile(self.mobile)
        super().save(*args, **kwargs)

    def clean(self):
        # The roster rules are in validation.check_trainee, which every form runs.
        self.mobile = normalise_mobile(self.mobile)

    @property
    def masked_mobile(self):
        return mask_mobile(self.mobile)

    @property
    def community_name(self):
        return self.community.name if self.community else ""
