"""The Excel channel: a workbook template per assignment, and filled files read back.

A template has an instructions sheet, one sheet per observation unit (one row per respondent,
a row id prefilled in each row, one column per item with a drop-down of the answer codes) and a
hidden, protected ``meta`` sheet naming the assignment. An upload is either such a template or
the wide response table of ``kotan score`` (CSV or XLSX). Either way the whole file is checked
first and every problem reported by sheet, row and column; only a clean file is imported, each
row through ``ingest_submission`` and all rows in one transaction. Row UUIDs are stable, so
uploading the same file again creates nothing new. Layout: docs/excel.md.
"""

from __future__ import annotations

import csv
import hashlib
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from kotan.collection.ingest import ingest_submission, period_rules
from kotan.collection.models import Assignment, Channel
from kotan.collection.payload import InstrumentRules, check_answers
from kotan.instruments.queries import published_spec
from kotan.method.problems import Problem, ProblemsError, register_messages
from kotan.method.spec import InstrumentSpec
from kotan.method.tables import REQUIRED as TABLE_COLUMNS
from kotan.method.tables import cell_text, csv_rows, normalise
from kotan.method.workbooks import WorkbookRefused, open_workbook

if TYPE_CHECKING:
    from kotan.accounts.models import User

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a 5 MB workbook of answers unpacks to far less
MAX_ROWS = 2_000  # respondent rows per sheet
MAX_COLUMNS = 1_024  # columns read per row; headers further right are not found
MAX_PROBLEMS = 300
SPARE_ROWS = 10  # prefilled rows beyond the quota of each unit

FORMAT, FORMAT_VERSION = "si-kotan-excel", 1
GUIDE, META = "Petunjuk", "meta"
ROW_ID, INSTITUTION, STARTED, ENDED = "id_baris", "instansi", "mulai", "selesai"
FIXED_COLUMNS = (ROW_ID, INSTITUTION, STARTED, ENDED)
TITLE_ROW, HEADER_ROW, TEXT_ROW, FIRST_ROW = 1, 2, 3, 4
# Units whose respondents answer for an organisation: the institution name is required there.
INSTITUTION_UNITS = frozenset({"gov", "edu", "biz"})
# Row UUIDs that the file does not carry are derived from this namespace (never change it:
# a re-upload must give the same UUIDs).
NAMESPACE = uuid.UUID("5f1d3c52-7a0e-5c8e-9a43-1b2f6d0e8c71")
TIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H.%M", "%d-%m-%Y %H:%M", "%d-%m-%Y %H.%M")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

register_messages(
    {
        "excel.too_big": (
            "Berkas terlalu besar: {size} MB (paling besar {limit} MB).",
            "The file is too large: {size} MB (at most {limit} MB).",
        ),
        "excel.not_spreadsheet": (
            "Berkas ini bukan buku kerja Excel (.xlsx) atau tabel CSV.",
            "This file is not an Excel workbook (.xlsx) or a CSV table.",
        ),
        "excel.old_excel": (
            "Berkas Excel lama (.xls) atau berkas berkata sandi tidak dapat dibaca; simpan ulang "
            "sebagai Buku Kerja Excel (.xlsx) tanpa kata sandi.",
            "Old Excel files (.xls) and password-protected files cannot be read; save it again "
            "as an Excel Workbook (.xlsx) without a password.",
        ),
        "excel.macro": (
            "Berkas dengan makro (.xlsm) tidak diterima; simpan ulang sebagai Buku Kerja Excel "
            "(.xlsx).",
            "Files with macros (.xlsm) are not accepted; save it again as an Excel Workbook "
            "(.xlsx).",
        ),
        "excel.broken": (
            "Berkas rusak dan tidak dapat dibaca.",
            "The file is damaged and cannot be read.",
        ),
        "excel.unpacked": (
            "Isi berkas lebih dari {limit} MB setelah diekstrak.",
            "The file holds more than {limit} MB once unpacked.",
        ),
        "excel.encoding": (
            "Berkas CSV tidak dapat dibaca sebagai teks UTF-8; simpan sebagai 'CSV UTF-8'.",
            "The CSV file cannot be read as UTF-8 text; save it as 'CSV UTF-8'.",
        ),
        "excel.layout": (
            "Berkas ini bukan templat SI-KOTAN dan bukan tabel jawaban (kolom response_id, "
            "regency_code, unit_code, lalu kode butir). Unduh templat dari halaman ini.",
            "This file is neither an SI-KOTAN template nor a response table (columns "
            "response_id, regency_code, unit_code, then item codes). Download the template "
            "from this page.",
        ),
        "excel.meta": (
            "Lembar 'meta' templat rusak atau diubah; unduh templat baru.",
            "The template's 'meta' sheet is damaged or was changed; download a new template.",
        ),
        "excel.wrong_assignment": (
            "Berkas ini templat untuk {regency} tahun {year}, bukan untuk penugasan ini "
            "({expected}). Unggah di halaman penugasan yang benar.",
            "This file is the template for {regency} in {year}, not for this assignment "
            "({expected}). Upload it on the right assignment's page.",
        ),
        "excel.sheet_unknown": (
            "Lembar '{sheet}' tidak dikenal: lembar jawaban bernama kode unit ({allowed}); "
            "hapus lembar tambahan dan jangan mengganti nama lembar.",
            "Unknown sheet '{sheet}': answer sheets are named by unit code ({allowed}); "
            "remove extra sheets and do not rename sheets.",
        ),
        "excel.header_missing": (
            "Judul kolom '{column}' tidak ada di baris {row}; jangan mengubah judul kolom.",
            "Column header '{column}' is missing from row {row}; do not change the headers.",
        ),
        "excel.data_without_header": (
            "Kolom tanpa judul berisi data; tulis jawaban hanya di kolom kode butir.",
            "A column without a header holds data; write answers only in item-code columns.",
        ),
        "excel.row_id": (
            "ID baris '{value}' tidak sah; jangan mengubah kolom id_baris (kosongkan pada baris "
            "tambahan).",
            "Row id '{value}' is not valid; do not change the id_baris column (leave it empty "
            "in added rows).",
        ),
        "excel.row_id_duplicate": (
            "ID baris ini sudah dipakai di lembar '{sheet}' baris {row}; kosongkan id_baris pada "
            "baris salinan.",
            "This row id is already used on sheet '{sheet}' row {row}; leave id_baris empty in "
            "copied rows.",
        ),
        "excel.institution": (
            "Nama instansi wajib diisi untuk unit '{unit}'.",
            "The institution name is required for unit '{unit}'.",
        ),
        "excel.time": (
            "Waktu '{value}' tidak dapat dibaca; tulis seperti 2026-03-15 09:30.",
            "Time '{value}' cannot be read; write it like 2026-03-15 09:30.",
        ),
        "excel.time_order": (
            "Waktu selesai lebih awal dari waktu mulai.",
            "The end time is earlier than the start time.",
        ),
        "excel.other_regency": (
            "Baris ini untuk kabupaten/kota '{value}', bukan {regency} ({code}); unggah di "
            "penugasan kabupaten/kota itu.",
            "This row is for regency/city '{value}', not {regency} ({code}); upload it on that "
            "regency's assignment.",
        ),
    }
)


# --- what a workbook is for, and where a problem is -----------------------------------------


@dataclass(frozen=True)
class Target:
    """The assignment a workbook belongs to, as written into its meta sheet."""

    assignment_id: int
    year: int
    period_name: str
    regency_code: str
    regency_name: str

    @classmethod
    def of(cls, assignment: Assignment) -> Target:
        return cls(
            assignment.pk,
            assignment.period.year,
            assignment.period.name,
            assignment.regency.code,
            assignment.regency.name,
        )


@dataclass(frozen=True)
class FileProblem:
    """A problem in an uploaded file, where the user sees it: sheet, row, column."""

    problem: Problem  # its own location is empty: the place is below
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the column's header (e.g. an item code)
    letter: str = ""  # the spreadsheet's column letter

    def message(self) -> str:
        return self.problem.message()

    def located(self) -> Problem:
        column = self.column or self.letter
        parts = [
            _("lembar %(sheet)s") % {"sheet": self.sheet} if self.sheet else "",
            _("baris %(row)s") % {"row": self.row} if self.row else "",
            _("kolom %(column)s") % {"column": column} if column else "",
        ]
        return replace(self.problem, location=", ".join(p for p in parts if p))


class UploadRejected(ProblemsError):
    """The file was refused as a whole; ``found`` lists every problem with its place."""

    def __init__(self, found: list[FileProblem]) -> None:
        if len(found) > MAX_PROBLEMS:
            extra = Problem("responses.more_problems", "", {"count": len(found) - MAX_PROBLEMS})
            found = [*found[:MAX_PROBLEMS], FileProblem(extra)]
        self.found = found
        super().__init__([f.located() for f in found])


def _refuse(code: str, **params: Any) -> UploadRejected:
    return UploadRejected([FileProblem(Problem(code, "", params))])


@dataclass(frozen=True)
class SheetRow:
    """One respondent read from the file: where it was, and the submission it becomes."""

    sheet: str
    row: int
    payload: dict[str, Any]
    letters: Mapping[str, str] = field(default_factory=dict)  # item code -> column letter


# --- writing the template ---------------------------------------------------------------

_BOLD = Font(bold=True)
_GREY = Font(color="6B7280", size=9)
_HEADER_FILL = PatternFill("solid", fgColor="E5E9F0")
_WRAP = Alignment(wrap_text=True, vertical="top")


def template_name(target: Target) -> str:
    return f"templat-ikotan-{target.year}-{target.regency_code}.xlsx"


def _table(ws: Any, row: int, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A small table on the instructions sheet; returns the row after it."""
    for column, value in enumerate(header, start=1):
        cell = ws.cell(row=row, column=column, value=value)
        cell.data_type, cell.font, cell.fill = "s", _BOLD, _HEADER_FILL
    for line, values in enumerate(rows, start=row + 1):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=line, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text such as "=..." stays text, never a formula
        row = line
    return row + 2


def _guide(ws: Any, target: Target, spec: InstrumentSpec, quotas: Mapping[str, int]) -> None:
    dont_know = next((o.code for o in spec.answer_options if o.score is None), None)
    codes = ", ".join(o.code for o in spec.answer_options)
    required = ", ".join(u.code for u in spec.units if u.code in INSTITUTION_UNITS) or "-"
    lines = [
        _("Templat pengisian kuesioner IKOTAN lewat Excel"),
        _("Kabupaten/kota: {regency} ({code})").format(
            regency=target.regency_name, code=target.regency_code
        ),
        _("Periode: {period} ({year})").format(period=target.period_name, year=target.year),
        _("Instrumen: {title}, versi {version}").format(title=spec.title, version=spec.version),
        "",
        heading := _("Cara mengisi"),
        _(
            "1. Isi satu baris per responden di lembar unit observasinya (nama lembar = kode "
            "unit, lihat daftar di bawah). Baris sudah disiapkan sesuai kuota ditambah baris "
            "cadangan; baris baru boleh ditambahkan di bawahnya."
        ),
        _(
            "2. Jangan mengubah judul kolom (baris 2), nama lembar, atau lembar tersembunyi. "
            "Baris 3 hanya berisi teks pertanyaan."
        ),
        _(
            "3. Kolom id_baris sudah terisi: jangan diubah. Pada baris tambahan atau baris "
            "salinan, biarkan id_baris kosong. Berkas yang sama boleh diunggah ulang tanpa "
            "menggandakan jawaban."
        ),
        _(
            "4. Kolom instansi: nama instansi responden; wajib untuk unit {units}, boleh kosong "
            "untuk unit lain."
        ).format(units=required),
        _("5. Kolom mulai dan selesai (boleh kosong): waktu wawancara, misalnya 2026-03-15 09:30."),
        _(
            "6. Di setiap kolom butir, isi satu kode jawaban: {codes} (ada daftar tarik-turun). "
            "Sel kosong berarti tidak dijawab."
        ).format(codes=codes),
        _("7. {code} = tidak tahu: dihitung sebagai tidak menjawab, bukan nol.").format(
            code=dont_know
        )
        if dont_know
        else "",
        _(
            "8. Baris yang seluruhnya kosong dilewati. Saat diunggah, berkas diperiksa "
            "seluruhnya: bila ada masalah, tidak ada yang disimpan dan setiap masalah "
            "ditunjukkan menurut lembar, baris dan kolom."
        ),
        _(
            "9. Templat ini hanya untuk {regency} periode {year}: unggahan ke penugasan lain "
            "ditolak. Simpan sebagai Buku Kerja Excel (.xlsx), paling besar {limit} MB."
        ).format(regency=target.regency_name, year=target.year, limit=MAX_UPLOAD_BYTES // 2**20),
    ]
    for width, letter in zip((14, 70, 10, 14), "ABCD", strict=True):
        ws.column_dimensions[letter].width = width
    for row, line in enumerate(lines, start=1):
        if line:
            cell = ws.cell(row=row, column=1, value=line)
            cell.data_type, cell.alignment = "s", _WRAP
            if row == 1 or line == heading:
                cell.font = Font(bold=True, size=14) if row == 1 else _BOLD
            # Across the four table columns; Excel does not size merged rows, so set it.
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            ws.row_dimensions[row].height = 15 * (len(line) // 95 + 1) + (4 if row == 1 else 0)
    row = _table(
        ws,
        len(lines) + 2,
        (_("Kode jawaban"), _("Arti"), _("Skor")),
        ((o.code, o.label, o.score) for o in spec.answer_options),
    )
    items = _items(spec)
    _table(
        ws,
        row,
        (_("Lembar"), _("Unit observasi"), _("Kuota"), _("Jumlah butir")),
        (
            (u.code, u.name, quotas.get(u.code, u.quota), sum(u.code in i.units for i in items))
            for u in spec.units
        ),
    )


def _items(spec: InstrumentSpec) -> list[Any]:
    return [i for v in spec.variables for d in v.indicators for i in d.items]


def _choices(spec: InstrumentSpec) -> str:
    """The range of the answer codes on the meta sheet, the source of every drop-down."""
    return f"{META}!$D$2:$D${len(spec.answer_options) + 1}"


def _meta(wb: Any, target: Target, spec: InstrumentSpec) -> None:
    """The hidden, protected sheet naming the assignment (and listing the answer codes)."""
    ws = wb.create_sheet(META)
    for r, (key, value) in enumerate(
        (
            ("format", FORMAT),
            ("versi", FORMAT_VERSION),
            ("penugasan", target.assignment_id),
            ("tahun", target.year),
            ("wilayah", target.regency_code),
            ("nama_wilayah", target.regency_name),
            ("instrumen", f"{spec.code} v{spec.version}"),
        ),
        start=1,
    ):
        ws.cell(row=r, column=1, value=key).data_type = "s"
        ws.cell(row=r, column=2, value=value).data_type = "n" if isinstance(value, int) else "s"
    ws.cell(row=1, column=4, value="pilihan")
    for r, option in enumerate(spec.answer_options, start=2):
        ws.cell(row=r, column=4, value=option.code).data_type = "s"
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _unit_sheet(wb: Any, target: Target, spec: InstrumentSpec, unit: Any, rows: int) -> None:
    ws = wb.create_sheet(unit.code)
    items = [i for i in _items(spec) if unit.code in i.units]
    title = f"{unit.name} ({unit.code}) · {target.regency_name} · {target.period_name}"
    heading = ws.cell(row=TITLE_ROW, column=1, value=title)
    heading.data_type, heading.font = "s", Font(bold=True, size=13)  # never a formula
    wanted = _("wajib") if unit.code in INSTITUTION_UNITS else _("boleh kosong")
    descriptions = [
        _("ID baris (jangan diubah)"),
        _("Nama instansi ({wanted})").format(wanted=wanted),
        _("Waktu mulai (boleh kosong)"),
        _("Waktu selesai (boleh kosong)"),
        *(i.text for i in items),
    ]
    widths = [12, 30, 17, 17]
    formats = ["@", "@", "yyyy-mm-dd hh:mm", "yyyy-mm-dd hh:mm"]
    for n, (header, text) in enumerate(
        zip([*FIXED_COLUMNS, *(i.code for i in items)], descriptions, strict=True), start=1
    ):
        letter = get_column_letter(n)
        head = ws.cell(row=HEADER_ROW, column=n, value=header)
        head.data_type, head.font, head.fill = "s", _BOLD, _HEADER_FILL
        note = ws.cell(row=TEXT_ROW, column=n, value=text)
        note.data_type, note.alignment, note.font = "s", _WRAP, Font(size=9)
        dimension = ws.column_dimensions[letter]
        dimension.width = widths[n - 1] if n <= len(widths) else 14
        # Text cells: a typed 1 stays "1" and matches the drop-down list of codes.
        dimension.number_format = formats[n - 1] if n <= len(formats) else "@"
    ws.row_dimensions[TEXT_ROW].height = 96
    for r in range(FIRST_ROW, FIRST_ROW + rows):
        ws.cell(row=r, column=1, value=str(uuid.uuid4())).font = _GREY
    if items:
        last_row = FIRST_ROW + MAX_ROWS - 1
        first, last = get_column_letter(len(FIXED_COLUMNS) + 1), get_column_letter(ws.max_column)
        validation = DataValidation(
            type="list",
            formula1=_choices(spec),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Jawaban tidak sah"),
            error=_("Pilih salah satu kode jawaban: {codes}.").format(
                codes=", ".join(o.code for o in spec.answer_options)
            ),
        )
        ws.add_data_validation(validation)
        validation.add(f"{first}{FIRST_ROW}:{last}{last_row}")
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=len(FIXED_COLUMNS) - 1)


def template_bytes(target: Target, spec: InstrumentSpec, quotas: Mapping[str, int]) -> bytes:
    """The workbook for one assignment: instructions, one sheet per unit, hidden meta."""
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    _guide(guide, target, spec, quotas)
    for unit in spec.units:
        _unit_sheet(wb, target, spec, unit, quotas.get(unit.code, unit.quota) + SPARE_ROWS)
    _meta(wb, target, spec)
    wb.properties.creator = "SI-KOTAN"
    wb.properties.title = f"IKOTAN {target.year} · {target.regency_name}"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def assignment_template(assignment: Assignment) -> bytes:
    quotas = {q.unit.code: q.quota for q in assignment.quotas.select_related("unit")}
    return template_bytes(
        Target.of(assignment), published_spec(assignment.period.instrument), quotas
    )


# --- reading an upload --------------------------------------------------------------------


def _kind(data: bytes) -> str:
    """The kind of file, "xlsx" or "csv", by its content, never by its name."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, or an encrypted .xlsx
        raise _refuse("excel.old_excel")
    head = data[:8192]
    if any(b < 32 and b not in b"\t\n\r\f" for b in head):
        raise _refuse("excel.not_spreadsheet")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("excel.encoding") from None
    return "csv"


_REFUSED = {
    "not_zip": "excel.broken",
    "broken": "excel.broken",
    "not_workbook": "excel.not_spreadsheet",
    "macro": "excel.macro",
    "too_large": "excel.unpacked",
}


def _open_workbook(data: bytes) -> Any:
    try:
        return open_workbook(data, max_unpacked=MAX_UNPACKED_BYTES, refuse_macros=True)
    except WorkbookRefused as exc:
        raise _refuse(_REFUSED[exc.reason], limit=MAX_UNPACKED_BYTES // 2**20) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return "" if value is None else cell_text(value)


def _sheet_values(ws: Any, min_row: int, max_row: int) -> Iterator[tuple[Any, ...]]:
    """Cell values row by row, bounded however large the sheet claims to be."""
    width = min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS)
    return ws.iter_rows(min_row=min_row, max_row=max_row, max_col=width, values_only=True)


def _answer_codes(spec: InstrumentSpec) -> dict[str, str]:
    """Accepted cell texts → option code: codes, labels (any case) and scores, as `kotan score`."""
    accepted: dict[str, str] = {}
    for option in spec.answer_options:
        accepted[normalise(option.label)] = option.code
        if option.score is not None:
            accepted[normalise(cell_text(option.score))] = option.code
    for option in spec.answer_options:  # a code wins over another option's label or score
        accepted[normalise(option.code)] = option.code
    return accepted


@dataclass
class _Reader:
    """Reads rows into submissions for one assignment, collecting every problem."""

    target: Target
    spec: InstrumentSpec
    rules: InstrumentRules
    found: list[FileProblem] = field(default_factory=list)
    rows: list[SheetRow] = field(default_factory=list)
    seen_ids: dict[uuid.UUID, tuple[str, int]] = field(default_factory=dict)
    sheet: str = ""  # the sheet being read, and its column letters by header
    letters: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.codes = _answer_codes(self.spec)

    def start(self, sheet: str, header: Sequence[str]) -> None:
        self.sheet = sheet
        self.letters = {}
        for index, name in enumerate(header):
            self.letters.setdefault(name, get_column_letter(index + 1))

    def problem(
        self, code: str, row: int | None, column: str = "", letter: str = "", /, **params: Any
    ) -> None:
        letter = letter or self.letters.get(column, "") if column else letter
        self.found.append(FileProblem(Problem(code, "", params), self.sheet, row, column, letter))

    def add(self, number: int, unit: str, cells: Mapping[str, str], **fields: Any) -> None:
        """A row's submission; its answers are checked by the rules ingestion applies."""
        given = {
            code: self.codes.get(normalise(text), text) for code, text in cells.items() if text
        }
        checked, problems = check_answers(given, unit, self.rules)
        for p in problems:  # located at an item code, or at the row
            column = p.location if p.location in cells else ""
            self.found.append(
                FileProblem(
                    replace(p, location=""),
                    self.sheet,
                    number,
                    column,
                    self.letters.get(column, ""),
                )
            )
        answers = {code: value for code, (_id, value, _score) in checked.items()}
        payload = {
            "assignment": self.target.assignment_id,
            "unit": unit,
            **fields,
            "answers": answers,
        }
        self.rows.append(SheetRow(self.sheet, number, payload, self.letters))

    # -- the template ------------------------------------------------------------------------

    def template(self, wb: Any) -> None:
        self._check_meta(wb[META])
        if self.found:
            return  # another assignment's file: its cells are not worth reading
        units = [u.code for u in self.spec.units]
        for title in wb.sheetnames:
            if title not in (GUIDE, META) and title.strip() not in units:
                self.sheet = title
                self.problem("excel.sheet_unknown", None, sheet=title, allowed=", ".join(units))
            elif title not in (GUIDE, META):
                self._unit_sheet(wb[title], title, title.strip())

    def _check_meta(self, ws: Any) -> None:
        meta: dict[str, str] = {}
        for values in ws.iter_rows(max_row=20, max_col=2, values_only=True):
            if len(values) == 2 and not _blank(values[0]):
                meta[_text(values[0])] = _text(values[1])
        t = self.target
        if meta.get("format") != FORMAT or meta.get("versi") != str(FORMAT_VERSION):
            self.sheet = META
            self.problem("excel.meta", None)
        elif (meta.get("penugasan"), meta.get("tahun"), meta.get("wilayah")) != (
            str(t.assignment_id),
            str(t.year),
            t.regency_code,
        ):
            self.problem(
                "excel.wrong_assignment",
                None,
                regency=meta.get("nama_wilayah") or meta.get("wilayah", "?"),
                year=meta.get("tahun", "?"),
                expected=f"{t.regency_name} {t.year}",
            )

    def _unit_sheet(self, ws: Any, sheet: str, unit: str) -> None:
        # one row past the limit, to tell a sheet that has too many
        values = _sheet_values(ws, HEADER_ROW, FIRST_ROW + MAX_ROWS)
        header = [_text(v) for v in next(values, ())]
        self.start(sheet, header)
        items: dict[str, int] = {}
        for index, name in enumerate(header):
            letter = get_column_letter(index + 1)
            if not name or (name in FIXED_COLUMNS and header.index(name) == index):
                continue
            if header.index(name) != index:
                self.problem("responses.column_duplicate", HEADER_ROW, name, letter, column=name)
            elif name not in self.rules.items:
                self.problem("responses.column_unknown", HEADER_ROW, name, column=name)
            elif unit not in self.rules.items[name].units:
                self.problem("submission.item_not_asked", HEADER_ROW, name, item=name, unit=unit)
            else:
                items[name] = index
        missing = [c for c in (ROW_ID, INSTITUTION) if c not in header]
        for column in missing:
            self.problem("excel.header_missing", HEADER_ROW, column, column=column, row=HEADER_ROW)
        if missing:
            return
        at = {name: header.index(name) for name in FIXED_COLUMNS if name in header}
        unnamed = {i for i, name in enumerate(header) if not name}
        for number, row in enumerate(values, start=HEADER_ROW + 1):
            cells = list(row) + [None] * (len(header) - len(row))
            if number < FIRST_ROW or all(_blank(v) for i, v in enumerate(cells) if i != at[ROW_ID]):
                continue  # the question texts, or an unused prefilled row
            if number >= FIRST_ROW + MAX_ROWS:
                self.problem("responses.too_many_rows", None, limit=MAX_ROWS)
                break
            for index in sorted(i for i in unnamed if not _blank(cells[i])):
                unnamed.discard(index)  # once per column is enough
                self.problem("excel.data_without_header", number, "", get_column_letter(index + 1))
            institution = _text(cells[at[INSTITUTION]])
            if not institution and unit in INSTITUTION_UNITS:
                self.problem("excel.institution", number, INSTITUTION, unit=unit)
            started, ended = (self._moment(number, name, at, cells) for name in (STARTED, ENDED))
            if started and ended and ended < started:
                self.problem("excel.time_order", number, ENDED)
            fields = {
                "uuid": str(self._row_id(number, unit, cells[at[ROW_ID]])),
                "institution": institution,
                **({"started_at": started.isoformat()} if started else {}),
                **({"submitted_at": ended.isoformat()} if ended else {}),
            }
            self.add(number, unit, {code: _text(cells[i]) for code, i in items.items()}, **fields)

    def _row_id(self, number: int, unit: str, value: Any) -> uuid.UUID:
        # A row the user added has no id: the same file always gives it the same UUID.
        derived = uuid.uuid5(NAMESPACE, f"{self.target.assignment_id}:{unit}:{number}")
        if _blank(value):
            return derived
        try:
            uid = uuid.UUID(_text(value))
        except ValueError:
            self.problem("excel.row_id", number, ROW_ID, value=_text(value)[:40])
            return derived
        first = self.seen_ids.setdefault(uid, (self.sheet, number))
        if first != (self.sheet, number):
            self.problem("excel.row_id_duplicate", number, ROW_ID, sheet=first[0], row=first[1])
        return uid

    def _moment(
        self, number: int, name: str, at: Mapping[str, int], cells: Sequence[Any]
    ) -> datetime | None:
        if name not in at or _blank(cells[at[name]]):
            return None
        moment = _datetime(cells[at[name]])
        if moment is None:
            self.problem("excel.time", number, name, value=_text(cells[at[name]])[:40])
        return moment

    # -- the wide response table -------------------------------------------------------------

    def table(self, rows: Iterable[Sequence[str]], sheet: str) -> None:
        lines = iter(rows)
        header = [cell.strip() for cell in next(lines, [])]
        self.start(sheet, header)
        if not any(column in header for column in TABLE_COLUMNS):
            self.problem("excel.layout", None)
            return
        for column in TABLE_COLUMNS:
            if column not in header:
                self.problem("responses.column_missing", 1, column, column=column)
        for index, name in enumerate(header):
            if name and header.index(name) != index:
                letter = get_column_letter(index + 1)
                self.problem("responses.column_duplicate", 1, name, letter, column=name)
            elif name and name not in TABLE_COLUMNS and name not in self.rules.items:
                self.problem("responses.column_unknown", 1, name, column=name)
        if self.found:
            return
        items = {name: header.index(name) for name in header if name in self.rules.items}
        first_of: dict[str, int] = {}
        for number, row in enumerate(lines, start=2):
            cells = [cell.strip() for cell in row]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            if number > MAX_ROWS + 1:
                self.problem("responses.too_many_rows", None, limit=MAX_ROWS)
                break
            cells += [""] * (len(header) - len(cells))
            rid, regency, unit = (cells[header.index(c)] for c in TABLE_COLUMNS)
            first = first_of.setdefault(rid, number)
            if not rid:
                self.problem("responses.id_missing", number, "response_id")
            elif first != number:
                self.problem(
                    "responses.id_duplicate", number, "response_id", value=rid, first=first
                )
            if regency != self.target.regency_code:
                self.problem(
                    "excel.other_regency",
                    number,
                    "regency_code",
                    value=regency,
                    regency=self.target.regency_name,
                    code=self.target.regency_code,
                )
            if unit not in self.rules.units:
                allowed = ", ".join(sorted(self.rules.units))
                self.problem("responses.unit", number, "unit_code", value=unit, allowed=allowed)
                continue
            digest = hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()
            uid = uuid.uuid5(NAMESPACE, f"{self.target.assignment_id}:{digest}:{number}")
            self.add(number, unit, {c: cells[i] for c, i in items.items()}, uuid=str(uid))


def _datetime(value: Any) -> datetime | None:
    """A time cell as an aware datetime (naive times are local, in the site's time zone)."""
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            converted = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            converted = None
        moment = converted if isinstance(converted, datetime) else None
    elif isinstance(value, str):
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for pattern in TIME_FORMATS:
                try:
                    moment = datetime.strptime(text, pattern)  # noqa: DTZ007 (made aware below)
                    break
                except ValueError:
                    continue
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def read_upload(
    data: bytes, name: str, target: Target, spec: InstrumentSpec, rules: InstrumentRules
) -> list[SheetRow]:
    """Every respondent row of the file, or UploadRejected listing every problem."""
    reader = _Reader(target, spec, rules)
    if _kind(data) == "csv":
        try:  # the same width as a workbook; csv refuses absurdly long fields
            reader.table((row[:MAX_COLUMNS] for row in csv_rows(data)), name[-60:] or "CSV")
        except csv.Error:
            raise _refuse("excel.broken") from None
    else:
        wb = _open_workbook(data)
        try:
            if META in wb.sheetnames:
                reader.template(wb)
            else:
                ws = wb.worksheets[0]
                values = _sheet_values(ws, 1, MAX_ROWS + 2)
                reader.table(([_text(v) for v in row] for row in values), ws.title)
        except UploadRejected:
            raise
        except Exception:  # openpyxl fails in many ways on damaged parts
            raise _refuse("excel.broken") from None
        finally:
            wb.close()
    if not reader.found and not reader.rows:
        raise _refuse("responses.empty")
    if reader.found:
        raise UploadRejected(reader.found)
    return reader.rows


# --- importing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    row: SheetRow
    status: int  # 201 new, 200 already there, 409 conflict (kept for review)
    receipt_number: str


@dataclass(frozen=True)
class ImportSummary:
    outcomes: list[Outcome]

    def count(self, status: int) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def new(self) -> int:
        return self.count(201)

    @property
    def existing(self) -> int:
        return self.count(200)

    @property
    def conflicts(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == 409]


def import_rows(rows: Sequence[SheetRow], *, user: User) -> ImportSummary:
    """Every row through ingest_submission in one transaction: if any row is refused (or
    anything fails), nothing of the file stays. Conflicting resends are kept (409)."""
    outcomes: list[Outcome] = []
    refused: list[FileProblem] = []
    with transaction.atomic():
        for row in rows:
            result = ingest_submission(row.payload, channel=Channel.EXCEL, user=user)
            if result.status in (200, 201, 409):
                outcomes.append(Outcome(row, result.status, result.receipt_number))
                continue
            for p in result.problems:  # e.g. the assignment closed while the file was read
                column = p.location if p.location in row.letters else ""
                refused.append(
                    FileProblem(
                        replace(p, location=""),
                        row.sheet,
                        row.row,
                        column,
                        row.letters.get(column, ""),
                    )
                )
        if refused:
            raise UploadRejected(refused)  # leaving the block rolls the whole file back
    return ImportSummary(outcomes)


def import_upload(assignment: Assignment, upload: UploadedFile, *, user: User) -> ImportSummary:
    """Check the whole uploaded file, then import it; UploadRejected when anything is wrong."""
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise _refuse("excel.too_big", size=f"{size / 2**20:.1f}", limit=MAX_UPLOAD_BYTES // 2**20)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    spec = published_spec(assignment.period.instrument)
    rows = read_upload(
        data, upload.name or "", Target.of(assignment), spec, period_rules(assignment.period)
    )
    return import_rows(rows, user=user)
