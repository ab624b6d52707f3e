"""The paper questionnaire: a printable PDF of one observation unit's items.

When filling on line is impossible, the sheets are printed, filled by hand and typed in later
(web form or Excel template). Every item and answer option carries its stable code on paper so
that typing matches. The PDF is rendered by WeasyPrint from an HTML template with print CSS;
other printed documents follow the same shape: one function, plain arguments in, bytes out.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from typing import IO, TYPE_CHECKING

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kotan.accounts.models import User
from kotan.collection.channels.web_forms import load_questionnaire
from kotan.collection.exports import job_period, scoped_assignments
from kotan.collection.models import Period
from kotan.core.pdf import html_to_pdf
from kotan.instruments.models import ObservationUnit
from kotan.jobs.registry import JobFailure, JobResult, Progress
from kotan.regions.models import Regency

if TYPE_CHECKING:
    from kotan.jobs.models import Job

TEMPLATE = "collection/paper/questionnaire.html"
ZIP = "application/zip"


def page_counter_css() -> str:
    """'Halaman X dari Y' as a CSS ``content`` value, the numbers being page counters."""
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    parts = re.split(r"(%\(pages?\)s)", _("Halaman %(page)s dari %(pages)s"))
    return " ".join(counters.get(p) or json.dumps(p, ensure_ascii=False) for p in parts if p)


def questionnaire_pdf(
    period: Period, unit: ObservationUnit, regency: Regency | None = None
) -> bytes:
    """The blank questionnaire of ``unit`` in ``period`` as PDF bytes.

    With a regency, its name is printed on every page; without one (bulk printing for a whole
    period) the first page has a line to write it in. Always in Bahasa Indonesia: the sheet is
    for respondents, whatever language the operator who prints it reads.
    """
    questionnaire = load_questionnaire(period.instrument, unit)
    with translation.override("id"):
        html = render_to_string(
            TEMPLATE,
            {
                "period": period,
                "unit": unit,
                "regency": regency,
                "questionnaire": questionnaire,
                "page_counter": page_counter_css(),
            },
        )
    return html_to_pdf(html)


def paper_units(period: Period) -> QuerySet[ObservationUnit]:
    """The units of the period's instrument that answer at least one item (a sheet each)."""
    units = ObservationUnit.objects.filter(instrument_id=period.instrument_id, items__isnull=False)
    return units.distinct().order_by("order", "code")


def period_pdfs_zip(user: User, period: Period, progress: Progress) -> IO[bytes]:
    """One questionnaire PDF per assignment in ``user``'s scope and unit, in a ZIP (a folder
    per regency), in a temporary file; ``progress`` hears of every file."""
    assignments = scoped_assignments(user, period)
    if not assignments:
        raise JobFailure(_("Tidak ada penugasan periode ini di wilayah Anda."))
    units = list(paper_units(period))
    total = len(assignments) * len(units)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the job, which closes it
    done = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for assignment in assignments:
            regency = assignment.regency
            folder = f"{regency.code} {regency.name}".replace("/", "-")
            for unit in units:
                progress(done, total, f"{regency.name} · {unit.name}")
                pdf = questionnaire_pdf(period, unit, regency)
                name = f"kuesioner-{period.year}-{regency.code}-{unit.code}.pdf"
                archive.writestr(f"{folder}/{name}", pdf)
                done += 1
    progress(total, total, _("%(n)d berkas PDF dibuat") % {"n": total})
    out.seek(0)
    return out


def run_period_pdfs(job: Job, progress: Progress) -> JobResult:
    """The runner of a ``period_pdfs`` job: params ``{"period": <pk>}``."""
    period = job_period(job)
    return JobResult(
        content=period_pdfs_zip(job.started_by, period, progress),
        filename=f"kuesioner-{period.year}.zip",
        content_type=ZIP,
    )
