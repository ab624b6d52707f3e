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
  = + - @ TAB CR) get a leading apostrophe (``collection.exports.safe_cell``). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.utils import translation

from kotan.collection.exports import safe_cell
from kotan.public.queries import instrument_digest, public_results
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

_VALUES = {
    "regency_code": "regency__code",
    "regency_name": "regency__name",
    "province_code": "regency__province__code",
    "province_name": "regency__province__name",
}


def rows(run: IndexRun) -> list[dict[str, Any]]:
    """One dict per regency, public fields only, in rank order (unranked last, by code)."""
    labels = {b["code"]: b["label"] for b in run.bands}  # as stored: Bahasa Indonesia
    lookups = [_VALUES.get(name, name) for name in FIELDNAMES if name != "category_label"]
    names = [name for name in FIELDNAMES if name != "category_label"]
    results = public_results(run).order_by(F("rank_national").asc(nulls_last=True), "regency__code")
    out = []
    for values in results.values_list(*lookups):
        row = dict(zip(names, values, strict=True))
        row["category"] = row["category"] or None
        row["category_label"] = labels.get(row["category"]) if row["category"] else None
        out.append({name: row[name] for name in FIELDNAMES})
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
            "digest_sha256": instrument_digest(run.instrument),
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
    return safe_cell(value)


def as_csv(run: IndexRun) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDNAMES)
    for row in rows(run):
        writer.writerow([_csv_cell(row[name]) for name in FIELDNAMES])
    return buffer.getvalue().encode("utf-8")


def _sheet_rows(data: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    for row in data:
        yield [safe_cell(row[name]) for name in FIELDNAMES]


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
        meta.append([key, safe_cell(value)])
    meta.append([])
    meta.append(["Kategori", "Batas bawah", "Batas atas"])
    for band in info["bands"]:
        meta.append([safe_cell(band["label"]), band["lower"], band["upper"]])
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
