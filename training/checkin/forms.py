"""Forms of the public check-in pages. They only clean what was typed; the
rules (window, roster, requests) are in services.py and validation.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Community, Street
from portal.validators import validate_mobile

from ..models import CHECKIN_CODE_LENGTH, TraineeRole
from ..roster.forms import community_choices
from .services import normalise_code, normalise_typed_mobile


class PhoneFormMixin:
    """Large controls for thumbs; crispy-forms adds the Bootstrap base classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select-lg" if select else "form-control-lg")


def mobile_field(**kwargs):
    return forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter your mobile number.")},
        **kwargs,
    )


def clean_mobile_value(value):
    mobile = normalise_typed_mobile(value)
    validate_mobile(mobile)
    return mobile


class CodeForm(PhoneFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Enter the check-in code.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = gettext(
            "The %(length)d letters and digits on the poster at the venue, for example K7MX3Q."
        ) % {"length": CHECKIN_CODE_LENGTH}

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CHECKIN_CODE_LENGTH:
            raise ValidationError(
                _("A check-in code has %(length)d letters and digits."),
                code="code_length",
                params={"length": CHECKIN_CODE_LENGTH},
            )
        return code


class MobileForm(PhoneFormMixin, forms.Form):
    """The number and the name on the roster: a guesser has numbers, not the names that go with them."""

    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As on the training roster."),
        error_messages={"required": _("Enter your name.")},
    )
    mobile = mobile_field(help_text=_("The number you are registered with as a trainee."))

    def clean_mobile(self):
        return clean_mobile_value(self.cleaned_data["mobile"])


class JoinRequestForm(PhoneFormMixin, forms.Form):
    """An unknown number asks to be added. Field errors of the roster rules
    (checkin.request_to_join) are put back on these fields by the view."""

    name = forms.CharField(label=_("Name"), max_length=50, error_messages={"required": _("Enter your name.")})
    mobile = mobile_field()
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *TraineeRole.choices], error_messages={"required": _("Choose your role.")}
    )
    street = forms.ModelChoiceField(
        label=_("Street"),
        queryset=Street.objects.all(),
        empty_label="—",
        error_messages={"required": _("Choose your street.")},
    )
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int, empty_value=None)
    organisation = forms.CharField(
        label=_("Organisation"), max_length=100, required=False, help_text=_("Your employer or office, if any.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = community_choices()
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    def clean_mobile(self):
        return clean_mobile_value(self.cleaned_data["mobile"])

    def clean_community(self):
        pk = self.cleaned_data["community"]
        return None if pk is None else Community.objects.select_related("street").filter(pk=pk).first()

    def request_data(self):
        return {
            key: self.cleaned_data.get(key) for key in ("name", "mobile", "role", "street", "community", "organisation")
        }
