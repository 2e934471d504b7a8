"""Roster import in the admin: upload → preview of every row (new, update
with its changes, unchanged, or its errors) → confirm.

The upload page works without JavaScript (a plain multipart form); with it,
training/js/import-upload.js shows the upload progress. The rows are kept
server-side between the two steps (importing.stash): the confirm form only
carries the token, which must also be in the user's session, and the
fingerprint of the preview's plan (importing.plan_of), so that a roster
changed in between is shown again rather than overwritten.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.admin_views import forbidden

from . import importing

SESSION_KEY = "training_import_tokens"


class UploadForm(forms.Form):
    sheet = forms.FileField(
        label=_("Sheet (XLSX or CSV)"),
        help_text=_("At most %(rows)d trainees and %(mb)d MB per file; the first row holds the column headings.")
        % {"rows": importing.MAX_ROWS, "mb": importing.MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ImportMixin(WagtailAdminTemplateMixin):
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("training.add_trainee"):
            return forbidden(request, gettext("Your role does not allow adding trainees to the roster."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("trainees:index"), "label": gettext("Roster")},
            {"url": "", "label": gettext("Import from a sheet")},
        ]

    def tokens(self):
        return self.request.session.get(SESSION_KEY, [])


class UploadView(ImportMixin, View):
    template_name = "training/admin/import_upload.html"
    page_title = _("Import the roster from a sheet")

    def get(self, request):
        return self.render(UploadForm())

    def render(self, form, status=200):
        context = self.get_context_data(
            form=form,
            template_url=reverse("training:import_template"),
            max_rows=importing.MAX_ROWS,
            columns=importing.COLUMNS,
            required=importing.REQUIRED,
        )
        return self.render_to_response(context, status=status)

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["sheet"]
            try:
                table = importing.read_sheet(upload)
            except importing.SheetError as error:
                form.add_error("sheet", str(error))
            else:
                token = importing.stash(table, request.user, upload.name)
                request.session[SESSION_KEY] = [*self.tokens()[-4:], token]
                preview = reverse("training:import_preview", args=[token])
                if request.headers.get("X-Requested-With") == "XMLHttpRequest":
                    return JsonResponse({"redirect": preview})  # import-upload.js follows it
                return HttpResponseRedirect(preview)
        return self.render(form, status=400)


class PreviewView(ImportMixin, View):
    """Every row with what confirming does to it (add, update with its
    changes, nothing) or its errors; the confirm button only when there are
    no errors and something to write."""

    template_name = "training/admin/import_preview.html"
    page_title = _("Check the sheet before importing")

    def dispatch(self, request, *args, **kwargs):
        self.token = kwargs["token"]
        return super().dispatch(request, *args, **kwargs)

    def stashed(self):
        if self.token not in self.tokens():
            return None
        return importing.unstash(self.request.user, self.token)

    def gone(self):
        messages.error(
            self.request, gettext("This upload has expired or was already imported. Upload the sheet again.")
        )
        return HttpResponseRedirect(reverse("training:import"))

    def get(self, request, token):
        stashed = self.stashed()
        if stashed is None:
            return self.gone()
        return self.render(stashed, importing.check_rows(stashed["rows"], request.user))

    def render(self, stashed, rows, status=200):
        counts = importing.counts(rows)
        context = self.get_context_data(
            filename=stashed["filename"],
            rows=rows,
            counts=counts,
            bad_count=counts["error"],
            write_count=counts[importing.NEW] + counts[importing.UPDATE],
            plan=importing.plan_of(rows),
            columns=importing.COLUMNS,
            confirm_url=self.request.path,
            upload_url=reverse("training:import"),
        )
        return self.render_to_response(context, status=status)

    def post(self, request, token):
        stashed = self.stashed()
        if stashed is None:
            return self.gone()
        try:
            done = importing.import_rows(stashed["rows"], request.user, request.POST.get("plan", ""))
        except importing.ImportRefused as refusal:
            if refusal.has_errors:
                messages.error(
                    request, gettext("Nothing was imported: fix the rows marked below, then upload the sheet again.")
                )
                return self.render(stashed, refusal.rows, status=400)
            messages.warning(
                request,
                gettext(
                    "Nothing was imported: the roster changed since you checked the "
                    "sheet. Look at the rows again, then confirm."
                ),
            )
            return self.render(stashed, refusal.rows, status=409)
        importing.discard(request.user, token)
        request.session[SESSION_KEY] = [other for other in self.tokens() if other != token]
        messages.success(
            request,
            gettext("Import done: %(new)d trainee(s) added, %(updated)d updated, %(unchanged)d unchanged.")
            % {"new": done[importing.NEW], "updated": done[importing.UPDATE], "unchanged": done[importing.UNCHANGED]},
        )
        return HttpResponseRedirect(reverse("trainees:index"))


def template_view(request):
    """The empty sheet with the Chinese column headings."""
    if not request.user.has_perm("training.add_trainee"):
        return forbidden(request, gettext("Your role does not allow adding trainees to the roster."))
    response = HttpResponse(
        importing.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="trainee-roster-template.xlsx"'
    return response
