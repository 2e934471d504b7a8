"""The evaluation page's GET form: a period and the streets. An empty query
is this year to date for all the user's streets; bad input (an impossible
date, an end before the start, a street the user may not see) is a field
error and no figure is computed from it."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.backoffice.permissions import visible_streets

from .figures import Period

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
LONGEST_PERIOD_DAYS = 366 * 5


class EvaluationForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("To"), widget=DATE)
    streets = forms.ModelMultipleChoiceField(
        label=_("Streets"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for all your streets."),
    )

    def __init__(self, data, user):
        today = timezone.localdate()
        if not data:
            data = {"date_from": datetime.date(today.year, 1, 1).isoformat(), "date_to": today.isoformat()}
        super().__init__(data)
        self.fields["streets"].queryset = visible_streets(user)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last:
            if last < first:
                self.add_error("date_to", _("The end of the period cannot be before its start."))
            elif (last - first).days > LONGEST_PERIOD_DAYS:
                self.add_error("date_to", _("Choose a period of five years or less."))
        return cleaned

    def period(self):
        return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])

    def street_ids(self):
        return tuple(street.pk for street in self.cleaned_data.get("streets") or ())

    def street_names(self):
        streets = self.cleaned_data.get("streets") or self.fields["streets"].queryset
        return "、".join(street.name for street in streets)
