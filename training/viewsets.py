"""The training admin's menu group (培训管理): the sessions, the roster and
the topics, whose viewsets live in sessions/viewsets.py and roster/viewsets.py.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .roster.viewsets import TraineeViewSet
from .sessions.viewsets import TopicViewSet, TrainingSessionViewSet


class TrainingGroup(SnippetViewSetGroup):
    items = (TrainingSessionViewSet, TraineeViewSet, TopicViewSet)
    menu_icon = "calendar-check"
    menu_label = _("Training management")
    menu_name = "training"
    menu_order = 170
