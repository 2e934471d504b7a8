"""Registered works (小散工程和零星作业) and what happens to them.

Rules about numbering and status changes live in services.py; the models
only describe the data.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from portal.validators import mask_resident_id, validate_mobile, validate_resident_id, validate_uscc

__all__ = [
    "ANSWER_FIELDS",
    "Attachment",
    "AttachmentKind",
    "ContractorType",
    "HighRiskOperation",
    "Origin",
    "OwnerType",
    "ReferenceCounter",
    "RegistrantRole",
    "Registration",
    "SpecialArea",
    "Status",
    "StatusChange",
    "WorkCategory",
    "WorkKind",
    "attachment_path",
    "new_verify_token",
    "private_storage",
]


class WorkKind(models.TextChoices):
    SMALL_WORK = "small_work", _("Small work (小散工程)")
    SPORADIC = "sporadic", _("Sporadic operation (零星作业)")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned for correction")
    UNDER_WAY = "under_way", _("Registered, under way")
    STOPPED = "stopped", _("Stopped for rectification")
    COMPLETED = "completed", _("Completed and written off")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Opened by staff from a report or an inspection: the owner must complete it.
    FOUND_UNREGISTERED = "found_unregistered", _("Found unregistered: the owner must register it")


class Origin(models.TextChoices):
    """How the work came to be registered: the registration rate (纳管率) is
    the share registered by their owners before anyone found them."""

    SELF = "self", _("Registered by the owner or contractor")
    FOUND = "found", _("Found unregistered by a report or an inspection")


class SpecialArea(models.TextChoices):
    NONE = "none", _("None")
    INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other restricted area")


class OwnerType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")
    GOVERNMENT = "government", _("Government body")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    STATE_OWNED = "state_owned", _("State-owned enterprise")


class ContractorType(models.TextChoices):
    """Who does the work: a company, or a person (施工单位或者个人), such as
    an air-conditioner installer with no business licence."""

    ORGANISATION = "organisation", _("A company or other organisation")
    INDIVIDUAL = "individual", _("An individual")


class RegistrantRole(models.TextChoices):
    OWNER = "owner", _("The owner (建设单位/业主)")
    CONTRACTOR = "contractor", _("The contractor (施工单位)")
    PROPERTY_COMPANY = "property_company", _("A property management company on their behalf")


class WorkCategory(models.Model):
    """The scope list (editable by staff): what kinds of work are registered."""

    kind = models.CharField(_("kind"), max_length=20, choices=WorkKind.choices)
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("offered on the form"), default=True)
    inspection_interval_days = models.PositiveSmallIntegerField(
        _("inspect every (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("How often an inspector should visit a work of this category while it is under way."),
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("sort_order"),
        FieldPanel("active"),
        FieldPanel("inspection_interval_days"),
    ]

    class Meta:
        ordering = ["kind", "sort_order", "pk"]
        verbose_name = _("work category")
        verbose_name_plural = _("work categories")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="unique_category_per_kind")]

    def __str__(self):
        return self.name


class HighRiskOperation(models.Model):
    """Dangerous operations a work may involve (work at height, hot work …)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    inspection_interval_days = models.PositiveSmallIntegerField(
        _("inspect every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Leave empty to follow the category; a shorter interval applies to works with this operation."),
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("high-risk operation")
        verbose_name_plural = _("high-risk operations")

    def __str__(self):
        return self.name


def new_verify_token():
    return secrets.token_urlsafe(18)


# The registrant's answers stored on a work, in the order the form asks them: the form,
# the services that save them and the staff's detail page all take them from here.
ANSWER_FIELDS = (
    "kind",
    "category",
    "street",
    "community",
    "address",
    "special_area",
    "owner_type",
    "owner_name",
    "owner_contact",
    "owner_mobile",
    "owner_uscc",
    "contractor_type",
    "contractor_name",
    "contractor_uscc",
    "contractor_id_number",
    "site_manager_name",
    "site_manager_mobile",
    "worker_count",
    "registrant_role",
    "property_company_name",
    "property_company_contact",
    "property_company_mobile",
    "description",
    "planned_start",
    "planned_end",
    "investment_yuan",
    "floor_area_m2",
    "insured",
    "insurance_policy_number",
)


class Registration(models.Model):
    reference = models.CharField(_("reference number"), max_length=30, unique=True, editable=False)
    verify_token = models.CharField(max_length=40, unique=True, default=new_verify_token, editable=False)
    # The online draft this registration was submitted from: unique, so that a
    # draft submitted twice at once (double tap, two tabs) gives one registration.
    draft_id = models.CharField(max_length=32, null=True, blank=True, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )

    kind = models.CharField(_("kind"), max_length=20, choices=WorkKind.choices)
    category = models.ForeignKey(WorkCategory, on_delete=models.PROTECT, verbose_name=_("category"))

    # Indexed with the id (Meta.indexes), not alone.
    street = models.ForeignKey("portal.Street", on_delete=models.PROTECT, verbose_name=_("street"), db_index=False)
    community = models.ForeignKey("portal.Community", on_delete=models.PROTECT, verbose_name=_("community"))
    address = models.CharField(_("detailed address"), max_length=200)
    special_area = models.CharField(
        _("special area"), max_length=20, choices=SpecialArea.choices, default=SpecialArea.NONE
    )

    owner_type = models.CharField(_("owner type"), max_length=30, choices=OwnerType.choices)
    owner_name = models.CharField(_("owner name"), max_length=100)
    owner_contact = models.CharField(_("owner contact person"), max_length=50)
    owner_mobile = models.CharField(_("owner mobile"), max_length=11, validators=[validate_mobile])
    owner_uscc = models.CharField(
        _("owner unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )

    contractor_type = models.CharField(
        _("contractor type"), max_length=20, choices=ContractorType.choices, default=ContractorType.ORGANISATION
    )
    contractor_name = models.CharField(_("contractor name"), max_length=100)
    contractor_uscc = models.CharField(
        _("contractor unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    # Only for an individual contractor; shown masked everywhere (contractor_id_masked).
    contractor_id_number = models.CharField(
        _("contractor resident ID number"), max_length=18, blank=True, validators=[validate_resident_id]
    )
    site_manager_name = models.CharField(_("site manager"), max_length=50)
    site_manager_mobile = models.CharField(_("site manager mobile"), max_length=11, validators=[validate_mobile])
    worker_count = models.PositiveIntegerField(
        _("number of workers"), validators=[MinValueValidator(1), MaxValueValidator(9999)]
    )

    registrant_role = models.CharField(_("registered by"), max_length=20, choices=RegistrantRole.choices)
    property_company_name = models.CharField(_("property company"), max_length=100, blank=True)
    property_company_contact = models.CharField(_("property company contact"), max_length=50, blank=True)
    property_company_mobile = models.CharField(
        _("property company mobile"), max_length=11, blank=True, validators=[validate_mobile]
    )
    registrant_mobile = models.CharField(
        _("registrant mobile"),
        max_length=11,
        editable=False,
        help_text=_("The mobile number that, with the reference number, opens the status lookup."),
    )

    description = models.TextField(_("description of the work"), max_length=1000)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    # Asked only of small works: a sporadic operation needs no permit whatever its size.
    investment_yuan = models.DecimalField(
        _("investment (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    high_risk_operations = models.ManyToManyField(HighRiskOperation, blank=True, verbose_name=_("high-risk operations"))
    insured = models.BooleanField(_("work-safety liability insurance bought"), default=False)
    insurance_policy_number = models.CharField(_("insurance policy number"), max_length=50, blank=True)

    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.SELF, db_index=True, editable=False
    )
    # Empty only on a found-unregistered record the owner has not completed yet.
    commitment_accepted_at = models.DateTimeField(_("safety commitment accepted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the retention period had passed and the personal data were removed (retention.py).
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by staff"),
        help_text=_("Set when staff entered a paper registration for a walk-in."),
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["street", "status", "-submitted_at"]),
            # A street's works as an index-only scan, for the joins of a street's figures.
            models.Index(fields=["street", "id"], name="registration_street_ids"),
            # The review page's "already registered?" check (services.open_registrations_like).
            models.Index(fields=["owner_mobile", "address"], name="registration_owner_addr_idx"),
            # The works submitted in a period by kind, status and origin (the figures, the
            # dashboard's charts and panel, counted by id) as an index-only scan; it also orders the list.
            models.Index(
                fields=["submitted_at"], include=["kind", "status", "origin", "id"], name="registration_submitted_cover"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="registration_end_not_before_start",
            ),
            # A company is named by its credit code, a person by their ID number
            # (until the retention period ends and it is removed).
            models.CheckConstraint(
                condition=models.Q(contractor_type=ContractorType.ORGANISATION, contractor_uscc__gt="")
                | models.Q(contractor_type=ContractorType.INDIVIDUAL, contractor_id_number__gt="")
                | models.Q(anonymised_at__isnull=False)
                | models.Q(status=Status.FOUND_UNREGISTERED),
                name="registration_contractor_identified",
                violation_error_message=_(
                    "Give the contractor's unified social credit code, or for an individual their resident ID number."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=WorkKind.SMALL_WORK)
                | models.Q(investment_yuan__isnull=False, floor_area_m2__isnull=False)
                | models.Q(status=Status.FOUND_UNREGISTERED),
                name="registration_small_work_has_amounts",
                violation_error_message=_("A small work needs its investment and floor area."),
            ),
        ]

    def __str__(self):
        return self.reference or _("(new registration)")

    @property
    def contact_mobiles(self):
        """Who may look the registration up and gets its messages: whoever
        registered it, and the owner when someone registered on their behalf."""
        return list(dict.fromkeys(mobile for mobile in (self.registrant_mobile, self.owner_mobile) if mobile))

    @property
    def contractor_id_masked(self):
        return mask_resident_id(self.contractor_id_number) if self.contractor_id_number else ""

    @property
    def owner_is_person(self):
        return self.owner_type == OwnerType.INDIVIDUAL

    @property
    def high_risk_names(self):
        """The high-risk operations as one text (prefetch them for a list)."""
        return "、".join(operation.name for operation in self.high_risk_operations.all())


class StatusChange(models.Model):
    """Every status change: who, when, from what, to what and why."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    actor_label = models.CharField(
        _("actor"), max_length=50, help_text=_("Who acted, as shown to the registrant (e.g. 登记人, 湖里街道).")
    )
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        # The figures: changes to a status in a period, and the works accepted or closed before a date.
        indexes = [models.Index(fields=["to_status", "created_at", "registration"], name="status_change_to_at")]


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Site photo")
    CONTRACT = "contract", _("Contract")
    COMPLETION = "completion", _("Photo of the finished work")


def private_storage():
    """Uploads live outside MEDIA_ROOT and have no URL: only a view that checks
    permissions can send them."""
    from django.core.files.storage import storages

    return storages["private"]


def attachment_path(instance, filename):
    # The stored name is random; the original name is kept in a field.
    return f"registrations/{instance.registration.submitted_at:%Y/%m}/{secrets.token_hex(16)}{instance.extension}"


class Attachment(models.Model):
    """An uploaded file, kept in private storage and downloaded only through a permission check."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def extension(self):
        return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(self.content_type, "")


class ReferenceCounter(models.Model):
    """The last sequence number used for a prefix and year. Incremented with
    a single UPDATE, so numbers are never reused, even under concurrency."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="unique_counter_per_prefix_year")]
