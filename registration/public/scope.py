"""Does a work belong on this portal? The scope self-check's rules.

Three answers are possible (see ../shared/domain.md, "Scope"):
- temporary constructions (临时建设工程) follow their own rules, whatever their size;
- installing, maintaining or removing equipment is a sporadic operation
  (零星作业) and is registered here, whatever its size;
- any other work is a small work (小散工程) registered here unless it exceeds
  both limits of the threshold, in which case it needs a construction permit.

The threshold lives in PortalSettings so staff can change it; this module
only applies it.
"""

import enum
from decimal import Decimal

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class WorkType(models.TextChoices):
    """What the person doing the check says the work is (not the registration's kind)."""

    BUILDING = (
        "building",
        gettext_lazy("Small building or municipal work, such as a small house, a road, a pipeline or landscaping"),
    )
    FIT_OUT = "fit_out", gettext_lazy("Fit-out or interior decoration")
    EQUIPMENT = (
        "equipment",
        gettext_lazy(
            "Installing, maintaining or removing equipment such as air-conditioners, solar water heaters, "
            "CCTV, awnings or anti-theft window grilles"
        ),
    )
    TEMPORARY = "temporary", gettext_lazy("A temporary construction (临时建设工程)")
    OTHER = "other", gettext_lazy("Other construction work")


class Outcome(enum.StrEnum):
    REGISTER = "register"
    PERMIT = "permit"
    TEMPORARY = "temporary"


def is_temporary(work_type, temporary_answer):
    """Either answer is enough: someone who picked "fit-out" may still be building a temporary structure."""
    return work_type == WorkType.TEMPORARY or bool(temporary_answer)


def needs_amounts(work_type, temporary_answer):
    """Investment and area matter only for works the threshold can move out of scope."""
    return not is_temporary(work_type, temporary_answer) and work_type != WorkType.EQUIPMENT


def decide(work_type, temporary_answer, investment, area, settings):
    """The one outcome for these answers. ``settings`` is a PortalSettings.

    A work exactly at a limit is below the threshold (以下 includes the limit),
    so it is registered here; PortalSettings.needs_construction_permit says so.
    """
    if is_temporary(work_type, temporary_answer):
        return Outcome.TEMPORARY
    if work_type == WorkType.EQUIPMENT:
        return Outcome.REGISTER
    if investment is None or area is None:
        raise ValueError("investment and area are needed for this kind of work")
    if settings.needs_construction_permit(investment, area):
        return Outcome.PERMIT
    return Outcome.REGISTER


def _plain(number):
    """300 rather than 300.00 or 3E+2."""
    return format(Decimal(number).normalize(), "f")


def format_yuan(amount):
    """30万元 or 12.5万元 in Chinese, where money is counted in 万 (10,000), but
    300,001元 rather than 30.0001万元; 300,000 yuan in English."""
    amount = Decimal(amount)
    wan = amount / 10000
    if (translation.get_language() or "").startswith("zh") and wan >= 1 and wan == round(wan, 2):
        # Translators: only used in Chinese, for amounts counted in 万: "%(amount)s万元".
        return _("%(amount)s ten-thousand yuan") % {"amount": _plain(wan)}
    whole, _dot, fraction = _plain(amount).partition(".")
    grouped = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return _("%(amount)s yuan") % {"amount": grouped}


def format_area(area):
    return _("%(area)s m²") % {"area": _plain(area)}
