"""Forms of the back-office actions. They check the shape of the answers;
the rules (which status, which deadlines, open hazards) live in
registration/backoffice.py so every caller gets the same ones."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Street

from ..models import HazardCategory, InspectionResult
from ..public.forms import PHOTO_TYPES, RegistrationForm, inspect_upload, name_field_errors

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PhotoField(forms.FileField):
    """One JPG or PNG photo, recognised by its content (the public form's check)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"})
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
    inspected_at = forms.DateTimeField(
        label=_("Inspected at"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    result = forms.ChoiceField(label=_("Result"), choices=InspectionResult.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # On site, the inspection is recorded as it happens.
        self.fields["inspected_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


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
