"""The paper questionnaire as a PDF: per assignment and unit, or per period and unit (bulk).

Every role that reads collection may print (enumerators included); where is decided by the
scoping helper: an assignment outside the scope, or a period without any assignment in it,
answers 404 like one that does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from kotan.accounts.permissions import Capability, current_user, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.collection.channels.paper import questionnaire_pdf
from kotan.collection.models import Assignment, Period
from kotan.instruments.models import ObservationUnit


def _unit(period: Period, code: str) -> ObservationUnit:
    """A unit of the period's instrument that answers at least one item, else 404."""
    units = ObservationUnit.objects.filter(instrument_id=period.instrument_id, items__isnull=False)
    return get_object_or_404(units.distinct(), code=code)


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    # Inline: the browser's viewer opens it ready to print; saving keeps the file name.
    disposition = content_disposition_header(as_attachment=False, filename=filename)
    return HttpResponse(
        pdf, content_type="application/pdf", headers={"Content-Disposition": disposition}
    )


@require(Capability.VIEW_COLLECTION)
def assignment_paper(request: HttpRequest, assignment_id: int, unit_code: str) -> HttpResponse:
    assignment = get_scoped_or_404(
        current_user(request),
        Assignment.objects.select_related("period__instrument", "regency__province"),
        pk=assignment_id,
    )
    period, regency = assignment.period, assignment.regency
    unit = _unit(period, unit_code)
    pdf = questionnaire_pdf(period, unit, regency)
    return _pdf(pdf, f"kuesioner-{period.year}-{regency.code}-{unit.code}.pdf")


@require(Capability.VIEW_COLLECTION)
def period_paper(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    """Without a regency, for printing in bulk: for users with an assignment of the period."""
    period = get_object_or_404(Period.objects.select_related("instrument"), year=year)
    if not scope_queryset(current_user(request), period.assignments.all()).exists():
        raise Http404
    unit = _unit(period, unit_code)
    return _pdf(questionnaire_pdf(period, unit), f"kuesioner-{period.year}-{unit.code}.pdf")
