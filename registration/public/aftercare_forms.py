"""The registrant's forms after the work: the request for completion
write-off and the service rating. They only clean input; the rules are in
registration/aftercare.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import name_field_errors

from ..aftercare import needs_reason
from ..models import Satisfaction
from .forms import PHOTO_TYPES, UploadField


class CompletionRequestForm(forms.Form):
    finished_on = forms.DateField(
        label=_("date the work finished"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    photo = UploadField(
        label=_("photo of the finished work"),
        allowed_types=PHOTO_TYPES,
        help_text=_("One photo of the site as it is now, JPG or PNG, at most 10 MB."),
    )
    note = forms.CharField(
        label=_("note for the street office"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, at most 500 characters."),
    )

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration = registration
        self.today = timezone.localdate()
        self.fields["finished_on"].widget.attrs["max"] = self.today.isoformat()
        self.fields["finished_on"].initial = self.today
        name_field_errors(self)

    def clean_finished_on(self):
        day = self.cleaned_data["finished_on"]
        registered_on = timezone.localdate(self.registration.submitted_at)
        if day > self.today:
            raise ValidationError(_("The work cannot have finished after today."), code="in_future")
        if day < registered_on:
            raise ValidationError(
                _("The work cannot have finished before it was registered (%(date)s)."),
                code="before_registration",
                params={"date": formats.date_format(registered_on)},
            )
        return day

    def clean_photo(self):
        photos = self.cleaned_data["photo"]
        if not photos:
            raise ValidationError(_("Add a photo of the finished work."), code="required")
        return photos[0]


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you with the street office's service?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    reason = forms.CharField(
        label=_("What was not satisfactory?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed below “satisfied”, at most 500 characters. The street office reads every one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_field_errors(self)
        self.reason_shown_for = [str(level.value) for level in Satisfaction if needs_reason(level)]

    def clean(self):
        data = super().clean()
        if needs_reason(data.get("level")) and not data.get("reason", "").strip() and "reason" not in self.errors:
            self.add_error(
                "reason",
                ValidationError(
                    _("Say what was not satisfactory, so that the street office can put it right."), code="required"
                ),
            )
        return data
