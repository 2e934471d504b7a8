"""The public registration form: every rule the registrant's answers must meet.

One form class serves a new registration and the correction of a returned
one. The views keep the checked answers in the session between the form and
the review page, so the form also knows how to turn its answers into plain
strings (``serialise``) and to rebuild itself from them.
"""

import datetime
import functools
from decimal import Decimal

import filetype
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import model_to_dict
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from portal.forms import error_summary, name_field_errors
from portal.models import PortalSettings
from portal.uploads import MAX_PIXELS, pdf_is_active, too_many_pixels
from portal.validators import (
    mask_resident_id,
    normalise_mobile,
    normalise_resident_id,
    normalise_uscc,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

from ..models import (
    ANSWER_FIELDS,
    AttachmentKind,
    ContractorType,
    OwnerType,
    RegistrantRole,
    Registration,
    WorkCategory,
    WorkKind,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# Recognised by their first bytes, never by the name the browser sends.
PHOTO_TYPES = {"image/jpeg", "image/png"}
CONTRACT_TYPES = PHOTO_TYPES | {"application/pdf"}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}

ORGANISATIONS = [OwnerType.COMPANY, OwnerType.GOVERNMENT, OwnerType.PUBLIC_INSTITUTION, OwnerType.STATE_OWNED]

# Fields that apply only after a given answer: field -> (controlling field,
# values for which it applies). They are required then and ignored otherwise,
# so a stray value typed while JavaScript was off cannot block the form.
# "kind" is not asked: it follows from the category chosen.
CONDITIONAL = {
    "owner_uscc": ("owner_type", ORGANISATIONS),
    "contractor_uscc": ("contractor_type", [ContractorType.ORGANISATION]),
    "contractor_id_number": ("contractor_type", [ContractorType.INDIVIDUAL]),
    "investment_yuan": ("kind", [WorkKind.SMALL_WORK]),
    "floor_area_m2": ("kind", [WorkKind.SMALL_WORK]),
    "property_company_name": ("registrant_role", [RegistrantRole.PROPERTY_COMPANY]),
    "property_company_contact": ("registrant_role", [RegistrantRole.PROPERTY_COMPANY]),
    "property_company_mobile": ("registrant_role", [RegistrantRole.PROPERTY_COMPANY]),
    "insurance_policy_number": ("insured", [True]),
}

# The sections of the form, in order: anchor, legend and fields. The review
# page shows the answers with the same grouping.
SECTIONS = [
    ("section-category", _("Type of work"), ["category"]),
    ("section-location", _("Location of the work"), ["street", "community", "address", "special_area"]),
    (
        "section-owner",
        _("Owner or developer"),
        ["owner_type", "owner_name", "owner_contact", "owner_mobile", "owner_uscc"],
    ),
    (
        "section-contractor",
        _("Contractor (company or individual)"),
        [
            "contractor_type",
            "contractor_name",
            "contractor_uscc",
            "contractor_id_number",
            "site_manager_name",
            "site_manager_mobile",
            "worker_count",
        ],
    ),
    (
        "section-registrant",
        _("Who is registering"),
        ["registrant_role", "property_company_name", "property_company_contact", "property_company_mobile"],
    ),
    (
        "section-work",
        _("About the work"),
        [
            "description",
            "planned_start",
            "planned_end",
            "investment_yuan",
            "floor_area_m2",
            "high_risk_operations",
            "insured",
            "insurance_policy_number",
        ],
    ),
    ("section-attachments", _("Attachments"), ["photos", "contract", "remove_files"]),
    ("section-commitment", _("Privacy notice and safety commitment"), ["commitment"]),
]


class TelInput(forms.TextInput):
    input_type = "tel"


class NormalisedField(forms.CharField):
    """A text field whose value is tidied before it is checked (spaces, case).

    The identifier validator checks the length itself, so the model's
    max_length is not enforced twice with two different messages.
    """

    normalise = staticmethod(str.strip)
    input_attrs = {}

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(**kwargs)

    def to_python(self, value):
        return self.normalise(super().to_python(value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), **self.input_attrs}


class MobileField(NormalisedField):
    """Takes 138 0000 0000, 138-0000-0000 or +86…; keeps the 11 digits."""

    widget = TelInput
    default_validators = [validate_mobile]
    normalise = staticmethod(normalise_mobile)
    input_attrs = {"autocomplete": "tel", "inputmode": "tel", "maxlength": "20"}


class USCCField(NormalisedField):
    default_validators = [validate_uscc]
    normalise = staticmethod(normalise_uscc)
    input_attrs = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": "20"}


class ResidentIDField(NormalisedField):
    """An 18-character resident ID number (GB 11643). In a correction the form
    shows only its masked form; sending that mask back keeps the number given
    before (``known``), so the full number never goes back to the browser."""

    default_validators = [validate_resident_id]
    normalise = staticmethod(normalise_resident_id)
    input_attrs = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": "20"}
    known = ""

    def to_python(self, value):
        value = super().to_python(value)
        return self.known if self.known and value == mask_resident_id(self.known) else value


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """Zero or more files; each one is checked by ``inspect_upload``."""

    def __init__(self, *, allowed_types, multiple=False, **kwargs):
        self.allowed_types = allowed_types
        widget = MultipleFileInput if multiple else forms.FileInput
        accept = ",".join(
            sorted(
                {".jpg", ".jpeg", ".png", ".pdf"} if "application/pdf" in allowed_types else {".jpg", ".jpeg", ".png"}
            )
        )
        super().__init__(required=False, widget=widget(attrs={"accept": accept}), **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        errors = []
        for upload in uploads:
            try:
                super().clean(upload)
                upload.content_type = inspect_upload(upload, self.allowed_types)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return uploads


def inspect_upload(upload, allowed_types):
    """The real content type of an upload, or a ValidationError naming the file.

    The size is checked first, from what the upload handler counted, so a
    huge file is never read; then the first bytes say what the file is, and
    images must also open in Pillow (a PNG signature in front of garbage is
    not a photo).
    """
    params = {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(MAX_FILE_BYTES)}
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file can be at most %(limit)s."), code="file_too_large", params=params
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(262))
    upload.seek(0)
    content_type = kind.mime if kind else None
    if content_type not in allowed_types:
        message = (
            _("“%(name)s” is not a JPG or PNG photo.")
            if "application/pdf" not in allowed_types
            else _("“%(name)s” is not a JPG, PNG or PDF file.")
        )
        raise ValidationError(message, code="file_type", params=params)
    if content_type == "application/pdf" and pdf_is_active(upload):
        raise ValidationError(
            _(
                "“%(name)s” contains scripts or actions that run when it is opened, so it cannot be accepted. "
                "Save it again as a plain PDF, or upload a photo of it."
            ),
            code="file_active",
            params=params,
        )
    if content_type in PILLOW_FORMATS:
        try:
            with Image.open(upload) as image:
                if too_many_pixels(image):
                    raise ValidationError(
                        _(
                            "“%(name)s” has too many pixels (%(pixels)s million); a photo can have at most %(limit)s million."
                        ),
                        code="file_pixels",
                        params={
                            **params,
                            "pixels": image.width * image.height // 1_000_000,
                            "limit": MAX_PIXELS // 1_000_000,
                        },
                    )
                image.verify()
                if image.format != PILLOW_FORMATS[content_type]:
                    raise ValueError(image.format)
        except ValidationError:
            raise
        except Exception as error:  # Pillow raises many kinds of errors for a broken file
            raise ValidationError(
                _("“%(name)s” cannot be opened as an image; it may be damaged."), code="file_damaged", params=params
            ) from error
        finally:
            upload.seek(0)
    return content_type


def one_year_after(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def grouped_choices(queryset, group_of, empty_label):
    """Choices in <optgroup>s: the communities of each street, or the
    categories of each kind. Built with one query, and only when the form is
    shown (a review page only validates); the field still checks the answer
    against its own queryset."""

    @functools.cache
    def choices():
        groups = {}
        for obj in queryset() if callable(queryset) else queryset:
            groups.setdefault(str(group_of(obj)), []).append((obj.pk, obj.name))
        return [("", empty_label), *groups.items()]

    return choices


def community_choices(form, communities=None):
    """The community select of a form with a street select: grouped by street
    and filtered to the chosen street by static/js/registration.js."""
    field = form.fields["community"]
    if communities is not None:
        field.queryset = communities
    field.widget.choices = grouped_choices(
        field.queryset.select_related("street"), lambda community: community.street.name, _("Choose a community")
    )
    field.widget.attrs["data-community-filter"] = "street"
    form.fields["street"].empty_label = _("Choose a street")


def check_community_in_street(form, data):
    street, community = data.get("street"), data.get("community")
    if street and community and community.street_id != street.pk:
        form.add_error(
            "community",
            ValidationError(
                _("%(community)s is not in %(street)s. Choose one of the communities of %(street)s."),
                code="community_street",
                params={"community": community.name, "street": street.name},
            ),
        )


class RegistrationForm(forms.ModelForm):
    """The registration form, for a new registration and for a correction.

    ``staged`` lists the files already uploaded for this draft (kept in private
    storage while the user reviews), ``existing`` the attachments a returned
    registration already has; both count towards the limit of files.
    """

    insured = forms.TypedChoiceField(
        label=_("Work-safety liability insurance (安全生产责任险) bought?"),
        choices=[(True, _("Yes")), (False, _("No"))],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        help_text=_("Buying it is encouraged: it pays compensation if someone is hurt."),
    )
    photos = UploadField(
        label=_("Site photos"),
        allowed_types=PHOTO_TYPES,
        multiple=True,
        help_text=_("Optional. JPG or PNG, at most 10 MB each; at most 5 files in all."),
    )
    contract = UploadField(
        label=_("Contract"),
        allowed_types=CONTRACT_TYPES,
        help_text=_("Optional. PDF, JPG or PNG, at most 10 MB."),
    )
    remove_files = forms.MultipleChoiceField(
        label=_("Files already attached: tick any to remove"), required=False, widget=forms.CheckboxSelectMultiple
    )
    commitment = forms.BooleanField(
        label=_("I have read the privacy notice and accept the safety commitment above."),
        error_messages={"required": _("Accept the safety commitment to register the work.")},
    )

    class Meta:
        model = Registration
        # kind and insured are declared above; the many-to-many comes before the policy number.
        fields = [
            *(name for name in ANSWER_FIELDS if name not in ("kind", "insured", "insurance_policy_number")),
            "high_risk_operations",
            "insurance_policy_number",
        ]
        field_classes = {
            "owner_mobile": MobileField,
            "site_manager_mobile": MobileField,
            "property_company_mobile": MobileField,
            "owner_uscc": USCCField,
            "contractor_uscc": USCCField,
            "contractor_id_number": ResidentIDField,
        }
        labels = {
            "contractor_name": _("Name of the company, or of the individual doing the work"),
        }
        widgets = {
            "special_area": forms.RadioSelect,
            "owner_type": forms.RadioSelect,
            "contractor_type": forms.RadioSelect,
            "registrant_role": forms.RadioSelect,
            "high_risk_operations": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "planned_start": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "planned_end": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "worker_count": forms.NumberInput(attrs={"min": 1, "max": 9999, "inputmode": "numeric"}),
            "investment_yuan": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
            "floor_area_m2": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }
        help_texts = {
            "category": _(
                "Small works are building, municipal, pipeline and fit-out works below the construction permit threshold; sporadic operations install, repair or remove air-conditioners, solar heaters, CCTV, awnings and window grilles."
            ),
            "community": _("Choose the street first; only its communities belong to it."),
            "address": _("Road, number, building and room, e.g. 湖里区示例路1号2栋301室."),
            "special_area": _(
                "Inside industrial parks, schools and hospitals the owner must help the inspectors get in."
            ),
            "owner_uscc": _(
                "Only for organisations (companies, government bodies, public institutions, state-owned enterprises): the 18 characters on the business licence."
            ),
            "contractor_type": _(
                "An individual (for example an air-conditioner installer without a business licence) gives a resident ID number instead of a credit code."
            ),
            "contractor_uscc": _("Only for a company: the 18 characters on the contractor's business licence."),
            "contractor_id_number": _(
                "Only for an individual: the 18-character resident ID number. It is only ever shown masked, e.g. 3502**********123X."
            ),
            "site_manager_name": _("For an individual, their own name."),
            "site_manager_mobile": _("11 digits; the inspectors call this number."),
            "property_company_name": _("Only when a property management company registers on the owner's behalf."),
            "property_company_contact": _("Only when a property management company registers on the owner's behalf."),
            "property_company_mobile": _("Only when a property management company registers on the owner's behalf."),
            "planned_start": _("Within the next 12 months."),
            "planned_end": _("Not before the planned start."),
            "investment_yuan": _("Only for small works: the whole contract sum, in yuan."),
            "floor_area_m2": _("Only for small works."),
            "insurance_policy_number": _("Only if the insurance was bought."),
        }

    def __init__(self, *args, staged=(), existing=(), portal_settings=None, known_id_number="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor_id_number"].known = known_id_number
        self.staged = list(staged)
        self.existing = list(existing)
        self.portal_settings = portal_settings or PortalSettings.load()
        self.needs_permit = False
        self.today = timezone.localdate()

        fields = self.fields
        fields["category"].queryset = WorkCategory.objects.filter(active=True)
        fields["category"].widget.choices = self._grouped(
            self._shown_categories, lambda category: WorkKind(category.kind).label, _("Choose a category")
        )
        community_choices(self)
        fields["high_risk_operations"].help_text = _("Tick every one the work involves; leave all empty if none.")
        for name in ("planned_start", "planned_end"):
            fields[name].widget.attrs.update(min=self.today.isoformat(), max=one_year_after(self.today).isoformat())
        for name in ("owner_type", "contractor_type", "registrant_role", "special_area"):
            fields[name].choices = [choice for choice in fields[name].choices if choice[0]]  # no "---------" radio
        if self.staged:
            fields["remove_files"].choices = [
                (item["token"], f"{item['original_name']} ({filesizeformat(item['size'])})") for item in self.staged
            ]
        else:
            del fields["remove_files"]
        name_field_errors(self)

    def shared_html_key(self):
        """The fields of a new registration's empty form are the same for
        everyone: the lists (categories, streets, communities, high-risk
        operations; a change to one purges, see PAGE_CACHE_PURGE_MODELS), the
        settings and the dates allowed today. Then this says what else the
        HTML depends on, for {% crispy_shared %}; once anything is answered,
        staged, known or wrong, it is None and the form is rendered afresh."""
        if self.is_bound or self.initial or self.staged or self.existing or self.fields["contractor_id_number"].known:
            return None
        return f"{type(self).__module__}.{type(self).__qualname__}:{self.today.isoformat()}"

    def _get_validation_exclusions(self):
        """Django's, plus the foreign keys chosen in a list: each such field
        has fetched its row from its own queryset (as strict as the model's
        rule; stricter for categories), and the model's check would read
        every row again. A foreign key in a unique check stays in."""
        exclude = super()._get_validation_exclusions()
        unique = {name for check in Registration._meta.total_unique_constraints for name in check.fields}
        unique.update(name for together in Registration._meta.unique_together for name in together)
        exclude.update(
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.ModelChoiceField) and name not in unique
        )
        return exclude

    def _shown_categories(self):
        """The categories offered, fetched once however often the page needs them."""
        if not hasattr(self, "_categories"):
            self._categories = list(self.fields["category"].queryset)
        return self._categories

    _grouped = staticmethod(grouped_choices)

    @functools.cached_property
    def helper(self):
        """The layout, built only when the form is shown (the review page only validates)."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        sections = []
        for anchor, legend, names in SECTIONS:
            items = []
            if anchor == "section-attachments" and self.existing:
                items.append(HTML('{% include "registration/includes/existing_attachments.html" %}'))
            if anchor == "section-commitment":
                items.append(HTML('{% include "registration/includes/privacy_and_commitment.html" %}'))
            for name in names:
                if name not in self.fields:
                    continue
                if name in CONDITIONAL:
                    controller, values = self._shown_when(name)
                    items.append(
                        Div(
                            name,
                            css_class="conditional-field",
                            data_controller=controller,
                            data_values=" ".join(str(value) for value in values),
                        )
                    )
                else:
                    items.append(name)
            sections.append(Fieldset(legend, *items, css_id=anchor, css_class="form-section"))
        helper.layout = Layout(*sections)
        return helper

    def _shown_when(self, name):
        """The answer on the page that shows a conditional field: for the
        kind, the categories of that kind (static/js/registration.js)."""
        controller, values = CONDITIONAL[name]
        if controller == "kind":
            return "category", [category.pk for category in self._shown_categories() if category.kind in values]
        return controller, values

    def clean(self):
        data = super().clean()
        if data.get("category"):
            data["kind"] = data["category"].kind
        self._clean_conditional(data)
        check_community_in_street(self, data)
        self._clean_dates(data)
        self._clean_amounts(data)
        self._clean_file_count(data)
        return data

    def _clean_conditional(self, data):
        for name, (controller, values) in CONDITIONAL.items():
            if controller not in data:
                continue  # the controlling answer has its own error
            if data[controller] not in values:
                self.errors.pop(name, None)
                data[name] = None if Registration._meta.get_field(name).null else ""
            elif data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, ValidationError(self.fields[name].error_messages["required"], code="required"))

    def _clean_dates(self, data):
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and start < self.today:
            self.add_error(
                "planned_start", ValidationError(_("The planned start cannot be in the past."), code="start_in_past")
            )
        elif start and start > one_year_after(self.today):
            self.add_error(
                "planned_start",
                ValidationError(
                    _("Register a work at most 12 months before it starts (by %(date)s)."),
                    code="start_too_late",
                    params={"date": formats.date_format(one_year_after(self.today))},
                ),
            )
        if start and end and end < start:
            self.add_error(
                "planned_end",
                ValidationError(_("The planned end cannot be before the planned start."), code="end_before_start"),
            )

    def _clean_amounts(self, data):
        investment, area = data.get("investment_yuan"), data.get("floor_area_m2")
        if investment is None or area is None or investment < 0 or area < 0:
            return
        if self.portal_settings.needs_construction_permit(investment, area):
            self.needs_permit = True
            self.add_error(
                "investment_yuan",
                ValidationError(
                    _(
                        "With an investment over %(investment)s yuan and a floor area over %(area)s m², this is not a "
                        "small work: it needs a construction permit (施工许可证) from the housing and construction "
                        "bureau and cannot be registered here."
                    ),
                    code="needs_permit",
                    params={
                        "investment": floatformat(self.portal_settings.threshold_investment_yuan, -2),
                        "area": floatformat(self.portal_settings.threshold_area_m2, -2),
                    },
                ),
            )

    def _clean_file_count(self, data):
        removed = set(data.get("remove_files") or [])
        kept = [item for item in self.staged if item["token"] not in removed]
        new = (data.get("photos") or []) + (data.get("contract") or [])
        total = len(self.existing) + len(kept) + len(new)
        if total > MAX_FILES:
            self.add_error(
                "photos",
                ValidationError(
                    _("At most %(max)d files can be attached; with these there would be %(count)d."),
                    code="too_many_files",
                    params={"max": MAX_FILES, "count": total},
                ),
            )
        data["kept_files"] = kept

    def error_summary(self):
        return error_summary(self, [name for _anchor, _legend, names in SECTIONS for name in names])

    @property
    def uploads(self):
        """The new files as (kind, upload) pairs, once the form is valid."""
        return [(AttachmentKind.PHOTO, f) for f in self.cleaned_data["photos"]] + [
            (AttachmentKind.CONTRACT, f) for f in self.cleaned_data["contract"]
        ]

    # The answers as plain strings, kept in the session between form and review.

    ANSWER_FIELDS = Meta.fields + ["insured", "commitment"]

    def serialise(self):
        answers = serialise_answers(self.cleaned_data)
        known = self.fields["contractor_id_number"].known
        if known and answers["contractor_id_number"] == known:
            answers["contractor_id_number"] = mask_resident_id(known)
        return answers

    def review_sections(self):
        """The answers of a valid form, grouped as on the form, for the review page."""
        sections = []
        for anchor, legend, names in SECTIONS:
            rows = []
            for name in names:
                if name not in self.ANSWER_FIELDS:
                    continue
                value = self.cleaned_data.get(name)
                if name in CONDITIONAL and value in ("", None):
                    continue  # does not apply to this registration
                if name == "contractor_id_number":
                    value = mask_resident_id(value)
                rows.append((self.fields[name].label, self._display(self.fields[name], value)))
            sections.append({"id": anchor, "legend": legend, "rows": rows})
        return sections

    @staticmethod
    def _display(field, value):
        if isinstance(value, models.Model):
            return _name(value)
        if isinstance(value, (models.QuerySet, list)):
            return "、".join(_name(item) for item in value) or _("None")
        if isinstance(field, forms.BooleanField):
            return _("Accepted") if value else _("Not accepted")
        if isinstance(field, forms.ChoiceField):
            return dict(field.choices).get(value, value)
        if isinstance(value, datetime.date):
            return formats.date_format(value)
        if isinstance(value, Decimal):
            return floatformat(value, -2)
        return value if value not in ("", None) else _("Not given")


def _name(obj):
    """A chosen row by its name (str() only when it has none: a community's
    str() names its street too, which would cost a query)."""
    return obj.name if hasattr(obj, "name") else str(obj)


def serialise_answers(values):
    """Answers as strings that bind the form again: pks, ISO dates, decimals
    as text, lists of pks. Fit for the JSON session."""
    answers = {}
    for name in RegistrationForm.ANSWER_FIELDS:
        value = values.get(name)
        if isinstance(value, models.Model):
            value = str(value.pk)
        elif isinstance(value, (models.QuerySet, list, tuple)):
            value = [str(getattr(item, "pk", item)) for item in value]
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif value is None:
            value = ""
        else:
            value = str(value)
        answers[name] = value
    return answers


def answers_from_registration(registration):
    """The answers a returned registration was saved with, to prefill its correction."""
    answers = serialise_answers(model_to_dict(registration, fields=RegistrationForm.ANSWER_FIELDS))
    # The registrant accepted the commitment for this work; it stays ticked (and
    # is recorded again on resubmitting), so the first submit of a correction succeeds.
    answers["commitment"] = "on"
    if registration.contractor_id_number:
        answers["contractor_id_number"] = registration.contractor_id_masked
    return answers
