"""Exports of a run for leaders: the XLSX (headers, frozen row, sheets, no formulas), the PDF
summary, and the scope: everyone downloads only the rows of the run's page."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
import zipfile

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kotan.accounts.models import User
from kotan.collection.exports import safe_cell
from kotan.regions.models import Regency
from kotan.scoring import exports
from kotan.scoring.models import IndexRun, RegencyResult
from tests.support.cast import Cast
from tests.support.results_c import fixtures

world, cast, run = fixtures()
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def _get(client: Client, user: User, name: str, run: IndexRun, query: str = "") -> bytes:
    client.force_login(user)
    response = client.get(reverse(name, args=[run.pk]) + query)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content


def _codes(content: bytes, sheet: str = "Semua") -> list[str]:
    ws = load_workbook(io.BytesIO(content))[sheet]
    return [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return subprocess.run(  # noqa: S603
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# --- the XLSX --------------------------------------------------------------------------------


def test_the_xlsx_has_indonesian_headers_a_frozen_row_formats_and_notes(
    client: Client, cast: Cast, run: IndexRun
) -> None:
    wb = load_workbook(io.BytesIO(_get(client, cast.ani, "run_export_xlsx", run)))
    assert wb.sheetnames == ["Semua", "Keterangan"]
    ws = wb["Semua"]
    headers = [c.value for c in ws[1]]
    assert headers[:6] == [
        "Peringkat nasional",
        "Peringkat terendah (interval 90 %)",
        "Peringkat tertinggi (interval 90 %)",
        "Kode",
        "Kabupaten/kota",
        "Provinsi",
    ]
    assert "Kategori" in headers and "Peluang tetap di kategori" in headers
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["E"].width == 30
    ranked = RegencyResult.objects.filter(run=run, status="ok").order_by("rank_national")
    first = ranked.first()
    assert first is not None
    row = [c for c in ws[2]]
    assert row[3].value == first.regency.code and row[0].value == 1
    assert row[7].value == pytest.approx(first.index) and row[7].number_format == "0.000"
    assert row[12].number_format == "0%"
    assert row[11].value == str(run.category_labels[first.category])
    # Every assigned regency has a row; those without data say so and have no rank.
    assert len(_codes(_get(client, cast.ani, "run_export_xlsx", run))) == run.results.count()
    statuses = {r[3]: r[14] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert statuses["15.71"] == "Data tidak cukup" and statuses["15.04"] == "Cukup data"
    notes = dict(wb["Keterangan"].iter_rows(min_row=3, values_only=True))
    assert notes["Seed"] == str(run.method["seed"])
    assert notes["Sidik data masukan (SHA-256)"] == run.input_digest
    assert "90 dari 100" in notes["Interval 90 %"]


def test_one_sheet_per_province_on_demand(client: Client, cast: Cast, run: IndexRun) -> None:
    content = _get(client, cast.ani, "run_export_xlsx", run, "?per_provinsi=1")
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Semua", "Aceh", "Jambi", "Keterangan"]
    jambi = _codes(content, "Jambi")
    assert jambi and all(code.startswith("15.") for code in jambi)
    assert _codes(content, "Aceh") == ["11.08"]
    assert wb["Jambi"].freeze_panes == "A2"
    ranks = [r[6] for r in wb["Jambi"].iter_rows(min_row=2, values_only=True) if r[6]]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_a_name_that_looks_like_a_formula_stays_text(
    client: Client, cast: Cast, run: IndexRun
) -> None:
    Regency.objects.filter(code="15.04").update(name='=HYPERLINK("http://x.invalid","klik")')
    Regency.objects.filter(code="15.05").update(name="+62 812 0000 0001")
    content = _get(client, cast.ani, "run_export_xlsx", run)
    ws = load_workbook(io.BytesIO(content))["Semua"]
    names = {r[3].value: r[4] for r in ws.iter_rows(min_row=2)}
    assert names["15.04"].value == '\'=HYPERLINK("http://x.invalid","klik")'
    assert names["15.04"].data_type == "s"
    assert names["15.05"].value == "'+62 812 0000 0001"
    assert b"<f>" not in _sheet_xml(content)
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "1") == "'" + start + "1"
    assert safe_cell("Batanghari") == "Batanghari" and safe_cell(-1.5) == -1.5


def _sheet_xml(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


# --- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_summary_has_the_ranking_and_the_category_counts(
    client: Client, cast: Cast, run: IndexRun
) -> None:
    text = _text(_get(client, cast.ani, "run_export_pdf", run))
    assert "Ringkasan hasil IKOTAN 2026" in text
    assert "Jumlah per kategori" in text and "Data tidak cukup (tanpa kategori)" in text
    assert "Batanghari" in text and "Aceh Utara" in text
    assert "Hasil sementara" in text  # a provisional run says so
    assert "Peta kategori" in text
    assert run.input_digest[:40] in text.replace("\n", "").replace(" ", "")


def test_a_long_ranking_shows_top_and_bottom(cast: Cast, run: IndexRun) -> None:
    context = exports.summary_context(cast.ani, run)
    assert context["bottom"] == [] and context["ranking"] == context["top"]
    assert [r.rank_national for r in context["top"]] == [1, 2, 3]
    assert sum(c.n for c in context["categories"]) == context["n_ranked"] == 3


def test_the_map_has_a_dot_per_regency_in_scope(cast: Cast, run: IndexRun) -> None:
    national = exports.summary_context(cast.ani, run)["map"]
    assert national.startswith("<svg") and "<script" not in national
    assert national.count("<circle") >= run.results.count()
    batanghari = run.results.get(regency__code="15.04")
    label = run.category_labels[batanghari.category]
    assert f"<title>{batanghari.regency.name}: {label}</title>" in national
    aceh = exports.summary_context(cast.hadi, run)["map"]
    assert "Aceh Utara" in aceh and "Batanghari" not in aceh


# --- scope -----------------------------------------------------------------------------------


def test_each_reader_downloads_the_rows_of_their_scope(
    client: Client, cast: Cast, run: IndexRun
) -> None:
    every = set(RegencyResult.objects.filter(run=run).values_list("regency__code", flat=True))
    jambi = {c for c in every if c.startswith("15.")}
    expected = {
        cast.ani: every,
        cast.fajar: every,
        cast.budi: jambi,
        cast.gita: jambi,
        cast.hadi: {"11.08"},
    }
    for user, codes in expected.items():
        assert set(_codes(_get(client, user, "run_export_xlsx", run))) == codes, user.username
    for user in (cast.citra, cast.dewi, cast.eko):  # BNNK, focal point, enumerator of 15.04
        theirs = set(_codes(_get(client, user, "run_export_xlsx", run)))
        assert "15.04" in theirs and not theirs & {"11.08", "15.71"}, user.username
    client.force_login(cast.hadi)
    text = _text(_get(client, cast.hadi, "run_export_pdf", run))
    assert "Aceh Utara" in text and "Batanghari" not in text


def test_anonymous_unknown_run_and_post(client: Client, cast: Cast, run: IndexRun) -> None:
    for name in ("run_export_xlsx", "run_export_pdf"):
        url = reverse(name, args=[run.pk])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        client.force_login(cast.ani)
        assert client.get(reverse(name, args=[run.pk + 999])).status_code == 404
        assert client.post(url).status_code == 405
        client.logout()


def test_the_run_page_links_both_downloads(client: Client, cast: Cast, run: IndexRun) -> None:
    client.force_login(cast.budi)
    page = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert reverse("run_export_xlsx", args=[run.pk]) in page
    assert reverse("run_export_pdf", args=[run.pk]) in page
    assert 'name="per_provinsi"' in page


# --- the whole country -----------------------------------------------------------------------


def test_the_whole_country_is_fast_enough_for_the_request(cast: Cast, run: IndexRun) -> None:
    """Every regency of the country in one run: both files within the 2 s of a request."""
    big = IndexRun(
        **{
            f.attname: getattr(run, f.attname)
            for f in IndexRun._meta.concrete_fields
            if f.attname not in ("id", "created_at")
        }
    )
    big.save()
    first = RegencyResult.objects.filter(run=run, status="ok").order_by("rank_national").first()
    assert first is not None
    regencies = list(Regency.objects.order_by("code").values_list("pk", flat=True))
    assert len(regencies) == 514
    skip = {f.attname for f in RegencyResult._meta.concrete_fields} & {"id", "run_id", "regency_id"}
    values = {
        f.attname: getattr(first, f.attname)
        for f in RegencyResult._meta.concrete_fields
        if f.attname not in skip
    }
    RegencyResult.objects.bulk_create(
        [
            RegencyResult(run=big, regency_id=pk, **{**values, "rank_national": n + 1})
            for n, pk in enumerate(regencies)
        ]
    )
    started = time.perf_counter()
    content = exports.results_xlsx(cast.ani, big, by_province=True)
    xlsx_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf = exports.summary_pdf(cast.ani, big)
    pdf_s = time.perf_counter() - started
    assert len(_codes(content)) == 514 and pdf.startswith(b"%PDF-")
    print(f"514 regencies: xlsx {xlsx_s:.2f} s, pdf {pdf_s:.2f} s")
    assert xlsx_s < 4 and pdf_s < 4  # about 1 s each: twice that for a busy test machine
