"""What the forms of every app share: field errors that name their field,
and the (anchor, label, message) list behind every error summary
(templates/includes/error_summary.html). Fields themselves are rendered by
crispy-forms (crispy-bootstrap5) everywhere."""

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils.translation import gettext

_DEFAULT_REQUIRED = str(forms.Field.default_error_messages["required"])


def name_required_fields(form):
    """Make each field's "required" error say which field it is (请填写详细地址。,
    请选择街道。) instead of Django's bare 这个字段是必填项, unless the field has
    a message of its own. Conditional fields get it too: they raise it when
    their condition holds."""
    for field in form.fields.values():
        if str(field.error_messages.get("required", _DEFAULT_REQUIRED)) != _DEFAULT_REQUIRED:
            continue
        if isinstance(field.widget, ChoiceWidget):
            message = gettext("Choose the %(field)s.")
        else:
            message = gettext("Fill in the %(field)s.")
        field.error_messages["required"] = message % {"field": field.label}


def error_summary(form, names=None):
    """(anchor, label, message) for every error of ``form``, in the order of
    ``names`` (default: the form's), for an error summary that links to the
    fields. ``label`` is None where the message names the field already, so
    the summary names each field once; errors of no field have no anchor."""
    items = [(None, None, message) for message in form.non_field_errors()]
    for name in names or list(form.fields):
        if name not in form.fields:
            continue
        bound = form[name]
        # radio buttons and checkboxes: the first one of the group
        anchor = bound.id_for_label or f"{bound.auto_id}_0"
        label = str(bound.label)
        items += [(anchor, None if label in str(message) else label, message) for message in bound.errors]
    return items
