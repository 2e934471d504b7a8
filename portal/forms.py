"""What the forms of every app share: field errors that name their field,
and the (anchor, label, message) list behind every error summary
(templates/includes/error_summary.html). Fields themselves are rendered by
crispy-forms (crispy-bootstrap5) everywhere."""

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils.translation import gettext


def _default(field, code):
    """Django's own message for ``code`` on this field, as text ("" if none)."""
    for klass in type(field).__mro__:
        message = getattr(klass, "default_error_messages", {}).get(code)
        if message:
            return str(message)
    return ""


def _is_default(field, code):
    return str(field.error_messages.get(code, "")) == _default(field, code)


def _named(message, field):
    # str.replace, not %: the message keeps Django's own %(limit_value)d placeholders.
    return str(message).replace("%(field)s", str(field.label))


def name_field_errors(form):
    """Make every field's errors say which field they are about and what is
    wanted, instead of Django's bare defaults: "required" (请填写详细地址。,
    请选择街道。), too long (描述最多 1000 字，现在 1236 字。), not a date, not
    a number, not one of the choices. A message the form set itself is kept.
    Conditional fields get them too: they raise them when their condition holds."""
    for field in form.fields.values():
        if _is_default(field, "required"):
            chooses = isinstance(field.widget, ChoiceWidget)
            message = gettext("Choose the %(field)s.") if chooses else gettext("Fill in the %(field)s.")
            field.error_messages["required"] = _named(message, field)
        if getattr(field, "max_length", None) and "max_length" not in field.error_messages:
            field.error_messages["max_length"] = _named(
                gettext("The %(field)s can be at most %(limit_value)d characters; it has %(show_value)d now."), field
            )
        if isinstance(field, forms.DateField) and _is_default(field, "invalid"):
            field.error_messages["invalid"] = _named(
                gettext("Enter the %(field)s as a date, for example 2026-03-01."), field
            )
        if isinstance(field, forms.IntegerField | forms.DecimalField) and _is_default(field, "invalid"):
            field.error_messages["invalid"] = _named(gettext("Enter the %(field)s as a number."), field)
        if isinstance(field, forms.ChoiceField) and _is_default(field, "invalid_choice"):
            field.error_messages["invalid_choice"] = _named(gettext("Choose one of the %(field)s offered."), field)


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
