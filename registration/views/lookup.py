"""Public lookup views (being written)."""

urlpatterns = []
