"""Response files in, result files out: the file side of `kotan score`.

Responses are a wide table (CSV or XLSX): ``response_id, regency_code, unit_code`` and one
column per item code; a cell holds an answer option's code (or its label, or its score), an
empty cell is missing. Every problem in the file is reported at once, by row and column.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kotan.core.problems import Problem, ProblemsError, register_messages
from kotan.instruments.spec import InstrumentSpec
from kotan.scoring.engine import ResponseMatrix, ResponseRow, ScoringResult

REQUIRED = ("response_id", "regency_code", "unit_code")
MAX_PROBLEMS = 200
MAX_ROWS = 500_000

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
    }
)


class ResponsesError(ProblemsError):
    """The response file was rejected as a whole."""


def csv_rows(data: bytes) -> Iterator[list[str]]:
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian write semicolons; pick the likelier separator.
    delimiter = max((",", ";", "\t"), key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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
    try:
        data = path.read_bytes()
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


def result_document(result: ScoringResult, spec: InstrumentSpec) -> dict[str, Any]:
    """The JSON output: the engine's result plus the instrument version used."""
    document = result.to_dict()
    document["instrument"] = {"code": spec.code, "year": spec.year, "version": spec.version}
    return document


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_result(result: ScoringResult, spec: InstrumentSpec, path: Path) -> None:
    """Write JSON (full detail) or CSV (one row per regency) by the file's suffix."""
    document = result_document(result, spec)
    if path.suffix.lower() == ".json":
        path.write_text(
            json.dumps(document, ensure_ascii=False, indent=1, default=_json_safe) + "\n",
            encoding="utf-8",
        )
        return
    variable_codes = [v.code for v in spec.variables]
    columns = [
        "regency_code",
        "province_code",
        "n_respondents",
        "status",
        "index",
        "index_100",
        "category",
        "rank_national",
        "rank_province",
        "index_ci_low",
        "index_ci_high",
        "rank_ci_low",
        "rank_ci_high",
        "p_same_category",
        "rank_equal_weights",
        *(f"variable_{code}" for code in variable_codes),
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for r in document["regencies"]:
            ci = r["index_ci"] or [None, None]
            rank_ci = r["rank_ci"] or [None, None]
            writer.writerow(
                [
                    r["regency_code"],
                    r["province_code"],
                    r["n_respondents"],
                    r["status"],
                    r["index"],
                    r["index_100"],
                    r["category"],
                    r["rank_national"],
                    r["rank_province"],
                    ci[0],
                    ci[1],
                    rank_ci[0],
                    rank_ci[1],
                    r["p_same_category"],
                    r["rank_equal_weights"],
                    *(r["variables"].get(code) for code in variable_codes),
                ]
            )
