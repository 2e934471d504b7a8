"""The inspector's round (今日巡查) in the admin, made for a phone."""

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..backoffice.action_views import ON_SITE, forbidden, has_role
from ..models import Report, ReportStatus
from .round import DUE_SOON_DAYS, days_overdue, round_for

PER_PAGE = 20


class RoundView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "registration/admin/round.html"
    page_title = _("Today's inspection round")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not has_role(request.user, ON_SITE):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        page = Paginator(round_for(self.request.user), PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            page=page,
            works=[(work, days, -days) for work in page for days in [days_overdue(work, now)]],
            due_soon_days=DUE_SOON_DAYS,
            reports=list(
                Report.objects.filter(assigned_inspector=self.request.user, status=ReportStatus.INSPECTOR_SENT)
                .select_related("street", "community")
                .order_by("created_at")[:20]
            ),
            inspect_url_name="registration_backoffice:inspect",
            report_url_name="reports:inspect",
            works_url=reverse("works:index"),
        )
        return context
