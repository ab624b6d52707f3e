"""An instrument as an XLSX workbook that BNN staff edit in Excel, with an exact round trip.

One sheet per part of the spec, one row per entry in the spec's order, headers in row 1 that
are also the stable column keys. Reading builds the plain data that ``spec_to_dict`` produces
and hands it to ``spec_from_dict``, so every validation rule applies; problems are reported by
sheet, row and column ("Lembar 'Butir' baris 3 kolom 'teks'", in English "Sheet 'Butir' row 3
column 'teks'"). Pure functions: bytes in, bytes out, nothing written anywhere.

Category scheme: the Instrumen sheet's ``kategori`` names a preset (``kategori_skala`` and the
Kategori sheet stay empty), or is ``fixed`` / ``equal_interval`` with the scale in
``kategori_skala`` and one row per class, lowest first, in the Kategori sheet (``bawah`` and
``atas`` for fixed bands; k is the number of rows for equal intervals). Workbooks written
before the Kategori sheet existed are read as they are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kotan.method.categories import KINDS, SCALES
from kotan.method.problems import Problem, register_messages
from kotan.method.spec import (
    AGGREGATIONS,
    CATEGORY_PRESETS,
    InstrumentError,
    InstrumentSpec,
    categories_to_plain,
    spec_from_dict,
)
from kotan.method.workbooks import WorkbookRefused, open_workbook

# Bounds on what a workbook may make us read: rows per sheet, bytes once unzipped.
MAX_ROWS = 5_000
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 30  # columns read per row; headers further right are not found

GUIDE = "Petunjuk"
INSTRUMENT = "Instrumen"
OPTIONS = "Pilihan jawaban"
UNITS = "Unit observasi"
VARIABLES = "Variabel"
INDICATORS = "Indikator"
ITEMS = "Butir"
CATEGORIES = "Kategori"
SHEETS = (INSTRUMENT, OPTIONS, UNITS, VARIABLES, INDICATORS, ITEMS)  # required

# sheet -> (header, spec field, column width); the header is the stable column key.
COLUMNS: dict[str, tuple[tuple[str, str, int], ...]] = {
    INSTRUMENT: (("kunci", "", 16), ("nilai", "", 60), ("keterangan", "", 60)),
    OPTIONS: (("kode", "code", 10), ("label", "label", 40), ("skor", "score", 10)),
    UNITS: (("kode", "code", 10), ("nama", "name", 40), ("kuota", "quota", 10)),
    VARIABLES: (("kode", "code", 10), ("nama", "name", 40), ("bobot", "weight", 10)),
    INDICATORS: (
        ("kode", "code", 12),
        ("variabel", "", 12),
        ("nama", "name", 40),
        ("bobot", "weight", 10),
    ),
    ITEMS: (
        ("kode", "code", 12),
        ("indikator", "", 12),
        ("teks", "text", 80),
        ("unit", "units", 24),
        ("bobot", "weight", 10),
    ),
    CATEGORIES: (
        ("kode", "code", 16),
        ("label", "label", 30),
        ("bawah", "lower", 10),
        ("atas", "upper", 10),
    ),
}
WRAPPED = {(INSTRUMENT, "nilai"), (INSTRUMENT, "keterangan"), (ITEMS, "teks")}
REQUIRED_HEADERS = {
    sheet: tuple(h for h, _, _ in columns if h != "keterangan")
    for sheet, columns in COLUMNS.items()
}

# Instrumen sheet: key -> (spec_to_dict path, hint shown next to it)
INSTRUMENT_KEYS: dict[str, tuple[str, str]] = {
    "kode": ("code", "Kode unik instrumen, misalnya ikotan-2026."),
    "tahun": ("year", "Tahun pengukuran."),
    "versi": ("version", "Nomor versi (bilangan bulat)."),
    "judul": ("title", "Judul instrumen."),
    "deskripsi": ("description", "Boleh kosong."),
    "contoh": ("is_example", "ya = instrumen contoh (bukan resmi), tidak = instrumen resmi."),
    "skala_min": ("scale.min", "Skor terendah skala jawaban."),
    "skala_maks": ("scale.max", "Skor tertinggi skala jawaban."),
    "agregasi": ("aggregation", "Metode agregasi: " + " atau ".join(AGGREGATIONS) + "."),
    "min_responden": ("min_respondents", "Jumlah responden minimum per kabupaten/kota."),
    "kategori": (
        "categories",
        "Skema kategori: "
        + ", ".join(CATEGORY_PRESETS)
        + "; atau fixed / equal_interval dengan kelasnya di lembar Kategori.",
    ),
    "kategori_skala": (
        "categories.scale",
        "Hanya untuk fixed / equal_interval: "
        + " atau ".join(SCALES)
        + " (skala jawaban atau 0–100).",
    ),
}
KEY_OF_PATH = {path: key for key, (path, _) in INSTRUMENT_KEYS.items()}
YES, NO = "ya", "tidak"

GUIDE_LINES = (
    "Petunjuk pengisian instrumen SI-KOTAN",
    "",
    "1. Jangan mengganti nama lembar (sheet) dan judul kolom di baris pertama. Urutan kolom "
    "boleh diubah; kolom tambahan dan lembar Petunjuk ini diabaikan saat impor.",
    "2. Lembar Instrumen: satu baris per kunci (kolom 'kunci'), isinya di kolom 'nilai'. "
    "Kolom 'keterangan' hanya penjelasan.",
    "3. Kode (pilihan jawaban, unit, variabel, indikator, butir) harus unik dan jangan diubah "
    "setelah instrumen dipakai: jawaban responden disimpan menurut kode.",
    "4. Bobot variabel wajib diisi dan harus berjumlah 1.",
    "5. Bobot indikator dalam satu variabel, dan bobot butir dalam satu indikator: kosongkan "
    "semuanya untuk bobot sama rata, atau isi semuanya dengan jumlah 1.",
    "6. Kolom 'variabel' di lembar Indikator dan kolom 'indikator' di lembar Butir berisi kode "
    "dari lembar Variabel dan Indikator.",
    "7. Kolom 'unit' di lembar Butir berisi kode unit observasi yang menjawab butir itu, "
    "dipisahkan koma, misalnya: gov, edu, com.",
    "8. Pilihan jawaban 'Tidak tahu' diberi skor kosong: dihitung sebagai tidak menjawab, "
    "bukan nol.",
    "9. Tulis angka sebagai angka, bukan rumus. Urutan baris adalah urutan dalam instrumen.",
    f"10. Setiap lembar paling banyak {MAX_ROWS} baris.",
    "11. Kategori: isi kunci 'kategori' dengan nama skema bawaan, atau dengan fixed (batas "
    "tetap) atau equal_interval (interval sama di antara indeks terendah dan tertinggi) lalu "
    "tulis kelasnya di lembar Kategori, dari yang terendah: kode, label, dan untuk fixed batas "
    "bawah dan atas (kelas berikutnya dimulai tepat di batas atas kelas sebelumnya).",
)

register_messages(
    {
        "workbook.place_sheet": ("Lembar '{sheet}'", "Sheet '{sheet}'"),
        "workbook.place_row": ("Lembar '{sheet}' baris {row}", "Sheet '{sheet}' row {row}"),
        "workbook.place_cell": (
            "Lembar '{sheet}' baris {row} kolom '{column}'",
            "Sheet '{sheet}' row {row} column '{column}'",
        ),
        "file.not_xlsx": (
            "Berkas tidak dapat dibaca: bukan berkas XLSX (Excel).",
            "The file cannot be read: it is not an XLSX (Excel) file.",
        ),
        "file.not_workbook": (
            "Berkas tidak dapat dibaca: bukan buku kerja XLSX yang sah.",
            "The file cannot be read: it is not a valid XLSX workbook.",
        ),
        "file.broken_workbook": (
            "Berkas tidak dapat dibaca: isi buku kerja rusak.",
            "The file cannot be read: the workbook is damaged.",
        ),
        "file.too_large": (
            "Berkas tidak dapat dibaca: isinya lebih dari {limit} MB setelah diekstrak.",
            "The file cannot be read: it holds more than {limit} MB once unpacked.",
        ),
        "workbook.categories_unused": (
            "Kategori '{value}' adalah skema bawaan: kosongkan kunci 'kategori_skala' dan "
            "lembar '{sheet}'.",
            "Category scheme '{value}' is a preset: leave the 'kategori_skala' key and the "
            "'{sheet}' sheet empty.",
        ),
        "workbook.bounds_unused": (
            "Kelas equal_interval tidak memakai batas: kosongkan kolom '{column}'.",
            "Equal-interval classes take no bounds: leave column '{column}' empty.",
        ),
        "workbook.sheet_missing": (
            "Lembar '{sheet}' tidak ditemukan (jangan mengganti nama lembar).",
            "Sheet '{sheet}' is missing (do not rename the sheets).",
        ),
        "workbook.header_missing": (
            "Judul kolom '{column}' tidak ditemukan di baris 1.",
            "Column header '{column}' is missing from row 1.",
        ),
        "workbook.too_many_rows": (
            "Lembar '{sheet}' berisi lebih dari {limit} baris.",
            "Sheet '{sheet}' has more than {limit} rows.",
        ),
        "workbook.key_unknown": (
            "Kunci '{key}' tidak dikenal (pilih: {allowed}).",
            "Unknown key '{key}' (choose: {allowed}).",
        ),
        "indicator.unknown_variable": (
            "Indikator '{code}' merujuk variabel yang tidak ada: '{variable}'.",
            "Indicator '{code}' refers to an unknown variable: '{variable}'.",
        ),
        "item.unknown_indicator": (
            "Butir '{code}' merujuk indikator yang tidak ada: '{indicator}'.",
            "Item '{code}' refers to an unknown indicator: '{indicator}'.",
        ),
    }
)


@dataclass(frozen=True)
class SheetProblem(Problem):
    """A problem at a place in the workbook, named in the message's language.

    ``location`` holds the place in Bahasa Indonesia ("Lembar 'Butir' baris 3"); ``message``
    and ``as_dict`` name it in the language they render ("Sheet 'Butir' row 3" in English).
    """

    sheet: str = ""
    row: int | None = None
    column: str | None = None

    def place(self, language: str | None = None) -> str:
        params = {"sheet": self.sheet, "row": self.row, "column": self.column}
        if self.row is None:
            return Problem("workbook.place_sheet", "", params).message(language)
        if self.column is None:
            return Problem("workbook.place_row", "", params).message(language)
        return Problem("workbook.place_cell", "", params).message(language)

    def message(self, language: str | None = None) -> str:
        return Problem(self.code, self.place(language), self.params).message(language)

    def as_dict(self, language: str | None = None) -> dict[str, Any]:
        return {**super().as_dict(language), "location": self.place(language)}


def _at(
    code: str,
    sheet: str,
    row: int | None = None,
    column: str | None = None,
    params: dict[str, Any] | None = None,
) -> SheetProblem:
    problem = SheetProblem(code, "", params or {}, sheet, row, column)
    return replace(problem, location=problem.place("id"))


def _unreadable(code: str, **params: Any) -> InstrumentError:
    return InstrumentError([Problem(code, "", params)])


# --- writing ----------------------------------------------------------------------------


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text such as "=..." stays text, never becomes a formula
    elif isinstance(value, float) and math.isfinite(value) and float(f"{value:.16g}") != value:
        # openpyxl writes 16 significant digits; this float needs 17 to come back exactly
        cell.value = repr(value)
        cell.data_type = "n"
    return cell


def _sheet(wb: Any, title: str, rows: list[tuple[Any, ...]]) -> Any:
    ws = wb.create_sheet(title)
    columns = COLUMNS[title]
    for n, (header, _, width) in enumerate(columns, start=1):
        _put(ws, 1, n, header).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(n)].width = width
    for r, values in enumerate(rows, start=2):
        for n, value in enumerate(values, start=1):
            cell = _put(ws, r, n, value)
            if (title, columns[n - 1][0]) in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return ws


def _dropdown(ws: Any, formula: str, cells: str) -> None:
    # A helper list only: typed values are accepted, read_xlsx checks every reference.
    validation = DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=False
    )
    ws.add_data_validation(validation)
    validation.add(cells)


def _column(sheet: str, header: str) -> str:
    return get_column_letter([h for h, _, _ in COLUMNS[sheet]].index(header) + 1)


def _code_list(sheet: str, count: int) -> str:
    letter = _column(sheet, "kode")
    return f"'{sheet}'!${letter}$2:${letter}${count + 1}"


def write_xlsx(spec: InstrumentSpec) -> bytes:
    """The instrument as an XLSX workbook that read_xlsx reads back to an equal spec."""
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    guide.column_dimensions["A"].width = 110
    for r, line in enumerate(GUIDE_LINES, start=1):
        cell = _put(guide, r, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = Font(bold=True, size=14)

    values: dict[str, Any] = {
        "kode": spec.code,
        "tahun": spec.year,
        "versi": spec.version,
        "judul": spec.title,
        "deskripsi": spec.description or None,
        "contoh": YES if spec.is_example else NO,
        "skala_min": spec.scale_min,
        "skala_maks": spec.scale_max,
        "agregasi": spec.aggregation,
        "min_responden": spec.min_respondents,
        "kategori": spec.categories,
        "kategori_skala": None,
    }
    categories = categories_to_plain(spec.categories)
    classes: list[tuple[Any, ...]] = []
    if isinstance(categories, dict):
        values["kategori"] = categories["kind"]
        values["kategori_skala"] = categories["scale"]
        for entry in categories.get("bands") or categories.get("labels") or []:
            classes.append((entry["code"], entry["label"], entry.get("lower"), entry.get("upper")))
    instrument = _sheet(
        wb,
        INSTRUMENT,
        [(key, values[key], hint) for key, (_, hint) in INSTRUMENT_KEYS.items()],
    )
    keys = list(INSTRUMENT_KEYS)
    for key, choices in (
        ("contoh", (YES, NO)),
        ("agregasi", AGGREGATIONS),
        ("kategori", (*CATEGORY_PRESETS, *KINDS)),
        ("kategori_skala", SCALES),
    ):
        _dropdown(instrument, '"' + ",".join(choices) + '"', f"B{keys.index(key) + 2}")

    _sheet(wb, OPTIONS, [(o.code, o.label, o.score) for o in spec.answer_options])
    _sheet(wb, UNITS, [(u.code, u.name, u.quota) for u in spec.units])
    _sheet(wb, VARIABLES, [(v.code, v.name, v.weight) for v in spec.variables])
    indicators = _sheet(
        wb,
        INDICATORS,
        [(d.code, v.code, d.name, d.weight) for v in spec.variables for d in v.indicators],
    )
    items = _sheet(
        wb,
        ITEMS,
        [
            (i.code, d.code, i.text, ", ".join(i.units), i.weight)
            for v in spec.variables
            for d in v.indicators
            for i in d.items
        ],
    )
    last = MAX_ROWS + 1
    if spec.variables:
        letter = _column(INDICATORS, "variabel")
        _dropdown(
            indicators,
            _code_list(VARIABLES, len(spec.variables)),
            f"{letter}2:{letter}{last}",
        )
    indicator_count = sum(len(v.indicators) for v in spec.variables)
    if indicator_count:
        letter = _column(ITEMS, "indikator")
        _dropdown(items, _code_list(INDICATORS, indicator_count), f"{letter}2:{letter}{last}")
    _sheet(wb, CATEGORIES, classes)

    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    name: str
    columns: dict[str, int]  # header -> index in a row
    rows: list[tuple[int, tuple[Any, ...]]]  # (row number, values); empty rows left out

    def cell(self, values: tuple[Any, ...], header: str) -> Any:
        return values[self.columns[header]]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_sheet(ws: Any, name: str, problems: list[Problem]) -> _Sheet | None:
    columns: dict[str, int] = {}
    rows: list[tuple[int, tuple[Any, ...]]] = []
    # max_row bounds the parser even when a sheet claims a row far below the data
    source = ws.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(source, start=1):
        if number == 1:
            for index, header in enumerate(values):
                if isinstance(header, str):
                    columns.setdefault(header.strip().lower(), index)
        elif number > MAX_ROWS + 1:
            problems.append(
                _at("workbook.too_many_rows", name, params={"sheet": name, "limit": MAX_ROWS})
            )
            return None
        elif not all(_blank(v) for v in values):
            rows.append((number, tuple(values)))
    missing = [h for h in REQUIRED_HEADERS[name] if h not in columns]
    for header in missing:
        problems.append(_at("workbook.header_missing", name, 1, params={"column": header}))
    return None if missing else _Sheet(name, columns, rows)


def _load(data: bytes) -> dict[str, _Sheet]:
    """The sheets read_xlsx needs, or InstrumentError for an unreadable or misshapen file."""
    try:
        wb = open_workbook(data, max_unpacked=MAX_UNPACKED_BYTES)
    except WorkbookRefused as exc:
        code = {"not_zip": "file.not_xlsx", "too_large": "file.too_large"}
        raise _unreadable(
            code.get(exc.reason, "file.not_workbook"), limit=MAX_UNPACKED_BYTES // 2**20
        ) from None
    problems: list[Problem] = []
    sheets: dict[str, _Sheet] = {}
    try:
        present = {title.strip().lower(): title for title in wb.sheetnames}
        for name in (*SHEETS, CATEGORIES):
            title = present.get(name.lower())
            if title is None:
                if name != CATEGORIES:  # optional: older workbooks have no Kategori sheet
                    problems.append(Problem("workbook.sheet_missing", "", {"sheet": name}))
                continue
            sheet = _read_sheet(wb[title], name, problems)
            if sheet is not None:
                sheets[name] = sheet
    except Exception as exc:
        raise _unreadable("file.broken_workbook") from exc
    finally:
        wb.close()
    if problems:  # the shape is wrong: reading the cells would only add noise
        raise InstrumentError(problems)
    return sheets


_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _number(value: Any, integer: bool = False) -> Any:
    """A numeric cell; a number typed in a text cell too ("0,25": Indonesian decimal comma).

    Anything else is returned as it is, so that spec_from_dict reports its type.
    """
    if isinstance(value, bool):
        return str(value).upper()  # Excel's TRUE/FALSE is no number (nor a score of 1)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    # "1.000" is a thousand in Indonesian writing: only non-integers take a decimal point
    if not integer and _DECIMAL.fullmatch(text):
        return float(text.replace(",", "."))
    return value


def _code(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _reference(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _text(value: Any) -> Any:
    return value


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if _blank(value):
        return False
    answer = str(value).strip().lower()
    return {YES: True, NO: False, "true": True, "false": False}.get(answer)


@dataclass
class _Build:
    """The plain dict being built, with where each of its entries came from."""

    problems: list[Problem]
    rows: dict[str, tuple[str, int]]  # spec_from_dict location -> (sheet, row)
    keys: dict[str, int]  # Instrumen key -> row
    category_scale: Any = None  # the kategori_skala value
    custom_categories: bool = False  # the scheme comes from the Kategori sheet

    def entry(
        self,
        sheet: _Sheet,
        values: tuple[Any, ...],
        fields: dict[str, Callable[[Any], Any]],
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for header, field, _ in COLUMNS[sheet.name]:
            if field in fields:
                value = fields[field](sheet.cell(values, header))
                if value is not None:
                    out[field] = value
        return out


def _instrument(sheet: _Sheet, build: _Build) -> dict[str, Any]:
    data: dict[str, Any] = {"scale": {}}
    for row, values in sheet.rows:
        key = _reference(sheet.cell(values, "kunci")).lower()
        value = sheet.cell(values, "nilai")
        if not key:
            continue
        if key not in INSTRUMENT_KEYS:
            build.problems.append(
                _at(
                    "workbook.key_unknown",
                    sheet.name,
                    row,
                    "kunci",
                    {"key": key, "allowed": ", ".join(INSTRUMENT_KEYS)},
                )
            )
            continue
        if key in build.keys:
            build.problems.append(_at("code.duplicate", sheet.name, row, "kunci", {"code": key}))
            continue
        build.keys[key] = row
        path = INSTRUMENT_KEYS[key][0]
        if path == "is_example":
            flag = _yes_no(value)
            if flag is None:
                build.problems.append(
                    _at(
                        "field.type",
                        sheet.name,
                        row,
                        params={"field": key, "expected": f"{YES}/{NO}", "got": value},
                    )
                )
            data[path] = bool(flag)
        elif path in ("year", "version", "min_respondents"):
            data[path] = _number(value, integer=True)
        elif path.startswith("scale."):
            data["scale"][path.removeprefix("scale.")] = _number(value)
        elif path == "categories.scale":
            build.category_scale = _code(value) if not _blank(value) else None
        else:
            data[path] = _code(value) if path in ("code", "aggregation", "categories") else value
    return {k: v for k, v in data.items() if v is not None}


def _categories(sheets: dict[str, _Sheet], data: dict[str, Any], build: _Build) -> None:
    """The category scheme: a preset name as it is, or the mapping built from the Kategori
    sheet (k is its number of rows)."""
    kind = data.get("categories")
    sheet = sheets.get(CATEGORIES)
    rows = sheet.rows if sheet is not None else []
    if not (isinstance(kind, str) and kind in KINDS):
        params = {"value": kind, "sheet": CATEGORIES}
        if build.category_scale is not None:
            row = build.keys.get("kategori_skala")
            build.problems.append(_at("workbook.categories_unused", INSTRUMENT, row, None, params))
        elif rows:
            build.problems.append(
                _at("workbook.categories_unused", CATEGORIES, rows[0][0], None, params)
            )
        return
    build.custom_categories = True
    plain: dict[str, Any] = {"kind": kind}
    if build.category_scale is not None:
        plain["scale"] = build.category_scale
    if sheet is None:
        build.problems.append(Problem("workbook.sheet_missing", "", {"sheet": CATEGORIES}))
        return
    key = "bands" if kind == "fixed" else "labels"
    entries: list[dict[str, Any]] = []
    for row, values in rows:
        fields: dict[str, Callable[[Any], Any]] = {"code": _code, "label": _text}
        if kind == "fixed":
            fields |= {"lower": _number, "upper": _number}
        else:
            for header in ("bawah", "atas"):
                if not _blank(sheet.cell(values, header)):
                    build.problems.append(
                        _at("workbook.bounds_unused", sheet.name, row, header, {"column": header})
                    )
        entries.append(build.entry(sheet, values, fields))
        build.rows[f"categories.{key}[{len(entries)}]"] = (CATEGORIES, row)
    plain[key] = entries
    if kind == "equal_interval":
        plain["k"] = len(entries)
    data["categories"] = plain


def _sheets_to_dict(sheets: dict[str, _Sheet], build: _Build) -> dict[str, Any]:
    data = _instrument(sheets[INSTRUMENT], build)
    _categories(sheets, data, build)
    options: list[dict[str, Any]] = []
    data["answer_options"] = options
    for row, values in sheets[OPTIONS].rows:
        entry = build.entry(sheets[OPTIONS], values, {"code": _code, "label": _text})
        entry["score"] = _number(sheets[OPTIONS].cell(values, "skor"))
        options.append(entry)
        build.rows[f"answer_options[{len(options)}]"] = (OPTIONS, row)
    units: list[dict[str, Any]] = []
    data["units"] = units
    for row, values in sheets[UNITS].rows:
        units.append(
            build.entry(
                sheets[UNITS],
                values,
                {"code": _code, "name": _text, "quota": lambda v: _number(v, integer=True)},
            )
        )
        build.rows[f"units[{len(units)}]"] = (UNITS, row)

    variables: list[dict[str, Any]] = []
    data["variables"] = variables
    by_variable: dict[str, tuple[str, list[dict[str, Any]]]] = {}  # code -> (location, list)
    for row, values in sheets[VARIABLES].rows:
        entry = build.entry(
            sheets[VARIABLES], values, {"code": _code, "name": _text, "weight": _number}
        )
        entry["indicators"] = []
        variables.append(entry)
        where = f"variables[{len(variables)}]"
        build.rows[where] = (VARIABLES, row)
        by_variable.setdefault(_reference(entry.get("code")), (where, entry["indicators"]))

    by_indicator: dict[str, tuple[str | None, list[dict[str, Any]]]] = {}
    sheet = sheets[INDICATORS]
    for row, values in sheet.rows:
        entry = build.entry(sheet, values, {"code": _code, "name": _text, "weight": _number})
        entry["items"] = []
        code = _reference(entry.get("code"))
        parent = _reference(sheet.cell(values, "variabel"))
        location: str | None = None
        if not parent:
            build.problems.append(
                _at("field.missing", sheet.name, row, "variabel", {"field": "variabel"})
            )
        elif parent not in by_variable:
            build.problems.append(
                _at(
                    "indicator.unknown_variable",
                    sheet.name,
                    row,
                    "variabel",
                    {"code": code, "variable": parent},
                )
            )
        else:
            parent_location, siblings = by_variable[parent]
            siblings.append(entry)
            location = f"{parent_location}.indicators[{len(siblings)}]"
            build.rows[location] = (INDICATORS, row)
        # an orphan indicator still takes its items, so they are not reported as orphans too
        by_indicator.setdefault(code, (location, entry["items"]))

    sheet = sheets[ITEMS]
    for row, values in sheet.rows:
        entry = build.entry(
            sheet, values, {"code": _code, "text": _text, "units": _reference, "weight": _number}
        )
        parent = _reference(sheet.cell(values, "indikator"))
        if not parent:
            build.problems.append(
                _at("field.missing", sheet.name, row, "indikator", {"field": "indikator"})
            )
        elif parent not in by_indicator:
            build.problems.append(
                _at(
                    "item.unknown_indicator",
                    sheet.name,
                    row,
                    "indikator",
                    {"code": _reference(entry.get("code")), "indicator": parent},
                )
            )
        else:
            indicator_location, items = by_indicator[parent]
            items.append(entry)
            if indicator_location is not None:
                build.rows[f"{indicator_location}.items[{len(items)}]"] = (ITEMS, row)
    return data


# spec_from_dict's field names -> our column headers
HEADER_OF_FIELD = {
    field: header for columns in COLUMNS.values() for header, field, _ in columns if field
}
# validate's whole-list locations -> sheet
SHEET_OF_LOCATION = {"answer_options": OPTIONS, "units": UNITS, "variables": VARIABLES}


def _relocate(problem: Problem, build: _Build) -> Problem:
    """A problem found by spec_from_dict, pointed at the sheet, row and column it came from."""
    code, location, params = problem.code, problem.location, problem.params
    field = params.get("field")
    if location in build.rows:
        sheet, row = build.rows[location]
        if field is None:
            return _at(code, sheet, row, params=params)
        header = HEADER_OF_FIELD.get(field, field)
        return _at(code, sheet, row, header, {**params, "field": header})
    if location == "categories" and field not in ("kind", "scale"):
        if build.custom_categories:  # the classes as a whole (k, coverage, too few)
            return _at(code, CATEGORIES, params=params)
        location, field = "", "categories"
    if location in ("", "scale", "aggregation", "categories"):
        path = location if field is None else ".".join(p for p in (location, field) if p)
        if path == "categories.kind":
            path = "categories"
        key = KEY_OF_PATH.get("scale.min" if path == "scale" else path)
        if key is None:
            return _at(code, INSTRUMENT, params=params)
        if field is not None:
            params = {**params, "field": key}
        return _at(code, INSTRUMENT, build.keys.get(key), params=params)
    if location in SHEET_OF_LOCATION:
        return _at(code, SHEET_OF_LOCATION[location], params=params)
    return problem


def read_xlsx(data: bytes) -> InstrumentSpec:
    """The instrument in an XLSX workbook; InstrumentError lists every problem found."""
    sheets = _load(data)
    build = _Build(problems=[], rows={}, keys={})
    plain = _sheets_to_dict(sheets, build)
    problems = build.problems
    try:
        spec = spec_from_dict(plain)
    except InstrumentError as exc:
        problems = problems + [_relocate(p, build) for p in exc.problems]
    if problems:
        raise InstrumentError(problems)
    return spec
