"""The trainee forms: the roster entry of the admin and the walk-in added
from the attendance sheet. Trainee details are always checked by
validation.check_trainee, whichever form they come through."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from portal.models import Community, Street

from ..models import TraineeRole
from ..validation import check_trainee, mobile_on_roster
from .importing import COLUMNS

TRAINEE_FIELDS = tuple(key for key, _label in COLUMNS)
COLUMN_LABELS = dict(COLUMNS)


def apply_trainee_rules(form, exclude_pk=None):
    """Run the roster rules on a form's cleaned data: errors go on their
    fields, cleaned values (the normalised mobile) back into cleaned_data."""
    data = {key: form.cleaned_data[key] for key in TRAINEE_FIELDS if key in form.cleaned_data}
    values, errors = check_trainee(data, mobile_taken=lambda mobile: mobile_on_roster(mobile, exclude_pk))
    for key, message in errors.items():
        form.add_error(key, message)
        values.pop(key, None)
    form.cleaned_data.update(values)


class TraineeAdminForm(WagtailAdminModelForm):
    """The roster entry form of the admin."""

    def clean(self):
        cleaned = super().clean()
        apply_trainee_rules(self, exclude_pk=self.instance.pk)
        return cleaned


def community_choices():
    """Communities grouped by street, so a phone's picker stays readable."""
    groups = {}
    for community in Community.objects.select_related("street"):
        groups.setdefault(community.street.name, []).append((community.pk, community.name))
    return [("", "—")] + list(groups.items())


class WalkInTraineeForm(forms.Form):
    """A walk-in who is not on the roster yet, added from the attendance sheet."""

    name = forms.CharField(label=COLUMN_LABELS["name"], max_length=50, required=False)
    mobile = forms.CharField(
        label=COLUMN_LABELS["mobile"],
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=COLUMN_LABELS["role"], choices=[("", "—"), *TraineeRole.choices], required=False)
    street = forms.ModelChoiceField(
        label=COLUMN_LABELS["street"], queryset=Street.objects.all(), required=False, empty_label="—"
    )
    community = forms.TypedChoiceField(label=COLUMN_LABELS["community"], required=False, coerce=int, empty_value=None)
    organisation = forms.CharField(label=COLUMN_LABELS["organisation"], max_length=100, required=False)

    # The fields sit inside the attendance sheet's form: browser-side
    # "required" would block saving the marks, so the rules run on the server.
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = community_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("community") is not None:
            cleaned["community"] = Community.objects.filter(pk=cleaned["community"]).first()
        apply_trainee_rules(self)
        return cleaned

    def trainee_data(self):
        return {key: self.cleaned_data.get(key) for key in TRAINEE_FIELDS}

    @classmethod
    def keeping(cls, post):
        """An unbound form showing what was typed, for when the sheet is shown
        again for another reason: not checked, so it shows no errors."""
        form = cls()
        form.initial = {name: post.get(form.add_prefix(name), "") for name in form.fields}
        return form
