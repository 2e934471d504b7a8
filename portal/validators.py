"""Checks for Chinese identifiers, shared by every form that collects them.

The algorithms follow GB 32100-2015 (unified social credit code) and
GB 11643-1999 (resident ID number); see ../shared/domain.md.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_NOISE = re.compile(r"[\s\-()（）]")


def uscc_check_character(first17):
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(value):
    return (value or "").strip().upper()


def is_valid_uscc(value):
    code = normalise_uscc(value)
    if len(code) != 18 or any(char not in USCC_ALPHABET for char in code):
        return False
    return uscc_check_character(code[:17]) == code[17]


def validate_uscc(value):
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="uscc_length",
            params={"count": len(code)},
        )
    bad = sorted({char for char in code if char not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (the letters I, O, S, V and Z are never used)."),
            code="uscc_characters",
            params={"chars": "、".join(bad)},
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _(
                "This unified social credit code is not valid: its last character does not match. Please check it against the business licence."
            ),
            code="uscc_checksum",
        )


def resident_id_check_character(first17):
    return ID_CHECK[sum(int(char) * weight for char, weight in zip(first17, ID_WEIGHTS)) % 11]


def normalise_resident_id(value):
    return (value or "").strip().upper()


def validate_resident_id(value):
    number = normalise_resident_id(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(_("A resident ID number has 17 digits followed by a digit or X."), code="id_format")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(_("The date of birth in this ID number is not valid."), code="id_birth_date")
    if resident_id_check_character(number[:17]) != number[17]:
        raise ValidationError(_("This ID number is not valid: its last character does not match."), code="id_checksum")


def mask_resident_id(value):
    """1101**********002X: enough to recognise, not enough to use."""
    number = normalise_resident_id(value)
    if len(number) != 18:
        return "*" * len(number)
    return number[:4] + "*" * 10 + number[14:]


def normalise_mobile(value):
    """Strip spaces, hyphens, brackets and a leading +86 / 0086."""
    number = _MOBILE_NOISE.sub("", value or "")
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix) :]
            break
    return number


def validate_mobile(value):
    number = normalise_mobile(value)
    if not number.isdigit():
        raise ValidationError(_("Enter a mobile number using digits only, e.g. 138 0000 0000."), code="mobile_format")
    if len(number) != 11 or not _MOBILE.match(number):
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 13 to 19."), code="mobile_invalid"
        )


def mask_mobile(value):
    number = normalise_mobile(value)
    return number[:3] + "****" + number[7:] if len(number) == 11 else "***"
