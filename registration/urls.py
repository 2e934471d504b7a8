from .views import journey, lookup

app_name = "registration"
urlpatterns = journey.urlpatterns + lookup.urlpatterns
