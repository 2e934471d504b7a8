from .public import aftercare_views as aftercare
from .public import journey_views as journey
from .public import lookup_views as lookup

app_name = "registration"
urlpatterns = journey.urlpatterns + lookup.urlpatterns + aftercare.urlpatterns
