"""The filter forms of the training reports (GET forms, no script needed).

Each form turns the query string into a reports.ReportFilters; bad input
(an impossible date, an end before the start, a street the user may not
see) is a field error, so the report is not run on it. The street list
only offers the user's own streets: another street's id is refused like
an unknown one.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Street

from ..models import SessionLevel, Topic, TraineeRole
from ..permissions import visible_street_ids
from .figures import GROUPINGS, ReportFilters

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
YEAR_RANGE = {"min_value": 2000, "max_value": 2100}


def this_year():
    return timezone.localdate().year


def year_field(required):
    return forms.IntegerField(
        label=_("Year"),
        required=required,
        **YEAR_RANGE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=None if required else _("Leave empty for every year."),
    )


def role_field():
    return forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *TraineeRole.choices])


def street_field(user):
    streets = visible_street_ids(user)
    queryset = Street.objects.all() if streets is None else Street.objects.filter(pk__in=streets)
    return forms.ModelChoiceField(label=_("Street"), required=False, queryset=queryset, empty_label=_("All streets"))


class ReportFilterForm(forms.Form):
    """Period, role, street, topic and level; ``defaults`` fill in an empty query."""

    defaults = {}

    def __init__(self, data, user):
        super().__init__(data if data else self.defaults_for_today())
        self.fields["street"] = street_field(user)
        self.order_fields(self.field_order)

    field_order = ["year", "date_from", "date_to", "role", "street", "topic", "level"]
    year = year_field(required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    role = role_field()
    topic = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=Topic.objects.all(), empty_label=_("All topics")
    )
    level = forms.ChoiceField(
        label=_("Organised by"), required=False, choices=[("", _("District and streets")), *SessionLevel.choices]
    )

    def defaults_for_today(self):
        return {"year": str(this_year()), **self.defaults}

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not YEAR_RANGE["min_value"] <= day.year <= YEAR_RANGE["max_value"]:
                self.add_error(
                    name,
                    _("Choose a date between the years %(min)d and %(max)d.")
                    % {"min": YEAR_RANGE["min_value"], "max": YEAR_RANGE["max_value"]},
                )
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self):
        data = self.cleaned_data
        return ReportFilters(
            year=data.get("year"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            role=data.get("role") or "",
            street_id=data["street"].pk if data.get("street") else None,
            topic_id=data["topic"].pk if data.get("topic") else None,
            level=data.get("level") or "",
        )


class PersonTimesForm(ReportFilterForm):
    defaults = {"group_by": "month"}
    field_order = ["group_by", *ReportFilterForm.field_order]
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[(key, grouping.label) for key, grouping in GROUPINGS.items()],
    )

    def group_by_value(self):
        return self.cleaned_data.get("group_by") or "month"


class AbsenteeForm(ReportFilterForm):
    field_order = [*ReportFilterForm.field_order, "include_excused"]
    include_excused = forms.BooleanField(label=_("Include excused absences"), required=False)


class ComplianceForm(forms.Form):
    """The year (required), and optionally a role and a street."""

    year = year_field(required=True)
    role = role_field()

    def __init__(self, data, user):
        super().__init__(data if data else {"year": str(this_year())})
        self.fields["street"] = street_field(user)
