"""The attendance sheet of one session, in the admin, for tablets and phones.

One form holds the whole sheet: the marks, the search for a walk-in on the
roster and the details of a new walk-in. Every button saves the marks the
trainer changed (so nothing typed is lost), except "mark all present",
which only fills in the radios, like its script version. Without the
session's trainer role the page answers 403; someone else's session, 404.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.admin_views import forbidden
from portal.validators import normalise_mobile

from .. import services
from ..models import AttendanceStatus, Trainee, TrainingSession
from ..permissions import editable_sessions, is_district, is_trainer, visible_trainees
from ..roster.forms import WalkInTraineeForm
from .sheet import load_rows, read_submission, status_counts

SEARCH_LIMIT = 20


NOT_A_TRAINER = _("Only the trainers of a session and the district administrators may take its attendance.")


def search_roster(user, session, query, exclude_ids):
    """Roster trainees matching a name or a mobile number, not yet on the sheet."""
    query = (query or "").strip()
    if not query:
        return []
    digits = normalise_mobile(query)
    condition = Q(name__icontains=query)
    if digits.isdigit() and len(digits) >= 3:
        condition |= Q(mobile__contains=digits)
    found = visible_trainees(Trainee.objects.filter(condition), user).exclude(pk__in=exclude_ids)
    return list(found.select_related("street", "community").order_by("name", "pk")[:SEARCH_LIMIT])


class SheetView(WagtailAdminTemplateMixin, View):
    template_name = "training/admin/sheet.html"
    page_title = _("Attendance sheet")
    header_icon = "tasks"

    def dispatch(self, request, pk):
        user = request.user
        if not (user.has_perm("training.change_attendance") and user.has_perm("training.add_attendance")):
            return forbidden(request, NOT_A_TRAINER)
        if not (is_district(user) or is_trainer(user)):
            return forbidden(request, NOT_A_TRAINER)
        sessions = TrainingSession.objects.select_related("topic", "street")
        self.session = get_object_or_404(editable_sessions(sessions, user), pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("training_sessions:index"), "label": gettext("Sessions")},
            {"url": reverse("training_sessions:inspect", args=[self.session.pk]), "label": str(self.session)},
            {"url": "", "label": gettext("Attendance sheet")},
        ]

    @property
    def url(self):
        return reverse("training:sheet", args=[self.session.pk])

    # GET: the sheet as stored

    def get(self, request, pk):
        return self.render(load_rows(self.session), query=request.GET.get("q", ""))

    def render(self, rows, *, query="", form=None, errors=(), status=200):
        on_sheet = [row.trainee.pk for row in rows]
        context = self.get_context_data(
            session=self.session,
            rows=rows,
            count_items=status_counts(rows),
            statuses=AttendanceStatus.choices,
            errors=list(errors),
            row_errors=[row for row in rows if row.errors],
            query=query,
            results=search_roster(self.request.user, self.session, query, on_sheet),
            new_form=form or WalkInTraineeForm(),
            action_url=self.url,
            cancelled=self.session.status == "cancelled",
        )
        return self.render_to_response(context, status=status)

    # POST: save, search, add a walk-in, or fill in "present" everywhere

    def post(self, request, pk):
        action = request.POST.get("action", "save")
        query = request.POST.get("q", "").strip()
        if action == "mark_all":
            submission = read_submission(self.session, request.POST, mark_all=True)
            messages.info(
                request, gettext("Everyone is marked present on this page. Change the exceptions, then save.")
            )
            return self.render(submission.rows, query=query, form=WalkInTraineeForm.keeping(request.POST))
        submission = read_submission(self.session, request.POST)
        if not submission.ok:
            return self.render(
                submission.rows,
                query=query,
                form=WalkInTraineeForm.keeping(request.POST),
                errors=submission.errors,
                status=400,
            )
        new_form = WalkInTraineeForm(request.POST) if action == "add_new" else None
        if new_form is not None and not new_form.is_valid():
            return self.render(
                submission.rows,
                query=query,
                form=new_form,
                errors=[gettext("The new trainee could not be added: see the errors below. Nothing was saved.")],
                status=400,
            )
        try:
            with transaction.atomic():
                changed = services.mark_attendance(self.session, submission.marks, request.user)
                note = self.add_walk_in(action, new_form)
        except (services.AttendanceRefused, services.TraineeRefused) as refusal:
            return self.render(submission.rows, query=query, form=new_form, errors=[str(refusal)], status=400)
        if changed:
            messages.success(request, gettext("Saved: %(count)d mark(s) changed.") % {"count": changed})
        elif not note:
            messages.info(request, gettext("Nothing had changed; nothing was saved."))
        if note:
            messages.success(request, note)
        target = self.url
        if query:  # the search button, or Enter in the search box
            target += "?" + urlencode({"q": query})
        if query or note:
            target += "#walk-in"
        return HttpResponseRedirect(target)

    def add_walk_in(self, action, new_form):
        """Add the walk-in the action asks for; return the message to show, or ''."""
        user = self.request.user
        if action == "add_new":
            services.add_new_walk_in(self.session, new_form.trainee_data(), user)
            return gettext("%(name)s added to the roster and marked present.") % {"name": new_form.cleaned_data["name"]}
        if action.startswith("add-") and action[4:].isdigit():
            trainee = get_object_or_404(visible_trainees(Trainee.objects.all(), user), pk=int(action[4:]))
            _record, created = services.add_walk_in(self.session, trainee, user)
            if created:
                return gettext("%(name)s added to the sheet and marked present.") % {"name": trainee.name}
            return gettext("%(name)s is already on the sheet.") % {"name": trainee.name}
        return ""
