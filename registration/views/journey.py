"""Public journey views (being written)."""

urlpatterns = []
