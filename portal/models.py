"""Reference data and settings shared by every app."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class Street(models.Model):
    """A street office (街道), identified by its administrative division code."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{9}$|^\d{12}$", _("Enter a 9 or 12 digit division code."))],
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self):
        return self.name


class Community(models.Model):
    """A residents' community (社区) inside a street."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("street"), FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["street__sort_order", "street__code", "sort_order", "name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="unique_community_per_street")]

    def __str__(self):
        return f"{self.street.name} · {self.name}"


@register_setting(icon="cog")
class PortalSettings(BaseGenericSetting):
    """Editable facts about the service, shown in the footer and used by the forms."""

    site_name = models.CharField(_("site name"), max_length=100, default="湖里区小散工程和零星作业安全生产纳管平台")
    hotline = models.CharField(_("hotline"), max_length=50, blank=True)
    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=100, blank=True)
    icp_number = models.CharField(
        _("ICP filing number"), max_length=50, blank=True, help_text=_("Shown in the footer, e.g. 闽ICP备xxxxxxxx号.")
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy notice page"),
    )
    threshold_investment_yuan = models.DecimalField(
        _("threshold: investment (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("300000"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "A work needs a construction permit only when it exceeds both limits; otherwise it is registered here."
        ),
    )
    threshold_area_m2 = models.DecimalField(
        _("threshold: floor area (m²)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("300"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "A work needs a construction permit only when it exceeds both limits; otherwise it is registered here."
        ),
    )

    reference_prefix = models.CharField(
        _("reference number prefix"),
        max_length=6,
        default="HL",
        validators=[RegexValidator(r"^[A-Z]{1,6}$", _("Use 1 to 6 capital letters."))],
        help_text=_("Registration numbers look like HL-2026-000123."),
    )
    permit_info_url = models.URLField(
        _("construction permit information"),
        blank=True,
        help_text=_("Where the scope check sends works that need a construction permit."),
    )
    temporary_construction_url = models.URLField(
        _("temporary construction rules"),
        blank=True,
        help_text=_("Where the scope check sends temporary constructions (临时建设工程)."),
    )
    sms_signature = models.CharField(
        _("SMS signature"),
        max_length=20,
        default="湖里区住建局",
        validators=[RegexValidator(r"^[^【】]+$", _("Write the signature without the brackets 【】."))],
        help_text=_(
            "The sender's name registered with the SMS gateway; messages start with it in brackets: 【湖里区住建局】."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("site_name"),
                FieldPanel("hotline"),
                FieldPanel("office_address"),
                FieldPanel("office_hours"),
                FieldPanel("icp_number"),
            ],
            heading=_("Contact and footer"),
        ),
        FieldPanel("privacy_page"),
        MultiFieldPanel(
            [FieldPanel("threshold_investment_yuan"), FieldPanel("threshold_area_m2")],
            heading=_("Small works threshold"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("reference_prefix"),
                FieldPanel("permit_info_url"),
                FieldPanel("temporary_construction_url"),
                FieldPanel("sms_signature"),
            ],
            heading=_("Registration"),
        ),
    ]

    # The footer links to the privacy notice on every page.
    select_related = ["privacy_page"]

    class Meta:
        verbose_name = _("portal settings")

    @classmethod
    def _get_or_create(cls):
        """Every page's footer shows these settings: read them once, then from
        the cache until the next purge (a save of the settings is one)."""
        from .page_cache import cached

        return cached("portal-settings", super()._get_or_create)

    def needs_construction_permit(self, investment_yuan, area_m2):
        """The national rule exempts a work at or below either limit (以下 includes
        the limit itself), so a permit is needed only when both are exceeded."""
        return investment_yuan > self.threshold_investment_yuan and area_m2 > self.threshold_area_m2


class StaffProfile(models.Model):
    """Which streets a member of staff works for. Street-scoped roles see only
    these streets' works, inspections, attachments and trainees."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    streets = models.ManyToManyField(Street, blank=True, related_name="staff", verbose_name=_("streets"))
    communities = models.ManyToManyField(
        Community,
        blank=True,
        related_name="staff",
        verbose_name=_("communities"),
        help_text=_("For community grid workers: the communities they report from."),
    )
    phone = models.CharField(_("work phone"), max_length=20, blank=True)

    panels = [FieldPanel("user"), FieldPanel("streets"), FieldPanel("communities"), FieldPanel("phone")]

    class Meta:
        verbose_name = _("staff street assignment")
        verbose_name_plural = _("staff street assignments")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Attachment download")


class AuditEvent(models.Model):
    """One entry of the audit trail (portal/audit.py): who did what, when,
    from where. Written once, never edited; only the district reads it."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("login name"), max_length=150, blank=True, db_index=True)
    address = models.CharField(_("client address"), max_length=64, blank=True)
    path = models.CharField(_("address visited"), max_length=300, blank=True)
    what = models.CharField(_("what"), max_length=300, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.get_action_display()} · {self.username}"


class SearchTokens(models.Model):
    """The bigram tokens of one indexed object, as a GIN-indexed tsvector (PostgreSQL only).

    Wagtail's PostgreSQL backend matches ``title || body`` of every index entry,
    which no index can serve, so the site's search scanned the whole table.
    portal/search_backend.py writes this row next to Wagtail's own entry (on
    publish, unpublish, delete and ``update_index``) and portal/search.py
    matches it with ``@@``. On SQLite the table exists but stays empty.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+", db_index=False)
    # An integer (Wagtail's entries hold text): joined with the pages' primary
    # key, so a misjudged plan costs index lookups, not a scan per hit.
    object_id = models.BigIntegerField()
    # The title's tokens, to rank title matches first.
    title = SearchVectorField()
    # Title (weight A) and body (weight D) tokens, with the 'simple' configuration.
    tokens = SearchVectorField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="portal_searchtokens_object"),
        ]
        indexes = [GinIndex(fields=["tokens"], name="portal_searchtokens_gin")]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"


def sms_text(text):
    """A text message as the gateway wants it: 【signature】 first, one full stop at most at the end."""
    signature = PortalSettings.load().sms_signature
    return f"【{signature}】{text}"
