"""A run's results for leaders: a formatted XLSX and a short PDF summary.

Both hold the rows of the run that the reader may see (the same scope as the run's page) and
nothing personal: one row per regency, never an answer. The XLSX has Indonesian headers, a
frozen header row, column widths and number formats, optionally one sheet per province, and a
"Keterangan" sheet with the method in plain words. Every text cell goes through
``collection.exports.safe_cell``, so a name such as ``=HYPERLINK(...)`` stays text.

Both are made in the request: 514 rows take well under a second for the XLSX and the PDF
holds at most ``PDF_TOP`` + ``PDF_TOP`` rows of ranking (``tests/scoring/test_exports.py``
measures the full country).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kotan.accounts.models import User
from kotan.accounts.scoping import scope_queryset
from kotan.collection.exports import XLSX, safe_cell
from kotan.core import maps
from kotan.core.pdf import html_to_pdf
from kotan.instruments.queries import published_spec
from kotan.scoring.models import IndexRun, RegencyResult

PDF_TOP = 10  # the PDF ranks everyone up to 2 × this many rows, else the top and the bottom
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
SHEET_NAME_MAX = 31  # Excel's limit
SHEET_NAME_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})

__all__ = ["XLSX", "results_xlsx", "scoped_results", "summary_pdf"]


def scoped_results(user: User, run: IndexRun) -> list[RegencyResult]:
    """The run's rows ``user`` may see, in national rank order (unranked last)."""
    results = scope_queryset(user, RegencyResult.objects.filter(run=run))
    return list(
        results.select_related("regency__province").order_by(
            F("rank_national").asc(nulls_last=True), "regency__code"
        )
    )


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str = "General"


def _columns(variables: Sequence[tuple[str, str]]) -> list[Column]:
    return [
        Column(_("Peringkat nasional"), 11, "0"),
        Column(_("Peringkat terendah (interval 90 %)"), 13, "0"),
        Column(_("Peringkat tertinggi (interval 90 %)"), 13, "0"),
        Column(_("Kode"), 8),
        Column(_("Kabupaten/kota"), 30),
        Column(_("Provinsi"), 24),
        Column(_("Peringkat provinsi"), 11, "0"),
        Column(_("Indeks"), 9, "0.000"),
        Column(_("Indeks, batas bawah 90 %"), 12, "0.000"),
        Column(_("Indeks, batas atas 90 %"), 12, "0.000"),
        Column(_("Indeks 0–100"), 10, "0.0"),
        Column(_("Kategori"), 16),
        Column(_("Peluang tetap di kategori"), 12, "0%"),
        Column(_("Responden"), 11, "0"),
        Column(_("Status data"), 16),
        *(Column(f"{code} {name}", 14, "0.000") for code, name in variables),
    ]


def _row(
    r: RegencyResult, labels: dict[str, str | Promise], variables: Sequence[tuple[str, str]]
) -> list[Any]:
    return [
        r.rank_national,
        r.rank_ci_high,  # a higher number is a lower rank
        r.rank_ci_low,
        r.regency.code,
        r.regency.name,
        r.regency.province.name,
        r.rank_province,
        r.index,
        r.index_ci_low,
        r.index_ci_high,
        r.index_100,
        str(labels.get(r.category, "")) if r.category else "",
        r.p_same_category,
        r.n_respondents,
        r.get_status_display(),
        *(r.variables.get(code) for code, _name in variables),
    ]


def _table_sheet(
    ws: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[Any]], title: str
) -> None:
    ws.title = title
    bold = Font(bold=True)
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=safe_cell(column.header))
        cell.data_type = "s"
        cell.font, cell.fill = bold, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = column.width
    for i, values in enumerate(rows, start=2):
        for j, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=i, column=j, value=safe_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"  # stays text even when it looks like a formula
            else:
                cell.number_format = column.number_format
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"


def _sheet_name(name: str, taken: set[str]) -> str:
    base = name.translate(SHEET_NAME_BAD).strip("' ")[:SHEET_NAME_MAX] or "Provinsi"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def method_facts(run: IndexRun) -> list[tuple[str, str]]:
    """The method of the run as (label, value) lines in plain words, for both files."""
    m = run.method
    bands = "; ".join(
        f"{label} {b['lower']:.3f}–{b['upper']:.3f}" for label, b in run.labelled_bands
    )
    return [
        (_("Periode"), run.period.name),
        (_("Perhitungan"), f"#{run.pk} · {run.get_kind_display()}"),
        (_("Dihitung"), timezone.localtime(run.created_at).strftime("%d-%m-%Y %H:%M")),
        (_("Instrumen"), f"{run.instrument_year} v{run.instrument_version}"),
        (_("Cara merata-ratakan"), str(run.aggregation_label)),
        (_("Skema kategori"), f"{m['scheme']}: {bands}"),
        (_("Minimal responden"), str(m["min_respondents"])),
        (
            _("Interval 90 %"),
            _(
                "Rentang tempat nilai sebenarnya kemungkinan besar berada (90 dari 100 "
                "pengulangan acak). Rentang lebar berarti angkanya kurang pasti."
            ),
        ),
        (
            _("Peluang tetap di kategori"),
            _(
                "Seberapa sering kabupaten/kota tetap di kategori yang sama bila respondennya "
                "diambil ulang secara acak. Mendekati 100 % berarti kategorinya mantap."
            ),
        ),
        (
            _("Data tidak cukup"),
            _(
                "Terlalu sedikit responden atau ada variabel tanpa jawaban: tanpa indeks "
                "resmi, kategori, dan peringkat."
            ),
        ),
        (_("Replikasi bootstrap"), str(m["bootstrap"])),
        (_("Seed"), str(m["seed"])),
        (_("Versi mesin"), run.engine_version),
        (_("Sidik data masukan (SHA-256)"), run.input_digest),
        (_("Jawaban responden dihitung"), str(run.n_responses)),
    ]


def results_xlsx(user: User, run: IndexRun, *, by_province: bool = False) -> bytes:
    """The run's rows in ``user``'s scope as a workbook (one sheet per province on demand)."""
    spec = published_spec(run.instrument)
    variables = [(v.code, v.name) for v in spec.variables]
    labels = run.category_labels
    results = scoped_results(user, run)
    columns = _columns(variables)
    wb = Workbook()
    all_rows = [_row(r, labels, variables) for r in results]
    _table_sheet(wb.active, columns, all_rows, _("Semua"))
    if by_province:
        taken = {_("Semua").lower(), _("Keterangan").lower()}
        by_name: dict[str, list[list[Any]]] = {}
        for r, row in zip(results, all_rows, strict=True):
            by_name.setdefault(r.regency.province.name, []).append(row)
        for name in sorted(by_name):
            rows = sorted(by_name[name], key=lambda row: (row[6] is None, row[6] or 0, row[3]))
            _table_sheet(wb.create_sheet(), columns, rows, _sheet_name(name, taken))
    notes = wb.create_sheet(_("Keterangan"))
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 90
    title = notes.cell(row=1, column=1, value=safe_cell(_("Hasil IKOTAN: cara membaca")))
    title.font = Font(bold=True, size=13)
    for i, (label, value) in enumerate(method_facts(run), start=3):
        a = notes.cell(row=i, column=1, value=safe_cell(label))
        b = notes.cell(row=i, column=2, value=safe_cell(value))
        a.data_type = b.data_type = "s"
        a.font = Font(bold=True)
        b.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class CategoryCount:
    code: str
    label: str | Promise
    n: int


def summary_context(user: User, run: IndexRun) -> dict[str, Any]:
    labels = run.category_labels
    results = scoped_results(user, run)
    ranked = [r for r in results if r.is_ok]
    counts = Counter(r.category for r in ranked)
    categories = [CategoryCount(code, label, counts.get(code, 0)) for code, label in labels.items()]
    if len(ranked) <= 2 * PDF_TOP:
        top, bottom = ranked, []
    else:
        top, bottom = ranked[:PDF_TOP], ranked[-PDF_TOP:]
    return {
        "run": run,
        "labels": labels,
        "categories": list(reversed(categories)),  # best first, as the ranking
        "n_ranked": len(ranked),
        "n_insufficient": len(results) - len(ranked),
        "n_total": len(results),
        "top": top,
        "bottom": bottom,
        "ranking": [*top, None, *bottom] if bottom else top,  # None: the rows left out
        "facts": method_facts(run),
        "map": _map(results, labels),
        "made_at": timezone.localtime(),
        "user": user,
    }


def _map(results: Sequence[RegencyResult], labels: dict[str, str | Promise]) -> str:
    """The regencies in scope as dots at their capitals, by category (SVG, no links)."""
    if not results:
        return ""
    dots = [
        maps.Dot(
            r.regency.code,
            r.regency.name,
            r.category or None,
            str(labels.get(r.category, _("Data tidak cukup"))),
        )
        for r in results
    ]
    legend = {code: str(label) for code, label in labels.items()}
    one_province = len({r.regency.province_id for r in results}) == 1
    return maps.dot_map(dots, legend=legend, fit=one_province)


def summary_pdf(user: User, run: IndexRun) -> bytes:
    html = render_to_string("scoring/summary_pdf.html", summary_context(user, run))
    return html_to_pdf(html)
