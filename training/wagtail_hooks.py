"""Admin registration of the training app: the 培训管理 menu group (sessions,
roster, topics), the attendance sheet and the roster import."""

from django.urls import include, path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .roster import views as import_views
from .sessions import views as sheet_views
from .viewsets import TrainingGroup

register_snippet(TrainingGroup)

urlpatterns = [
    path("sessions/<int:pk>/attendance/", sheet_views.SheetView.as_view(), name="sheet"),
    path("trainees/import/", import_views.UploadView.as_view(), name="import"),
    path("trainees/import/template.xlsx", import_views.template_view, name="import_template"),
    path("trainees/import/<str:token>/", import_views.PreviewView.as_view(), name="import_preview"),
]


@hooks.register("register_admin_urls")
def register_training_urls():
    return [path("training/", include((urlpatterns, "training"), namespace="training"))]


# The self check-in (poster, requests of unknown numbers) and the reports register their own hooks.
from .checkin import wagtail_hooks as checkin_hooks  # noqa: E402,F401
from .reports import wagtail_hooks as report_hooks  # noqa: E402,F401
