"""Forms of the back-office actions. They check the shape of the answers;
the rules (which status, which deadlines, open hazards) live in
registration/backoffice.py so every caller gets the same ones."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.models import Street

from ..field.checklists import default_deadline
from ..models import ChecklistAnswerValue, HazardCategory, InspectionResult
from ..public.forms import PHOTO_TYPES, RegistrationForm, inspect_upload, name_field_errors

DOWNSCALE_TEXT = _("Photo made smaller for sending: %(before)s → %(after)s")
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PhotoField(forms.FileField):
    """One JPG or PNG photo, recognised by its content (the public form's check)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={
                    "accept": "image/jpeg,image/png",
                    "capture": "environment",
                    "data-downscale": "1600",
                    "data-downscale-text": DOWNSCALE_TEXT,
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.content_type = inspect_upload(upload, PHOTO_TYPES)
        return upload


class ActionForm(forms.Form):
    """A back-office form whose "required" errors name their field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_field_errors(self)


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The registrant sees this reason in the status lookup."),
    )


class ConfirmForm(ActionForm):
    """No answers: the button is the confirmation."""


class InspectionForm(ActionForm):
    """The inspection's own answers; the hidden fields are filled by the
    page's script on the phone (inspection-field.js) when it can."""

    inspected_at = forms.DateTimeField(
        label=_("Inspected at"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    result = forms.ChoiceField(label=_("Result"), choices=InspectionResult.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    presence = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    opened_from = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    device_time = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    latitude = forms.DecimalField(
        required=False, min_value=-90, max_value=90, decimal_places=6, max_digits=9, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, min_value=-180, max_value=180, decimal_places=6, max_digits=9, widget=forms.HiddenInput
    )
    accuracy = forms.IntegerField(required=False, min_value=0, max_value=100_000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # On site, the inspection is recorded as it happens.
        self.fields["inspected_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_latitude(self):
        return _six_places(self.cleaned_data["latitude"])

    def clean_longitude(self):
        return _six_places(self.cleaned_data["longitude"])

    @property
    def position(self):
        """(latitude, longitude, accuracy) when the phone gave a position, else None."""
        data = self.cleaned_data
        if data.get("latitude") is None or data.get("longitude") is None:
            return None
        return data["latitude"], data["longitude"], data.get("accuracy")


def _six_places(value):
    return None if value is None else value.quantize(Decimal("0.000001"))


class ChecklistForm(ActionForm):
    """One block per item of the work's checklists: 合格 / 不合格 / 不适用,
    and for 不合格 a note, the deadline (prefilled from the item) and a photo.
    Every item must be answered."""

    def __init__(self, *args, checklists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checklists = list(checklists)
        for checklist in self.checklists:
            for item in checklist.items.all():
                prefix = f"item_{item.pk}"
                self.fields[prefix] = forms.ChoiceField(
                    label=item.text,
                    choices=ChecklistAnswerValue.choices,
                    widget=forms.RadioSelect(attrs={"data-checklist-answer": ""}),
                    error_messages={"required": _("Answer “%(item)s”.") % {"item": item.text}},
                )
                self.fields[f"{prefix}_note"] = forms.CharField(
                    label=_("What is wrong"), required=False, max_length=500
                )
                deadline = forms.DateField(label=_("Rectify by"), required=False, widget=DATE)
                deadline.initial = default_deadline(item)
                deadline.widget.attrs["min"] = timezone.localdate().isoformat()
                self.fields[f"{prefix}_deadline"] = deadline
                self.fields[f"{prefix}_photo"] = PhotoField(
                    label=_("Photo"), required=False, help_text=_("JPG or PNG, at most 10 MB.")
                )

    def blocks(self):
        """(checklist, [(item, answer field, note, deadline, photo)]) for the template."""
        return [
            (
                checklist,
                [
                    (item, *(self[f"item_{item.pk}{suffix}"] for suffix in ("", "_note", "_deadline", "_photo")))
                    for item in checklist.items.all()
                ],
            )
            for checklist in self.checklists
        ]

    def items(self):
        return [item for checklist in self.checklists for item in checklist.items.all()]

    def clean(self):
        data = super().clean()
        unanswered = [item for item in self.items() if not data.get(f"item_{item.pk}")]
        if unanswered:
            raise ValidationError(
                ngettext_lazy(
                    "%(count)d checklist item is not answered.",
                    "%(count)d checklist items are not answered.",
                    "count",
                )
                % {"count": len(unanswered)},
                code="unanswered",
            )
        for item in self.items():
            prefix = f"item_{item.pk}"
            if data.get(prefix) != ChecklistAnswerValue.NOT_COMPLIANT:
                continue
            deadline = data.get(f"{prefix}_deadline")
            if deadline is None:
                self.add_error(f"{prefix}_deadline", _("Give the deadline for “%(item)s”.") % {"item": item.text})
            elif deadline < timezone.localdate():
                self.add_error(f"{prefix}_deadline", _("The deadline for rectification cannot be in the past."))
        return data

    @property
    def answers(self):
        """The answers for record_inspection (after is_valid)."""
        return [
            {
                "item": item,
                "answer": self.cleaned_data[f"item_{item.pk}"],
                "note": self.cleaned_data.get(f"item_{item.pk}_note", ""),
                "deadline": self.cleaned_data.get(f"item_{item.pk}_deadline"),
                "photo": self.cleaned_data.get(f"item_{item.pk}_photo"),
            }
            for item in self.items()
        ]


class HazardForm(ActionForm):
    category = forms.ChoiceField(label=_("Hazard category"), choices=[("", "---------"), *HazardCategory.choices])
    description = forms.CharField(
        label=_("Hazard description"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = PhotoField(label=_("Hazard photo"), help_text=_("JPG or PNG, at most 10 MB."))
    deadline = forms.DateField(label=_("Rectify by"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("The deadline for rectification cannot be in the past."), code="past")
        return deadline


# Blank extra rows are ignored, so an inspection without hazards submits the
# formset untouched; three rows cover a site visit without any JavaScript.
HazardFormSet = forms.formset_factory(HazardForm, extra=3, max_num=10, validate_max=True)


class RectifyForm(ActionForm):
    rectified_on = forms.DateField(label=_("Rectified on"), widget=DATE)
    photo = PhotoField(label=_("Photo after rectification"), help_text=_("JPG or PNG, at most 10 MB."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rectified_on"].initial = timezone.localdate()
        self.fields["rectified_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class ReferralForm(ActionForm):
    department = forms.CharField(
        label=_("Enforcement department"),
        max_length=100,
        help_text=_("For example the street's comprehensive law enforcement team."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CaseOutcomeForm(ActionForm):
    case_number = forms.CharField(label=_("Case number"), max_length=50)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    closed = forms.BooleanField(label=_("The case is closed"), required=False)


class WriteOffForm(ActionForm):
    override_reason = forms.CharField(
        label=_("Reason to write off with open hazards"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when hazards are still open: say why the work may be closed anyway."),
    )


class PaperRegistrationForm(RegistrationForm):
    """A walk-in's paper registration typed in by staff: the public form's
    rules, with the streets limited to the ones the staff member works for."""

    def __init__(self, *args, streets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets if streets is not None else Street.objects.all()
        self.fields["commitment"].label = _("The registrant signed the safety commitment on the paper form.")
