"""The visit report: DOCX read back with python-docx, PDF read back with pdftotext."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from kotan.monev import actions
from kotan.monev.report import date_range, render_docx, render_pdf, visit_report
from tests.support.cast import Cast
from tests.support.monev import Monev

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"  # poppler-utils


@pytest.fixture
def full(cast: Cast, monev: Monev) -> Monev:
    """A second session with three more points, one of them with a follow-up."""
    session = actions.add_session(
        actor=cast.ani,
        visit=monev.visit,
        venue="Ruang Rapat Universitas Jambi",
        held_on=date(2022, 12, 22),
        methods=["wawancara", "pemeriksaan_dokumen"],
        other_institutions="Universitas Jambi",
    )
    for text in ["Pertama di kampus.", "Kedua di kampus.", "Ketiga di kampus."]:
        actions.add_point(actor=cast.ani, session=session, kind="informasi", text=text)
    actions.add_team_member(
        actor=cast.ani, visit=monev.visit, role="ketua", name="Rina Wulandari", position="Dit. PSM"
    )
    return monev


EXPECTED_POINTS = [
    "1.\tJumlah personel masih kurang.",
    "2.\tMoU dengan pemangku kepentingan.",
    "1.\tPertama di kampus.",
    "2.\tKedua di kampus.",
    "3.\tKetiga di kampus.",
]


def test_dates_in_bahasa_indonesia() -> None:
    report_dates = date_range(date(2022, 12, 21), date(2022, 12, 22))
    assert report_dates == "Rabu–Kamis, 21–22 Desember 2022"
    assert date_range(date(2022, 11, 30), date(2022, 12, 1)) == (
        "Rabu, 30 November 2022 – Kamis, 1 Desember 2022"
    )


def test_docx_has_every_numbered_point_in_order_and_the_follow_ups(full: Monev) -> None:
    document = Document(io.BytesIO(render_docx(visit_report(full.visit))))
    paragraphs = [p.text for p in document.paragraphs]
    numbered = [t for t in paragraphs if re.match(r"\d+\.\t", t) and "Rina" not in t]
    assert numbered == EXPECTED_POINTS
    assert paragraphs.index("Pointer 1 (Ruang Rapat Kantor BNNP Jambi)") < paragraphs.index(
        "Pointer 2 (Ruang Rapat Universitas Jambi)"
    )
    assert "1.\tRina Wulandari, Dit. PSM, Ketua tim" in paragraphs
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert facts["Waktu"] == "Rabu–Kamis, 21–22 Desember 2022"
    assert "Ruang Rapat Universitas Jambi" in facts["Tempat"]
    follow_ups = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert follow_ups[0] == [
        "No.",
        "Pointer",
        "Tindakan",
        "Penanggung jawab",
        "Tenggat",
        "Prioritas",
        "Status",
    ]
    assert follow_ups[1][:4] == [
        "1",
        "1.1",
        "Koordinasi dengan Kesbangpol.",
        "BNNK Batanghari, Kepala BNNK Batanghari",
    ]
    assert follow_ups[1][6] == "Belum (terlambat)"
    assert follow_ups[2][1] == "1.2" and follow_ups[2][6] == "Belum"


def test_report_is_in_bahasa_indonesia_even_for_an_english_user(
    cast: Cast, full: Monev, client: Client
) -> None:
    client.force_login(cast.budi)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("monev_report", args=[full.visit.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Tim pelaksana" in text and "Kendala · tema: Personel" in text


def test_pdf_shows_venues_and_points_in_order(full: Monev) -> None:
    pdf = render_pdf(visit_report(full.visit))
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603 - a fixed program, our own PDF as input
        [PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    for venue in ("Ruang Rapat Kantor BNNP Jambi", "Ruang Rapat Universitas Jambi"):
        assert f"Pointer {1 if 'BNNP' in venue else 2} ({venue})" in flat
    positions = [flat.index(p.split("\t")[1]) for p in EXPECTED_POINTS]
    assert positions == sorted(positions)
    assert "Koordinasi dengan Kesbangpol." in flat and "Belum (terlambat)" in flat
    assert "Rabu–Kamis, 21–22 Desember 2022" in flat


def test_report_downloads(cast: Cast, full: Monev, client: Client) -> None:
    client.force_login(cast.gita)
    pdf = client.get(reverse("monev_report", args=[full.visit.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="laporan-monev-15-2022-12-21.pdf"' in pdf["Content-Disposition"]
    assert client.get(reverse("monev_report", args=[full.visit.pk, "odt"])).status_code == 404
    client.force_login(cast.hadi)
    assert client.get(reverse("monev_report", args=[full.visit.pk, "pdf"])).status_code == 404


def test_report_assembly_queries_do_not_grow_with_points(
    cast: Cast, full: Monev, django_assert_max_num_queries: object
) -> None:
    for i in range(20):
        actions.add_point(
            actor=cast.ani, session=full.session, kind="kendala", text=f"K{i}", variable_code=""
        )
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        report = visit_report(full.visit)
    assert sum(len(s.points) for s in report.sessions) == 25


def test_text_with_control_characters_still_makes_a_report(cast: Cast, monev: Monev) -> None:
    """Pasted text may carry characters XML cannot hold; the report replaces them."""
    actions.add_point(
        actor=cast.ani, session=monev.session, kind="informasi", text="Baris satu\x0bbaris dua\x01"
    )
    document = Document(io.BytesIO(render_docx(visit_report(monev.visit))))
    assert any("Baris satu baris dua" in p.text for p in document.paragraphs)
    assert render_pdf(visit_report(monev.visit)).startswith(b"%PDF")
