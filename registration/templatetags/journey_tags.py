"""What a printed receipt may show about people: masked numbers, and no
full name of an owner who is a private person."""

from django import template

from portal.validators import mask_mobile

register = template.Library()


@register.filter
def masked_mobile(value):
    return mask_mobile(value)


@register.filter
def public_owner_name(registration):
    """An organisation's name in full; a person as surname + 某 (王某)."""
    if registration.owner_is_person:
        return f"{registration.owner_name.strip()[:1]}某"
    return registration.owner_name
