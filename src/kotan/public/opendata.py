"""Open data of a published run: one row per regency as CSV, XLSX and JSON.

Decisions:
- Licence: Creative Commons Attribution 4.0 (CC BY 4.0), attribution "Sumber: BNN RI, SI-KOTAN".
  It is stated on the ranking page, in the JSON (``metadata.licence``), in the XLSX sheet
  "Metadata" and in an HTTP ``Link: <licence>; rel="license"`` header of every file.
- CSV stays plain rows (one header line, one row per regency) so that any tool reads it; the
  method, digests and licence are in the JSON and in the XLSX "Metadata" sheet.
- Only public fields (``kotan.public.queries``): no answers, no respondent or unit detail
  beyond the number of respondents.
- Text cells of CSV and XLSX that a spreadsheet would read as a formula (starting with
  = + - @ TAB CR) get a leading apostrophe (``safe_text``). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from django.utils import translation

from kotan.instruments.queries import instrument_spec
from kotan.method.spec import spec_digest
from kotan.public.queries import public_results
from kotan.scoring.models import IndexRun

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.id"
ATTRIBUTION = "Sumber: BNN RI, SI-KOTAN"

# (column, description in Bahasa Indonesia): the data dictionary, also in JSON and XLSX.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("regency_code", "Kode Kemendagri kabupaten/kota"),
    ("regency_name", "Nama kabupaten/kota"),
    ("province_code", "Kode Kemendagri provinsi"),
    ("province_name", "Nama provinsi"),
    ("status", "ok = cukup data; insufficient_data = data tidak cukup, tidak diperingkat"),
    ("index", "Indeks IKOTAN pada skala jawaban"),
    ("index_100", "Indeks pada skala 0–100"),
    ("index_ci_low", "Batas bawah interval 90 % indeks (bootstrap)"),
    ("index_ci_high", "Batas atas interval 90 % indeks (bootstrap)"),
    ("category", "Kode kategori"),
    ("category_label", "Nama kategori"),
    ("rank_national", "Peringkat nasional"),
    ("rank_ci_low", "Batas bawah interval 90 % peringkat nasional"),
    ("rank_ci_high", "Batas atas interval 90 % peringkat nasional"),
    ("rank_province", "Peringkat dalam provinsi"),
    ("p_same_category", "Peluang tetap di kategori yang sama (0–1, bootstrap)"),
    ("n_respondents", "Jumlah responden yang jawabannya dihitung"),
)
FIELDNAMES = [name for name, _ in COLUMNS]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """A text cell that cannot run as a formula in a spreadsheet; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows(run: IndexRun) -> list[dict[str, Any]]:
    """One dict per regency, public fields only, in rank order (unranked last, by code)."""
    labels = {b["code"]: b["label"] for b in run.bands}  # as stored: Bahasa Indonesia
    out = []
    results = sorted(
        public_results(run),
        key=lambda r: (r.rank_national is None, r.rank_national or 0, r.regency.code),
    )
    for r in results:
        out.append(
            {
                "regency_code": r.regency.code,
                "regency_name": r.regency.name,
                "province_code": r.regency.province.code,
                "province_name": r.regency.province.name,
                "status": r.status,
                "index": r.index,
                "index_100": r.index_100,
                "index_ci_low": r.index_ci_low,
                "index_ci_high": r.index_ci_high,
                "category": r.category or None,
                "category_label": labels.get(r.category) if r.category else None,
                "rank_national": r.rank_national,
                "rank_ci_low": r.rank_ci_low,
                "rank_ci_high": r.rank_ci_high,
                "rank_province": r.rank_province,
                "p_same_category": r.p_same_category,
                "n_respondents": r.n_respondents,
            }
        )
    return out


def metadata(run: IndexRun) -> dict[str, Any]:
    """What the figures are, how they were computed, and under which licence they are shared."""
    method = run.method
    publication = run.publication
    return {
        "title": f"IKOTAN {run.period.year}",
        "description": (
            "Indeks Kabupaten/Kota Tanggap Ancaman Narkoba (IKOTAN) per kabupaten/kota, "
            "hasil final yang diterbitkan oleh BNN RI."
        ),
        "year": run.period.year,
        "run": run.pk,
        "published_at": publication.published_at.isoformat(),
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL, "attribution": ATTRIBUTION},
        "method": {
            "aggregation": method.get("aggregation"),
            "category_scheme": method.get("scheme"),
            "scheme_scale": method.get("scheme_scale"),
            "min_respondents": method.get("min_respondents"),
            "bootstrap_replicates": method.get("bootstrap"),
            "seed": method.get("seed"),
            "interval": "90 % (persentil 5 dan 95 dari bootstrap)",
            "ci_percentiles": method.get("ci_percentiles"),
        },
        "bands": [
            {"code": b["code"], "label": b["label"], "lower": b["lower"], "upper": b["upper"]}
            for b in run.bands
        ],
        "engine_version": run.engine_version,
        "instrument": {
            "year": run.instrument_year,
            "version": run.instrument_version,
            "digest_sha256": spec_digest(instrument_spec(run.instrument)),
        },
        "input_digest_sha256": run.input_digest,
        "columns": [{"name": n, "description": d} for n, d in COLUMNS],
    }


def as_json(run: IndexRun) -> bytes:
    with translation.override("id"):
        data = {"metadata": metadata(run), "rows": rows(run)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return safe_text(value)


def as_csv(run: IndexRun) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDNAMES)
    for row in rows(run):
        writer.writerow([_csv_cell(row[name]) for name in FIELDNAMES])
    return buffer.getvalue().encode("utf-8")


def _sheet_rows(data: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    for row in data:
        yield [safe_text(row[name]) for name in FIELDNAMES]


def as_xlsx(run: IndexRun) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Data")
    sheet.append(FIELDNAMES)
    for values in _sheet_rows(rows(run)):
        sheet.append(values)
    meta = wb.create_sheet("Metadata")
    with translation.override("id"):
        info = metadata(run)
    m = info["method"]
    for key, value in (
        ("Judul", info["title"]),
        ("Keterangan", info["description"]),
        ("Tahun", info["year"]),
        ("Perhitungan", info["run"]),
        ("Diterbitkan", info["published_at"]),
        ("Lisensi", f"{LICENCE_NAME} ({LICENCE_URL})"),
        ("Atribusi", ATTRIBUTION),
        ("Agregasi", m["aggregation"]),
        ("Skema kategori", f"{m['category_scheme']} ({m['scheme_scale']})"),
        ("Minimum responden", m["min_respondents"]),
        ("Replikasi bootstrap", m["bootstrap_replicates"]),
        ("Seed", m["seed"]),
        ("Interval", m["interval"]),
        ("Versi mesin", info["engine_version"]),
        (
            "Instrumen",
            f"{info['instrument']['year']} v{info['instrument']['version']}",
        ),
        ("Sidik instrumen (SHA-256)", info["instrument"]["digest_sha256"]),
        ("Sidik data masukan (SHA-256)", info["input_digest_sha256"]),
    ):
        meta.append([key, safe_text(value)])
    meta.append([])
    meta.append(["Kategori", "Batas bawah", "Batas atas"])
    for band in info["bands"]:
        meta.append([safe_text(band["label"]), band["lower"], band["upper"]])
    meta.append([])
    meta.append(["Kolom", "Keterangan"])
    for name, description in COLUMNS:
        meta.append([name, description])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FORMATS = {
    "csv": (as_csv, "text/csv; charset=utf-8"),
    "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (as_json, "application/json"),
}
