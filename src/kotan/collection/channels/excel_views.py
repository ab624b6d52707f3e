"""Pages of the Excel channel: download an assignment's template, upload a filled file.

Operators (MANAGE_COLLECTION) of the assignment's region only (others: 404), and only while
the assignment takes responses. Reading, checking and importing live in ``excel``.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, current_user, require
from kotan.accounts.scoping import get_scoped_or_404
from kotan.collection.channels import excel
from kotan.collection.models import Assignment

ACCEPT = f".xlsx,.csv,{excel.XLSX_TYPE},text/csv"


class UploadForm(forms.Form):
    berkas = forms.FileField(
        label=_("Berkas yang sudah diisi (.xlsx atau .csv)"),
        help_text=_(
            "Templat dari halaman ini, atau tabel jawaban lebar (kolom response_id, "
            "regency_code, unit_code, lalu kode butir). Paling besar 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


def _assignment(user: User, assignment_id: int) -> Assignment:
    related = Assignment.objects.select_related("period__instrument", "regency__province")
    return get_scoped_or_404(user, related, pk=assignment_id)


def _page(
    request: HttpRequest,
    assignment: Assignment,
    form: UploadForm | None = None,
    problems: list[excel.FileProblem] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "assignment": assignment,
        "form": form or UploadForm(),
        "problems": problems or [],
        "max_mb": excel.MAX_UPLOAD_BYTES // 2**20,
    }
    return render(request, "collection/excel/page.html", context, status=status)


@require_http_methods(["GET", "POST"])
@require(Capability.MANAGE_COLLECTION)
def excel_page(request: HttpRequest, assignment_id: int) -> HttpResponse:
    user = current_user(request)
    assignment = _assignment(user, assignment_id)
    if not assignment.accepts_responses:
        return _page(request, assignment, status=200 if request.method == "GET" else 409)
    if request.method == "GET":
        return _page(request, assignment)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, assignment, form, status=400)
    upload = form.cleaned_data["berkas"]
    try:
        summary = excel.import_upload(assignment, upload, user=user)
    except excel.UploadRejected as exc:
        return _page(request, assignment, UploadForm(), exc.found, status=400)
    context = {"assignment": assignment, "summary": summary, "file_name": upload.name}
    return render(request, "collection/excel/result.html", context)


@never_cache  # every download carries fresh row ids
@require_GET
@require(Capability.MANAGE_COLLECTION)
def excel_template(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment(current_user(request), assignment_id)
    if not assignment.accepts_responses:
        return _page(request, assignment, status=409)
    target = excel.Target.of(assignment)
    response = HttpResponse(excel.assignment_template(assignment), content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{excel.template_name(target)}"'
    return response
