"""The paper questionnaire as a PDF: per assignment and unit, per period and unit (bulk), and
the PDFs of every assignment of a period in the user's scope as one ZIP (a background job).

Every role that reads collection may print (enumerators included); where is decided by the
scoping helper: an assignment outside the scope, or a period without any assignment in it,
answers 404 like one that does not exist.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import Capability, current_user, require
from kotan.accounts.scoping import get_scoped_or_404
from kotan.collection.channels.paper import paper_units, questionnaire_pdf
from kotan.collection.exports import period_in_scope, scoped_assignments, start_period_job
from kotan.collection.jobs import PERIOD_PDFS
from kotan.collection.models import Assignment, Period
from kotan.instruments.models import ObservationUnit


def _unit(period: Period, code: str) -> ObservationUnit:
    """A unit of the period's instrument that answers at least one item, else 404."""
    return get_object_or_404(paper_units(period), code=code)


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
    period = period_in_scope(current_user(request), year)
    unit = _unit(period, unit_code)
    return _pdf(questionnaire_pdf(period, unit), f"kuesioner-{period.year}-{unit.code}.pdf")


@require(Capability.VIEW_COLLECTION)
def period_paper_page(request: HttpRequest, year: int) -> HttpResponse:
    """The period's paper questionnaires: a blank sheet per unit, and every assignment's PDFs."""
    period = period_in_scope(current_user(request), year)
    assignments = scoped_assignments(current_user(request), period)
    units = list(paper_units(period))
    return render(
        request,
        "collection/paper/period.html",
        {
            "period": period,
            "units": units,
            "n_assignments": len(assignments),
            "n_files": len(assignments) * len(units),
        },
    )


@require_POST
@require(Capability.VIEW_COLLECTION)
def period_paper_zip(request: HttpRequest, year: int) -> HttpResponse:
    """Start the job that makes every assignment's PDFs in the user's scope, as one ZIP."""
    period = period_in_scope(current_user(request), year)
    job = start_period_job(current_user(request), period, PERIOD_PDFS)
    return redirect("job_detail", job_id=job.pk)
