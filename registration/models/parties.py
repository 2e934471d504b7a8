"""The demerit points (扣分) a contractor or a property company gets for what
inspections found on their works: edited by the district as a setting, read
by parties.py for the records and the property companies' star rating."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .backoffice import HazardCategory

__all__ = ["DemeritSettings"]


def _points(label, default, help_text=""):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(100)], help_text=help_text
    )


@register_setting(icon="warning")
class DemeritSettings(BaseGenericSetting):
    """Points per hazard, by hazard category (the field names are the
    categories' values), and for what makes a hazard worse."""

    fall_protection = _points(HazardCategory.FALL_PROTECTION.label, 3)
    temporary_power = _points(HazardCategory.TEMPORARY_POWER.label, 3)
    hot_work = _points(HazardCategory.HOT_WORK.label, 3)
    struck_by = _points(HazardCategory.STRUCK_BY.label, 2)
    collapse = _points(HazardCategory.COLLAPSE.label, 5)
    poisoning = _points(HazardCategory.POISONING.label, 5)
    fire = _points(HazardCategory.FIRE.label, 3)
    other = _points(HazardCategory.OTHER.label, 1)
    late = _points(
        _("a hazard rectified late or still overdue"),
        2,
        _("Added to the hazard's points when its deadline was missed."),
    )
    stop_work = _points(_("a stop-work order"), 5)
    incident = _points(_("an incident"), 10)

    panels = [
        MultiFieldPanel([FieldPanel(category) for category in HazardCategory.values], heading=_("Per hazard found")),
        MultiFieldPanel(
            [FieldPanel("late"), FieldPanel("stop_work"), FieldPanel("incident")], heading=_("In addition")
        ),
    ]

    class Meta:
        verbose_name = _("demerit points")

    def for_category(self, category):
        return getattr(self, category, self.other)
