"""Field work: the standard checklists inspectors fill in on site and their answers.

Staff edit the checklists as snippets; an answer keeps the text of its item,
so an inspection reads the same after the checklist has been edited.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from .backoffice import Hazard, HazardCategory, Inspection
from .works import HighRiskOperation, WorkCategory

__all__ = ["ChecklistAnswer", "ChecklistAnswerValue", "Checklist", "ChecklistItem"]


class Checklist(ClusterableModel):
    """A standard checklist (检查表): it applies to a work of one of its
    categories or with one of its high-risk operations; a checklist with
    neither applies to every work."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    categories = ParentalManyToManyField(
        WorkCategory, blank=True, related_name="checklists", verbose_name=_("work categories")
    )
    high_risk_operations = ParentalManyToManyField(
        HighRiskOperation, blank=True, related_name="checklists", verbose_name=_("high-risk operations")
    )
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("high_risk_operations", widget=forms.CheckboxSelectMultiple),
        FieldPanel("active"),
        FieldPanel("sort_order"),
        InlinePanel("items", label=_("items"), min_num=1),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("inspection checklist")
        verbose_name_plural = _("inspection checklists")

    def __str__(self):
        return self.name


class ChecklistItem(Orderable):
    checklist = ParentalKey(Checklist, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("what to check"), max_length=200)
    hazard_category = models.CharField(
        _("hazard category"),
        max_length=30,
        choices=HazardCategory.choices,
        help_text=_("A “not compliant” answer becomes a hazard of this category."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("days to rectify"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_("Prefills the hazard's deadline; 0 means the same day."),
    )

    panels = [FieldPanel("text"), FieldPanel("hazard_category"), FieldPanel("deadline_days")]

    class Meta(Orderable.Meta):
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.text


class ChecklistAnswerValue(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NOT_COMPLIANT = "not_compliant", _("Not compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ChecklistAnswer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checklist_name = models.CharField(_("checklist"), max_length=100)
    item_text = models.CharField(_("what was checked"), max_length=200)
    answer = models.CharField(_("answer"), max_length=20, choices=ChecklistAnswerValue.choices)
    hazard = models.OneToOneField(
        Hazard, null=True, blank=True, on_delete=models.SET_NULL, related_name="checklist_answer"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
