"""Large exports of collection, made as background jobs (kotan.jobs).

The responses of a period as one XLSX: one row per response in the starter's scope, one
column per item (the answer code as given: ``3``, ``TT``), Indonesian headers, the header row
frozen, and a second sheet naming every item. Cells are written as values, never formulas:
a text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) gets a leading ``'``, so an institution named ``=HYPERLINK(...)``
stays text when the file is opened.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kotan.accounts.models import User
from kotan.accounts.scoping import scope_queryset
from kotan.collection.jobs import PERIOD_PDFS, RESPONSES_XLSX
from kotan.collection.models import Answer, Assignment, Period, Response
from kotan.instruments.models import Item
from kotan.instruments.queries import published_spec
from kotan.jobs.actions import start_job
from kotan.jobs.models import Job
from kotan.jobs.registry import JobFailure, JobResult, Progress

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet cannot mistake for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def period_in_scope(user: User, year: int) -> Period:
    """The period of ``year``, for a user with at least one of its assignments in scope; any
    other answers 404, like a period that does not exist."""
    period = Period.objects.select_related("instrument").filter(year=year).first()
    if period is None or not scope_queryset(user, period.assignments.all()).exists():
        raise Http404
    return period


def scoped_assignments(user: User, period: Period) -> list[Assignment]:
    """The period's assignments in ``user``'s scope, by regency code."""
    assignments = Assignment.objects.filter(period=period).select_related("regency__province")
    return list(scope_queryset(user, assignments).order_by("regency__code"))


def _header(ws: WriteOnlyWorksheet, names: Iterable[str]) -> None:
    bold = Font(bold=True)
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=safe_cell(name))
        cell.font = bold
        cells.append(cell)
    ws.append(cells)


def _local(moment: Any) -> Any:
    # Excel has no time zones: the local time of the system, as the pages show it.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _response_row(response: Response, answers: dict[int, str], items: Sequence[int]) -> list[Any]:
    regency = response.assignment.regency
    return [
        safe_cell(v)
        for v in (
            response.receipt_number,
            regency.province.code,
            regency.province.name,
            regency.code,
            regency.name,
            response.unit.code,
            response.institution_name,
            response.get_channel_display(),
            _local(response.submitted_at),
            response.duration_seconds,
            _("ya") if response.excluded else _("tidak"),
            response.excluded_reason,
            ", ".join(str(f) for f in response.flags or []),
            *(answers.get(pk, "") for pk in items),
        )
    ]


def responses_workbook(user: User, period: Period, progress: Progress) -> IO[bytes]:
    """Every response of ``period`` in ``user``'s scope, as an XLSX in a temporary file."""
    assignments = scoped_assignments(user, period)
    if not assignments:
        raise JobFailure(_("Tidak ada penugasan periode ini di wilayah Anda."))
    spec = published_spec(period.instrument)
    pk_of = dict(Item.objects.filter(instrument=period.instrument).values_list("code", "pk"))
    items = [pk_of[i.code] for i in spec.items]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Jawaban"))
    ws.freeze_panes = "A2"
    _header(
        ws,
        [
            _("Nomor tanda terima"),
            _("Kode provinsi"),
            _("Provinsi"),
            _("Kode kabupaten/kota"),
            _("Kabupaten/kota"),
            _("Unit observasi"),
            _("Instansi responden"),
            _("Kanal"),
            _("Dikirim pada"),
            _("Lama mengisi (detik)"),
            _("Dikecualikan"),
            _("Alasan dikecualikan"),
            _("Tanda kualitas"),
            *(i.code for i in spec.items),
        ],
    )
    total = len(assignments)
    n_responses = 0
    for done, assignment in enumerate(assignments):
        progress(done, total, assignment.regency.name)
        answers: dict[int, dict[int, str]] = defaultdict(dict)
        rows = Answer.objects.filter(response__assignment=assignment).values_list(
            "response_id", "item_id", "value"
        )
        for response_id, item_id, value in rows.iterator(chunk_size=5000):
            answers[response_id][item_id] = value
        responses = (
            Response.objects.filter(assignment=assignment)
            .select_related("unit")
            .order_by("receipt_number")
        )
        for response in responses.iterator(chunk_size=1000):
            response.assignment = assignment  # already loaded, with its regency and province
            ws.append(_response_row(response, answers[response.pk], items))
            n_responses += 1

    items_sheet = wb.create_sheet(_("Butir"))
    items_sheet.freeze_panes = "A2"
    _header(items_sheet, [_("Kode"), _("Variabel"), _("Indikator"), _("Butir"), _("Unit")])
    for variable in spec.variables:
        for indicator in variable.indicators:
            for item in indicator.items:
                items_sheet.append(
                    [
                        safe_cell(v)
                        for v in (
                            item.code,
                            variable.name,
                            indicator.name,
                            item.text,
                            ", ".join(item.units),
                        )
                    ]
                )
    progress(total, total, _("%(n)d respons ditulis") % {"n": n_responses})
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the job, which closes it
    wb.save(out)
    out.seek(0)
    return out


# --- the period's background jobs (this export, the PDFs of channels/paper.py) ----------------

PERIOD_JOB_LABELS = {
    RESPONSES_XLSX: gettext_noop("Ekspor jawaban %(period)s (XLSX)"),
    PERIOD_PDFS: gettext_noop("PDF kuesioner kertas %(period)s"),
}


def start_period_job(user: User, period: Period, kind: str) -> Job:
    """Queue a job of ``kind`` over ``period`` in ``user``'s scope (params: the period)."""
    with translation.override("id"):  # the job's name is stored once
        label = _(PERIOD_JOB_LABELS[kind]) % {"period": period.name}
    return start_job(user, kind, label, {"period": period.pk})


def job_period(job: Job) -> Period:
    """The period a job's params name; the job fails, saying so, if it is gone."""
    period = Period.objects.select_related("instrument").filter(pk=job.params.get("period")).first()
    if period is None:
        raise JobFailure(_("Periode pekerjaan ini tidak ditemukan lagi."))
    return period


def run_responses_xlsx(job: Job, progress: Progress) -> JobResult:
    """The runner of a ``responses_xlsx`` job: params ``{"period": <pk>}``."""
    period = job_period(job)
    return JobResult(
        content=responses_workbook(job.started_by, period, progress),
        filename=f"jawaban-{period.year}.xlsx",
        content_type=XLSX,
    )
