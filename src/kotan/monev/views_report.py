"""The visit report as DOCX or PDF, one click from the visit page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from kotan.accounts.permissions import Capability, current_user, require
from kotan.monev.report import render_docx, render_pdf, report_filename, visit_report
from kotan.monev.views import visit_for

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@require(Capability.VIEW_MONEV)
def visit_report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    visit = visit_for(current_user(request), pk)
    report = visit_report(visit)
    body = render_pdf(report) if fmt == "pdf" else render_docx(report)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(visit, fmt)}"'
    return response
