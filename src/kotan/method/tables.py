"""Response files in, result files out: the file side of `kotan score`.

Responses are a wide table (CSV or XLSX): ``response_id, regency_code, unit_code`` and one
column per item code; a cell holds an answer option's code (or its label, or its score), an
empty cell is missing. Every problem in the file is reported at once, by row and column.

Results are JSON (everything), or one row per regency as CSV or XLSX (same columns; XLSX
because a comma CSV opens as a single column in a spreadsheet set to Indonesian). Every row
carries the instrument (code, year, version, SHA-256 of its canonical YAML) and the method, so
a sheet copied on its own still says how it was computed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import string
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kotan.method.categories import SchemeError
from kotan.method.engine import (
    FLAT_COLUMNS,
    ResponseMatrix,
    ResponseRow,
    ScoringError,
    ScoringResult,
)
from kotan.method.problems import MESSAGES, Problem, ProblemsError, register_messages
from kotan.method.spec import InstrumentSpec, spec_digest

REQUIRED = ("response_id", "regency_code", "unit_code")
MAX_PROBLEMS = 200
MAX_ROWS = 500_000
RESULT_FORMATS = (".json", ".csv", ".xlsx")

register_messages(
    {
        "responses.format": (
            "Format berkas tidak didukung: {name} (gunakan .csv atau .xlsx).",
            "Unsupported file format: {name} (use .csv or .xlsx).",
        ),
        "responses.unreadable": (
            "Berkas jawaban tidak dapat dibaca: {detail}",
            "The response file cannot be read: {detail}",
        ),
        "responses.column_missing": (
            "Kolom wajib '{column}' tidak ada.",
            "Required column '{column}' is missing.",
        ),
        "responses.column_unknown": (
            "Kolom '{column}' bukan kode butir instrumen ini.",
            "Column '{column}' is not an item code of this instrument.",
        ),
        "responses.column_duplicate": (
            "Kolom '{column}' muncul lebih dari sekali.",
            "Column '{column}' appears more than once.",
        ),
        "responses.empty": ("Berkas tidak berisi jawaban.", "The file holds no answers."),
        "responses.too_many_rows": (
            "Berkas berisi lebih dari {limit} baris.",
            "The file has more than {limit} rows.",
        ),
        "responses.value": (
            "jawaban '{value}' tidak dikenal (pilihan: {allowed}).",
            "unknown answer '{value}' (options: {allowed}).",
        ),
        "responses.not_asked": (
            "butir ini tidak ditanyakan kepada unit '{unit}'.",
            "this item is not asked of unit '{unit}'.",
        ),
        "responses.regency": (
            "kode kabupaten/kota '{value}' tidak dikenal.",
            "unknown regency/city code '{value}'.",
        ),
        "responses.unit": (
            "unit observasi '{value}' tidak dikenal (pilihan: {allowed}).",
            "unknown observation unit '{value}' (options: {allowed}).",
        ),
        "responses.id_missing": ("response_id kosong.", "response_id is empty."),
        "responses.id_duplicate": (
            "response_id '{value}' sudah dipakai di baris {first}.",
            "response_id '{value}' is already used on row {first}.",
        ),
        "responses.more_problems": (
            "... dan {count} masalah lain.",
            "... and {count} more problems.",
        ),
        "result.format": (
            "Format berkas hasil tidak didukung: {name} (gunakan .json, .csv atau .xlsx).",
            "Unsupported result file format: {name} (use .json, .csv or .xlsx).",
        ),
    }
)

# The engine's and the category module's errors, for people: "scoring." + ScoringError.code,
# filled from ScoringError.params. Codes without a text here fall back to "scoring.other".
register_messages(
    {
        "scoring.scale.order": (
            "Skala jawaban {min}–{max} tidak dapat dipakai: minimum dan maksimum harus angka "
            "terhingga, dan minimum lebih kecil dari maksimum.",
            "The answer scale {min}–{max} cannot be used: minimum and maximum must be finite "
            "numbers, the minimum below the maximum.",
        ),
        "scoring.options.range": (
            "Opsi penilaian tidak sah: min_respondents minimal 1, bootstrap dan seed tidak "
            "boleh negatif (min_respondents {min_respondents}, bootstrap {bootstrap}, "
            "seed {seed}).",
            "Invalid scoring options: min_respondents must be at least 1, bootstrap and seed "
            "must not be negative (min_respondents {min_respondents}, bootstrap {bootstrap}, "
            "seed {seed}).",
        ),
        "scoring.aggregation.unknown": (
            "Agregasi '{value}' tidak dikenal (pilihan: {allowed}).",
            "Unknown aggregation '{value}' (options: {allowed}).",
        ),
        "scoring.weights.missing": (
            "Setiap unsur {what} memerlukan bobot.",
            "Every element of {what} needs a weight.",
        ),
        "scoring.weights.partial": (
            "Bobot {what}: isi semuanya atau kosongkan semuanya.",
            "Weights of {what}: give all of them or none.",
        ),
        "scoring.weights.negative": (
            "Bobot {what} harus angka terhingga dan tidak negatif.",
            "The weights of {what} must be finite and not negative.",
        ),
        "scoring.weights.sum": (
            "Jumlah bobot {what} adalah {total}, bukan 1.",
            "The weights of {what} add up to {total}, not 1.",
        ),
        "scoring.code.duplicate": (
            "Kode '{name}' dipakai lebih dari sekali.",
            "Code '{name}' is used more than once.",
        ),
        "scoring.answer.unknown_item": (
            "Butir '{item}' tidak ada di instrumen ini.",
            "Item '{item}' is not in this instrument.",
        ),
        "scoring.answer.out_of_scale": (
            "Responden '{respondent}', butir {item}: nilai {value} di luar skala {min}–{max}.",
            "Respondent '{respondent}', item {item}: the value {value} is outside the scale "
            "{min}–{max}.",
        ),
        "scoring.answer.wrong_unit": (
            "Responden '{respondent}' (unit '{unit}') menjawab butir {item}, yang tidak "
            "ditanyakan kepada unit itu.",
            "Respondent '{respondent}' (unit '{unit}') answers item {item}, which that unit "
            "is not asked.",
        ),
        "scoring.categories.coverage": (
            "Skema kategori '{scheme}' tidak mencakup seluruh skala {min}–{max}.",
            "The category scheme '{scheme}' does not cover the whole scale {min}–{max}.",
        ),
        "scoring.empty": (
            "Instrumen tidak dapat dipakai untuk menilai: {name} kosong (tanpa variabel, "
            "indikator atau butir di bawahnya).",
            "The instrument cannot be used for scoring: {name} is empty (no variables, "
            "indicators or items under it).",
        ),
        "scoring.other": (
            "Data tidak dapat dinilai ({code}): {detail}",
            "The data cannot be scored ({code}): {detail}",
        ),
        "scoring.scheme": (
            "Skema kategori tidak dapat dipakai ({code}): {detail}",
            "The category scheme cannot be used ({code}): {detail}",
        ),
    }
)


class ResponsesError(ProblemsError):
    """The response file was rejected as a whole."""


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def scoring_problem(error: ScoringError | SchemeError) -> Problem:
    """The engine's (or a category scheme's) error as a Problem people can read."""
    if isinstance(error, ScoringError):
        code = f"scoring.{error.code}"
        if code in MESSAGES and all(_fields(t) <= error.params.keys() for t in MESSAGES[code]):
            return Problem(code, "", dict(error.params))
        return Problem("scoring.other", "", {"code": error.code, "detail": error.detail})
    return Problem("scoring.scheme", "", {"code": error.code, "detail": error.detail})


def csv_rows(data: bytes) -> Iterator[list[str]]:
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian write semicolons; pick the likelier separator.
    delimiter = max((",", ";", "\t"), key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from kotan.method.workbooks import open_workbook  # openpyxl only when a workbook comes

    workbook = open_workbook(data)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if v is None else cell_text(v) for v in row]
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path) -> list[list[str]]:
    """The raw rows of a CSV or XLSX file (first sheet)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ResponsesError([Problem("responses.format", "", {"name": path.name})])
    data = path.read_bytes()  # OSError (no such file, ...) is the caller's to report
    try:
        reader = csv_rows(data) if suffix == ".csv" else _xlsx_rows(data)
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise ResponsesError([Problem("responses.too_many_rows", "", {"limit": MAX_ROWS})])
        return rows
    except ResponsesError:
        raise
    except Exception as exc:  # any parser failure is the file's fault
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise ResponsesError([Problem("responses.unreadable", "", {"detail": detail})]) from exc


def normalise(text: str) -> str:
    """Cell text as a lookup key: "2.0" and "2,0" (Indonesian decimal comma) become "2"."""
    key = text.strip().lower()
    try:
        number = float(key.replace(",", "."))
    except ValueError:
        return key
    return cell_text(number) if math.isfinite(number) else key


def _answer_map(spec: InstrumentSpec) -> tuple[dict[str, float | None], str]:
    """Accepted cell texts → score: option codes, labels (any case) and scores."""
    accepted: dict[str, float | None] = {}
    for option in spec.answer_options:
        accepted[option.code.strip().lower()] = option.score
        accepted[option.label.strip().lower()] = option.score
        if option.score is not None:
            accepted[cell_text(option.score).lower()] = option.score
    allowed = ", ".join(o.code for o in spec.answer_options)
    return accepted, allowed


def parse_responses(
    rows: Sequence[Sequence[str]], spec: InstrumentSpec, regency_codes: Iterable[str]
) -> ResponseMatrix:
    """Validate the whole table, then build the engine's arrays. All or nothing."""
    problems: list[Problem] = []
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ResponsesError([Problem("responses.empty", "")])
    header = [cell.strip() for cell in rows[0]]
    items = {item.code: item for item in spec.items}
    for column in REQUIRED:
        if column not in header:
            problems.append(Problem("responses.column_missing", "", {"column": column}))
    seen_columns: set[str] = set()
    for column in header:
        if column in seen_columns:
            problems.append(Problem("responses.column_duplicate", "", {"column": column}))
        seen_columns.add(column)
        if column and column not in REQUIRED and column not in items:
            problems.append(Problem("responses.column_unknown", "", {"column": column}))
    if problems:
        raise ResponsesError(problems)
    at = {column: j for j, column in enumerate(header)}
    item_columns = [(items[c], at[c]) for c in header if c in items]
    accepted, allowed = _answer_map(spec)
    known_regencies = set(regency_codes)
    units = {u.code for u in spec.units}
    unit_list = ", ".join(sorted(units))
    first_row_of: dict[str, int] = {}
    parsed: list[ResponseRow] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [*row, *([""] * (len(header) - len(row)))]
        rid = cells[at["response_id"]].strip()
        regency = cells[at["regency_code"]].strip()
        unit = cells[at["unit_code"]].strip()
        where = f"baris {line}"
        if not rid:
            problems.append(Problem("responses.id_missing", where))
        elif rid in first_row_of:
            problems.append(
                Problem("responses.id_duplicate", where, {"value": rid, "first": first_row_of[rid]})
            )
        else:
            first_row_of[rid] = line
        if regency not in known_regencies:
            problems.append(Problem("responses.regency", where, {"value": regency}))
        if unit not in units:
            problems.append(Problem("responses.unit", where, {"value": unit, "allowed": unit_list}))
        answers: dict[str, float | None] = {}
        for item, j in item_columns:
            text = cells[j].strip()
            if not text:
                continue
            cell = f"baris {line} kolom {item.code}"
            if unit in units and unit not in item.units:
                problems.append(Problem("responses.not_asked", cell, {"unit": unit}))
                continue
            key = normalise(text)
            if key not in accepted:
                problems.append(
                    Problem("responses.value", cell, {"value": text, "allowed": allowed})
                )
                continue
            answers[item.code] = accepted[key]
        parsed.append(ResponseRow(rid, regency, unit, answers))
        if len(problems) > MAX_PROBLEMS:
            break
    if not parsed and not problems:
        problems.append(Problem("responses.empty", ""))
    if problems:
        if len(problems) > MAX_PROBLEMS:
            extra = len(problems) - MAX_PROBLEMS
            problems = [
                *problems[:MAX_PROBLEMS],
                Problem("responses.more_problems", "", {"count": f"{extra}+"}),
            ]
        raise ResponsesError(problems)
    return ResponseMatrix.from_rows(parsed, [i.code for i in spec.items])


def instrument_identity(spec: InstrumentSpec) -> dict[str, Any]:
    """Code, year, version and ``sha256``: the digest of the instrument's canonical YAML."""
    return {
        "code": spec.code,
        "year": spec.year,
        "version": spec.version,
        "sha256": spec_digest(spec),
    }


def result_document(result: ScoringResult, spec: InstrumentSpec) -> dict[str, Any]:
    """The JSON output: the engine's result (with its method) plus the instrument used."""
    document = result.to_dict()
    document["instrument"] = instrument_identity(spec)
    return document


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def result_format_problem(path: Path) -> Problem | None:
    """A Problem when ``path`` has no result format (check before any work is done)."""
    if path.suffix.lower() in RESULT_FORMATS:
        return None
    return Problem("result.format", "", {"name": path.name})


METHOD_COLUMNS = ("engine_version", "aggregation", "scheme", "min_respondents", "bootstrap", "seed")


def result_table(result: ScoringResult, spec: InstrumentSpec) -> list[list[Any]]:
    """One row per regency (header first), with the instrument and method on every row.

    Missing values are None; ``missing_variables`` is a space-separated list of codes.
    """
    variable_codes = [v.code for v in spec.variables]
    instrument = instrument_identity(spec)
    table: list[list[Any]] = []
    for r in result.regencies:
        row = {
            "regency_code": r.regency_code,
            "province_code": r.province_code,
            **r.flat(),
            "missing_variables": " ".join(r.missing_variables) or None,
            "rank_shift": r.rank_shift,
            "max_rank_shift": result.max_rank_shift,
            **{f"variable_{code}": r.variables.get(code) for code in variable_codes},
            "instrument_code": instrument["code"],
            "instrument_year": instrument["year"],
            "instrument_version": instrument["version"],
            "instrument_sha256": instrument["sha256"],
            **{c: getattr(result.method, c) for c in METHOD_COLUMNS},
        }
        table.append([row[c] for c in _columns(variable_codes)])
    return [list(_columns(variable_codes)), *table]


def _columns(variable_codes: list[str]) -> tuple[str, ...]:
    return (
        "regency_code",
        "province_code",
        FLAT_COLUMNS[0],  # status, then the variables it may miss
        "missing_variables",
        *FLAT_COLUMNS[1:],
        "rank_shift",
        "max_rank_shift",
        *(f"variable_{code}" for code in variable_codes),
        "instrument_code",
        "instrument_year",
        "instrument_version",
        "instrument_sha256",
        *METHOD_COLUMNS,
    )


def write_result(result: ScoringResult, spec: InstrumentSpec, path: Path) -> None:
    """Write JSON (full detail), CSV or XLSX (one row per regency) by the file's suffix."""
    problem = result_format_problem(path)
    if problem is not None:
        raise ProblemsError([problem])
    document = result_document(result, spec)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(
            json.dumps(document, ensure_ascii=False, indent=1, default=_json_safe) + "\n",
            encoding="utf-8",
        )
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(result_table(result, spec))
    else:
        _write_xlsx(result_table(result, spec), path)


def _write_xlsx(table: list[list[Any]], path: Path) -> None:
    """Numbers as numbers, missing values as empty cells, text always as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("IKOTAN")

    def cell(value: Any) -> Any:
        if not (isinstance(value, str) and value.startswith("=")):
            return value
        text = WriteOnlyCell(sheet, value)  # openpyxl would store "=..." as a formula
        text.data_type = "s"
        return text

    for row in table:
        sheet.append([cell(value) for value in row])
    workbook.save(path)
