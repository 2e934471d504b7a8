"""The session form of the admin."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

from ..permissions import is_district
from ..roles import TRAINER


class TrainingSessionForm(WagtailAdminModelForm):
    """Sessions: trainers are chosen among the trainer group; a trainer who is
    not a district administrator always stays one of the session's trainers,
    or they would lose the session they just saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trainers = self.fields.get("trainers")
        if trainers is not None:
            # Trainers, and whoever already teaches this session (even if no longer one).
            condition = Q(is_active=True, groups__name=TRAINER)
            if self.instance.pk:
                condition |= Q(pk__in=self.instance.trainers.values("pk"))
            trainers.queryset = get_user_model().objects.filter(condition).distinct().order_by("first_name", "username")
            trainers.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        if "materials" in self.fields:
            self.fields["materials"].queryset = self.fields["materials"].queryset.order_by("title")

    def clean(self):
        cleaned = super().clean()
        user = self.for_user
        if user is not None and "trainers" in cleaned and not is_district(user):
            chosen = Q(pk__in=[trainer.pk for trainer in cleaned["trainers"]]) | Q(pk=user.pk)
            cleaned["trainers"] = get_user_model().objects.filter(chosen)
        return cleaned
