"""Public URLs of the training app, included under /training/ by portal/urls.py."""

from django.urls import path

from .checkin import views

app_name = "training_public"

urlpatterns = [
    path("checkin/", views.checkin_start, name="checkin"),
    path("checkin/<str:code>/", views.checkin_session, name="checkin_session"),
    path("checkin/<str:code>/request/", views.checkin_request, name="checkin_request"),
]
