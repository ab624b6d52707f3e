"""The responses of a period as XLSX, made in the background, in the starter's scope."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pytest_django import DjangoDbBlocker

from kotan.accounts.actions import create_organization
from kotan.accounts.models import Role, User
from kotan.collection.exports import safe_cell
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Assignment, Period, Response
from kotan.instruments.queries import instrument_spec
from kotan.jobs.models import Job
from kotan.regions.models import Province
from tests.support.cast import Cast, make_user
from tests.support.jobs import client_for, run_worker
from tests.support.periods import GOV_ITEMS, payload

# Every test here is a database test, the pure ones too: the module's world is built by an
# autouse fixture, and pytest-django runs tests without a database after the transactional ones,
# which empty the tables (the regions too).
pytestmark = pytest.mark.django_db

# regency -> institutions answering; the names are what a hostile respondent could type.
SENDERS = {
    "15.04": ['=HYPERLINK("http://contoh.invalid","klik")', "+62 812 0000 1234"],
    "15.05": ["@SUM(A1:A9)"],
    "11.08": ["-Dinas Sosial", "\tDinas Tab", "Dinas Pendidikan"],
}


@pytest.fixture(scope="module", autouse=True)
def answered(world: object, django_db_blocker: DjangoDbBlocker) -> None:
    """The world's period answered by SENDERS (inside the module's transaction)."""
    with django_db_blocker.unblock():
        cast, period = world.cast, world.period  # type: ignore[attr-defined]
        for code, names in SENDERS.items():
            assignment = Assignment.objects.get(period=period, regency__code=code)
            for name in names:
                result = ingest_submission(
                    payload({"assignment": assignment.pk}, institution=name), user=cast.ani
                )
                assert result.status == 201, result.problems


def export(user: User, period: Period) -> tuple[Job, Worksheet, Worksheet]:
    """Start the export from its page as ``user``, run the worker, open the workbook."""
    client = client_for(user)
    response = client.post(reverse("responses_export_start", args=[period.year]))
    job = Job.objects.filter(started_by=user).latest("pk")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert job.status == "selesai", job.error_detail
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="jawaban-2026.xlsx"'
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    return job, workbook["Jawaban"], workbook["Butir"]


def test_one_row_per_response_and_a_column_per_item(cast: Cast, period: Period) -> None:
    job, sheet, items = export(cast.ani, period)
    header = [c.value for c in sheet[1]]
    codes = [i.code for i in instrument_spec(period.instrument).items]
    assert header[:5] == [
        "Nomor tanda terima",
        "Kode provinsi",
        "Provinsi",
        "Kode kabupaten/kota",
        "Kabupaten/kota",
    ]
    assert "Instansi responden" in header and header[-len(codes) :] == codes
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == Response.objects.count() == 6
    receipts = {r[0] for r in rows}
    assert receipts == set(Response.objects.values_list("receipt_number", flat=True))
    # The answers as given: payload() answers the gov items 3, 4, 2, TT, 3, 1.
    first = dict(zip(header, rows[0], strict=True))
    assert [first[c] for c in GOV_ITEMS] == ["3", "4", "2", "TT", "3", "1"]
    assert codes[-1] not in GOV_ITEMS and first[codes[-1]] in (None, "")  # not answered: empty
    assert first["Dikecualikan"] == "tidak" and first["Kanal"]
    assert [c.value for c in items[1]][:2] == ["Kode", "Variabel"] and items.max_row == len(
        codes
    ) + 1
    assert job.progress_done == job.progress_total == 12  # one step per assignment in scope


def test_text_a_spreadsheet_would_run_is_kept_as_text(cast: Cast, period: Period) -> None:
    _job, sheet, _items = export(cast.ani, period)
    header = [c.value for c in sheet[1]]
    column = header.index("Instansi responden")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    names = {c.value for c in cells}
    assert {
        '\'=HYPERLINK("http://contoh.invalid","klik")',
        "'+62 812 0000 1234",
        "'@SUM(A1:A9)",
        "'-Dinas Sosial",
        "'\tDinas Tab",
        "Dinas Pendidikan",
    } == names
    assert all(c.data_type == "s" for c in cells)  # never a formula


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Dinas = Kantor", "Dinas = Kantor"),
        (-1, -1),
        (None, None),
    ],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_the_export_holds_only_the_starters_scope(cast: Cast, period: Period) -> None:
    _job, sheet, _items = export(cast.citra, period)  # BNNK Batanghari, also Muaro Jambi
    regencies = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert regencies == {"15.04", "15.05"}
    _job, sheet, _items = export(cast.hadi, period)  # Aceh
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[3] for row in rows} == {"11.08"} and len(rows) == 3
    assert not any("Jambi" in str(v) or "Batanghari" in str(v) for row in rows for v in row)


def test_the_export_page_counts_the_scope_and_needs_one_assignment(
    cast: Cast, period: Period
) -> None:
    page = client_for(cast.citra).get(reverse("responses_export", args=[period.year]))
    assert page.status_code == 200 and "3 respons di wilayah Anda" in page.content.decode()
    assert client_for(cast.citra).get(reverse("responses_export", args=[1999])).status_code == 404
    assert client_for(None).get(reverse("responses_export", args=[period.year])).status_code == 302
    response = client_for(None).post(reverse("responses_export_start", args=[period.year]))
    assert response.status_code == 302 and not Job.objects.exists()
    assert (
        client_for(cast.citra)
        .get(reverse("responses_export_start", args=[period.year]))
        .status_code
        == 405
    )


def test_a_user_without_an_assignment_of_the_period_gets_404(cast: Cast, period: Period) -> None:
    bali = Province.objects.get(code="51")
    office = create_organization(actor=None, name="BNNP Bali", kind="bnnp", province=bali)
    wayan = make_user("wayan", Role.PROVINCE_OPERATOR, organization=office, province=bali)
    client = client_for(wayan)
    assert client.get(reverse("responses_export", args=[period.year])).status_code == 404
    assert client.post(reverse("responses_export_start", args=[period.year])).status_code == 404
    assert not Job.objects.exists()


def test_every_role_with_an_assignment_in_scope_may_export(cast: Cast, period: Period) -> None:
    url = reverse("responses_export", args=[period.year])
    for user in (cast.ani, cast.budi, cast.citra, cast.dewi, cast.eko, cast.fajar, cast.gita):
        assert client_for(user).get(url).status_code == 200, user.username
    body = client_for(cast.hadi).get(url).content.decode()
    assert "3 respons di wilayah Anda" in body and "Jambi" not in body.split("<main")[1]
