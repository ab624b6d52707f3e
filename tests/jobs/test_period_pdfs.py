"""Every paper questionnaire of a period in the user's scope, one PDF per regency and unit in a
ZIP, made in the background with progress per file."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from unittest import mock

from django.urls import reverse

from kotan.accounts.models import User
from kotan.collection.models import Period
from kotan.instruments.models import ObservationUnit
from kotan.jobs import actions
from kotan.jobs.models import Job
from kotan.regions.models import Regency
from tests.support.cast import Cast
from tests.support.jobs import client_for, run_worker

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"  # poppler-utils


def fake_pdf(period: Period, unit: ObservationUnit, regency: Regency | None = None) -> bytes:
    return f"%PDF-fake {regency.code if regency else '-'} {unit.code}".encode()


def make_zip(user: User, period: Period) -> tuple[Job, zipfile.ZipFile]:
    client = client_for(user)
    response = client.post(reverse("paper_period_zip", args=[period.year]))
    job = Job.objects.filter(started_by=user).latest("pk")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert job.status == "selesai", job.error_detail
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == 'attachment; filename="kuesioner-2026.zip"'
    return job, zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]


def units_of(period: Period) -> list[str]:
    return list(
        ObservationUnit.objects.filter(instrument=period.instrument, items__isnull=False)
        .distinct()
        .order_by("order", "code")
        .values_list("code", flat=True)
    )


def test_real_pdfs_one_per_regency_and_unit_with_progress_per_file(
    cast: Cast, period: Period
) -> None:
    units = units_of(period)
    seen: list[tuple[int, int, str]] = []
    record = actions.record_progress

    def spy(job: Job, done: int, total: int, note: str = "") -> None:
        seen.append((done, total, note))
        record(job, done, total, note)

    with mock.patch("kotan.jobs.actions.record_progress", side_effect=spy):
        job, archive = make_zip(cast.dewi, period)  # Kesbangpol Batanghari: one regency
    names = archive.namelist()
    expected = [f"15.04 Kabupaten Batanghari/kuesioner-2026-15.04-{unit}.pdf" for unit in units]
    assert names == expected
    first = archive.read(names[0])
    assert first.startswith(b"%PDF-")
    text = subprocess.run(  # noqa: S603
        [PDFTOTEXT, "-layout", "-", "-"], input=first, capture_output=True, check=True
    ).stdout.decode()
    assert "Batanghari" in text
    total = len(expected)
    assert [s[:2] for s in seen] == [(i, total) for i in range(total + 1)]
    assert seen[0][2] == f"Kabupaten Batanghari · {period.instrument.units.get(code=units[0]).name}"
    assert (job.progress_done, job.progress_total) == (total, total)


@mock.patch("kotan.collection.channels.paper.questionnaire_pdf", side_effect=fake_pdf)
def test_the_zip_holds_only_the_users_scope(_pdf: mock.Mock, cast: Cast, period: Period) -> None:
    _job, archive = make_zip(cast.citra, period)  # BNNK Batanghari, also Muaro Jambi
    assert archive.namelist()[:2] == [
        "15.04 Kabupaten Batanghari/kuesioner-2026-15.04-gov.pdf",
        "15.04 Kabupaten Batanghari/kuesioner-2026-15.04-edu.pdf",
    ]
    assert {n.split("/")[0] for n in archive.namelist()} == {
        "15.04 Kabupaten Batanghari",
        "15.05 Kabupaten Muaro Jambi",
    }
    _job, archive = make_zip(cast.hadi, period)  # Aceh: only Aceh Utara is assigned
    assert {n.split("/")[0] for n in archive.namelist()} == {"11.08 Kabupaten Aceh Utara"}
    _job, archive = make_zip(cast.budi, period)  # Jambi: its eleven regencies
    folders = {n.split("/")[0] for n in archive.namelist()}
    assert len(folders) == 11 and all(f.startswith("15.") for f in folders)
    _job, archive = make_zip(cast.ani, period)
    assert len({n.split("/")[0] for n in archive.namelist()}) == 12


def test_the_period_page_offers_the_zip_and_the_blank_sheets(cast: Cast, period: Period) -> None:
    n_units = len(units_of(period))
    page = client_for(cast.citra).get(reverse("paper_period_page", args=[period.year]))
    body = page.content.decode()
    assert page.status_code == 200 and "Buat semua PDF (ZIP)" in body
    assert f"2 kabupaten/kota: {2 * n_units} berkas PDF" in body
    assert reverse("paper_period", args=[period.year, "gov"]) in body
    assert reverse("paper_period_zip", args=[period.year]) in body


def test_who_may_open_the_period_page_and_start_the_zip(cast: Cast, period: Period) -> None:
    page = reverse("paper_period_page", args=[period.year])
    start = reverse("paper_period_zip", args=[period.year])
    for user in (cast.ani, cast.budi, cast.citra, cast.dewi, cast.eko, cast.fajar, cast.gita):
        assert client_for(user).get(page).status_code == 200, user.username
    assert client_for(cast.citra).get(start).status_code == 405  # a GET starts nothing
    missing = reverse("paper_period_page", args=[1999])
    assert client_for(cast.citra).get(missing).status_code == 404
    assert client_for(None).get(page).status_code == 302
    assert client_for(None).post(start).status_code == 302
    assert client_for(cast.citra).post(reverse("paper_period_zip", args=[1999])).status_code == 404
    assert not Job.objects.exists()


def test_a_failed_pdf_fails_the_job_and_a_retry_makes_the_zip(cast: Cast, period: Period) -> None:
    with mock.patch(
        "kotan.collection.channels.paper.questionnaire_pdf", side_effect=OSError("Pango missing")
    ):
        client_for(cast.hadi).post(reverse("paper_period_zip", args=[period.year]))
        run_worker()
    failed = Job.objects.get()
    assert failed.status == "gagal" and "kesalahan tak terduga" in failed.error
    assert "OSError: Pango missing" in failed.error_detail
    with mock.patch("kotan.collection.channels.paper.questionnaire_pdf", side_effect=fake_pdf):
        client_for(cast.hadi).post(reverse("job_retry", args=[failed.pk]))
        run_worker()
    retry = Job.objects.get(retry_of=failed)
    assert retry.status == "selesai" and retry.result_name == "kuesioner-2026.zip"
