"""The report form (public and grid workers') and the street office's triage forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import name_field_errors
from portal.models import Community, Street
from portal.validators import validate_mobile

from ..backoffice.forms import DOWNSCALE_TEXT, ActionForm
from ..models import Report, ReportSubject, WorkCategory
from ..public.forms import PHOTO_TYPES, UploadField, check_community_in_street, community_choices
from .services import MAX_PHOTOS


class ReportForm(forms.ModelForm):
    """What a citizen or a grid worker saw. Everything about the reporter is
    optional: an anonymous report is accepted."""

    photos = UploadField(
        label=_("Photos"),
        allowed_types=PHOTO_TYPES,
        multiple=True,
        help_text=_("Optional, at most 3. JPG or PNG, at most 10 MB each. Do not photograph people's faces."),
    )

    class Meta:
        model = Report
        fields = ["subject", "street", "community", "address", "description", "reporter_name", "reporter_mobile"]
        widgets = {
            "subject": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "reporter_mobile": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
            "reporter_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        labels = {"address": _("Where it is (address or landmark)")}
        help_texts = {
            "description": _(
                "What is being done, and what looks unsafe. Please do not give other people's personal data."
            ),
            "reporter_mobile": _(
                "Optional. Only with a mobile number can you follow what the street office did, using the reference number."
            ),
            "reporter_name": _("Optional."),
        }

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = ReportSubject.choices
        if communities is not None:
            self.fields["street"].queryset = Street.objects.filter(pk__in=communities.values("street_id"))
        community_choices(self, communities if communities is not None else Community.objects.all())
        self.fields["photos"].widget.attrs.update(
            {"data-downscale": "1600", "data-downscale-text": DOWNSCALE_TEXT, "accept": "image/jpeg,image/png"}
        )
        name_field_errors(self)

    def clean_reporter_mobile(self):
        mobile = self.cleaned_data.get("reporter_mobile", "")
        if mobile:
            validate_mobile(mobile)
        return mobile

    def clean(self):
        data = super().clean()
        check_community_in_street(self, data)
        if len(data.get("photos") or []) > MAX_PHOTOS:
            self.add_error("photos", ValidationError(_("Attach at most 3 photos."), code="too_many_photos"))
        return data


class LinkForm(ActionForm):
    reference = forms.CharField(
        label=_("Reference number of the registration"),
        max_length=30,
        help_text=_("The registration of the reported work, in the report's street, e.g. HL-2026-000123."),
    )
    outcome = forms.CharField(
        label=_("What the reporter is told"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional; a standard sentence is used otherwise. Give no personal data."),
    )


class FoundUnregisteredForm(ActionForm):
    """What the officer knows of the unregistered work; its owner completes the rest."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=WorkCategory.objects.filter(active=True))
    owner_name = forms.CharField(label=_("Owner name"), max_length=100)
    owner_mobile = forms.CharField(
        label=_("Owner mobile"),
        max_length=11,
        validators=[validate_mobile],
        help_text=_("The owner receives the reference number by SMS and completes the registration with it."),
    )
    contractor_name = forms.CharField(label=_("Contractor (if known)"), max_length=100, required=False)
    worker_count = forms.IntegerField(label=_("Workers on site"), min_value=1, max_value=9999)
    address = forms.CharField(label=_("Detailed address"), max_length=200)
    description = forms.CharField(label=_("What was found"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = LinkForm.base_fields["outcome"]


class SendInspectorForm(ActionForm):
    inspector = forms.ModelChoiceField(label=_("Inspector"), queryset=None)

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors
        self.fields["inspector"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class CloseForm(ActionForm):
    reason = forms.CharField(
        label=_("Why it is closed"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reporter sees this text. Give no personal data."),
    )


class ReportLookupForm(forms.Form):
    reference = forms.CharField(label=_("Report reference number"), max_length=30)
    mobile = forms.CharField(
        label=_("The mobile number you gave"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_field_errors(self)
