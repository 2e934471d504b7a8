"""Forms of the public side that do not change a registration: the scope
self-check and the status lookup. They only clean input; the rules are in
scope.py and services.py."""

import re
import unicodedata
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.validators import normalise_mobile, validate_mobile

from . import scope


def normalise_reference(value):
    """Phone keyboards and Chinese input methods produce full-width letters,
    digits and dashes (ＨＬ－２０２６…); NFKC turns them into ASCII."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


class AmountField(forms.DecimalField):
    """A number as people type it: full-width digits, thousands separators,
    and a unit such as 万元 or 平方米 (``units`` maps suffix -> multiplier)."""

    def __init__(self, *, units, **kwargs):
        self.units = units
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal("1e12"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20, "autocomplete": "off"})
        )
        super().__init__(**kwargs)
        self.error_messages.update(
            invalid=_("Enter a number, for example 120000."),
            min_value=_("Enter 0 or more."),
            max_value=_("This number is too large."),
        )

    def to_python(self, value):
        if isinstance(value, str):
            text = re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", value)).lower()
            for suffix, multiplier in self.units.items():
                if text.endswith(suffix) and text != suffix:
                    number = super().to_python(text[: -len(suffix)])
                    return number * multiplier
            value = text
        return super().to_python(value)


class ScopeCheckForm(forms.Form):
    YES, NO = "yes", "no"

    work_type = forms.ChoiceField(
        label=_("What kind of work is it?"),
        choices=scope.WorkType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of work it is.")},
    )
    temporary = forms.ChoiceField(
        label=_("Is it a temporary construction (临时建设工程)?"),
        help_text=_(
            "A building or structure put up for a limited time and then removed, such as a temporary shed, "
            "site office or sales office, needs approval under the temporary-construction rules."
        ),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether it is a temporary construction.")},
    )
    investment = AmountField(
        label=_("Investment (yuan)"),
        help_text=_(
            "The total cost of the work, for example 120000 or 12万. Not needed for installing or maintaining equipment."
        ),
        required=False,
        units={"万元": 10000, "万": 10000, "元": 1},
    )
    area = AmountField(
        label=_("Floor area (m²)"),
        help_text=_(
            "The floor area built or fitted out, in square metres. Not needed for installing or maintaining equipment."
        ),
        required=False,
        units={"平方米": 1, "m2": 1},
    )

    def clean(self):
        cleaned = super().clean()
        work_type, temporary = cleaned.get("work_type"), cleaned.get("temporary") == self.YES
        if work_type and scope.needs_amounts(work_type, temporary):
            if cleaned.get("investment") is None and "investment" not in self.errors:
                self.add_error("investment", _("Enter the investment in yuan (0 if there is none)."))
            if cleaned.get("area") is None and "area" not in self.errors:
                self.add_error("area", _("Enter the floor area in square metres (0 if there is none)."))
        return cleaned

    def outcome(self, settings):
        data = self.cleaned_data
        return scope.decide(
            data["work_type"], data["temporary"] == self.YES, data.get("investment"), data.get("area"), settings
        )


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        help_text=_("As printed on the registration receipt, for example HL-2026-000123."),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Enter the reference number.")},
    )
    mobile = forms.CharField(
        label=_("Mobile number used to register"),
        help_text=_(
            "Either the mobile number of whoever registered the work (the owner, the contractor's site "
            "manager or the property company), or the owner's mobile number given on the form."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter the mobile number.")},
    )

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if not re.fullmatch(r"[A-Z]{1,6}-\d{4}-\d{6,}", reference):
            raise forms.ValidationError(
                _("Enter the reference number as it is printed on the receipt, for example HL-2026-000123."),
                code="reference_format",
            )
        return reference

    def clean_mobile(self):
        mobile = normalise_mobile(unicodedata.normalize("NFKC", self.cleaned_data["mobile"]))
        validate_mobile(mobile)
        return mobile


class LookupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        help_text=_("6 digits."),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Enter the 6-digit code from the SMS.")},
    )

    def clean_code(self):
        code = unicodedata.normalize("NFKC", self.cleaned_data["code"]).replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code has 6 digits, for example 123456."))
        return code
