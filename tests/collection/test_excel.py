"""The Excel channel: the template, the whole-file check, the import, and who may use it."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import Client as CsrfClient
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from kotan.accounts.models import User
from kotan.collection import actions, ingest
from kotan.collection.channels import excel
from kotan.collection.models import Answer, Assignment, Period, RawSubmission, Response
from kotan.instruments.queries import instrument_spec
from kotan.method.synthetic import SyntheticSettings, generate_rows, header
from tests.support.cast import Cast

GOV = ["MAS1_01", "MAS1_02", "MAS1_03"]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def download(client: Client, assignment: Assignment) -> Workbook:
    response = client.get(reverse("excel_template", args=[assignment.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def columns(ws: Any) -> dict[str, int]:
    return {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value}


def fill(ws: Any, row: int, institution: str | None, answers: dict[str, Any], **cells: Any) -> None:
    at = columns(ws)
    if institution is not None:
        ws.cell(row, at["instansi"], institution)
    for name, value in {**answers, **cells}.items():
        ws.cell(row, at[name], value)


def xlsx(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client: Client, assignment: Assignment, data: bytes, name: str = "isian.xlsx") -> Any:
    url = reverse("excel_page", args=[assignment.pk])
    return client.post(url, {"berkas": SimpleUploadedFile(name, data)})


def places(response: Any) -> set[tuple[str, int | None, str]]:
    return {(p.sheet, p.row, p.column) for p in response.context["problems"]}


def codes(response: Any) -> list[str]:
    return [p.problem.code for p in response.context["problems"]]


def nothing_stored() -> bool:
    return not RawSubmission.objects.exists() and not Response.objects.exists()


@pytest.fixture
def citra(client: Client, cast: Cast) -> Client:
    return signed_in(client, cast.citra)


@pytest.fixture
def filled(citra: Client, batanghari: Assignment) -> Workbook:
    """Four respondents: two of gov, one of com, and one gov row the operator added."""
    wb = download(citra, batanghari)
    gov, com = wb["gov"], wb["com"]
    fill(
        gov,
        4,
        "Dinas Pendidikan",
        {"MAS1_01": "3", "MAS1_02": "tt", "MAS1_03": 4},
        mulai="2026-03-15 09:00",
        selesai=datetime(2026, 3, 15, 9, 40),  # noqa: DTZ001 (a cell has no zone: Jakarta time)
    )
    fill(gov, 5, "Dinas Kesehatan", {"MAS1_01": "1", "MAS1_02": "2"})
    fill(com, 4, None, {"MAS1_01": "Setuju / sering"})  # a label is accepted too
    added = gov.max_row + 1  # below the prefilled rows, without a row id
    fill(gov, added, "Satpol PP", {"MAS1_03": "TT"})
    return wb


# --- the template ---------------------------------------------------------------------------


def test_template_has_instructions_a_sheet_per_unit_and_a_hidden_meta_sheet(
    citra: Client, batanghari: Assignment
) -> None:
    response = citra.get(reverse("excel_template", args=[batanghari.pk]))
    assert response["Content-Type"] == excel.XLSX_TYPE
    assert 'filename="templat-ikotan-2026-15.04.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Petunjuk", "gov", "edu", "biz", "com", "fam", "meta"]
    guide = [str(c.value) for row in wb["Petunjuk"].iter_rows() for c in row if c.value]
    assert "Kabupaten/kota: Kabupaten Batanghari (15.04)" in guide
    assert "Tidak tahu" in guide and any("TT = tidak tahu" in line for line in guide)
    meta = wb["meta"]
    assert meta.sheet_state == "hidden" and meta.protection.sheet
    values = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 8)}
    assert (values["penugasan"], values["tahun"], values["wilayah"]) == (
        batanghari.pk,
        2026,
        "15.04",
    )


def test_unit_sheets_have_item_columns_row_ids_and_drop_downs(
    citra: Client, batanghari: Assignment
) -> None:
    wb = download(citra, batanghari)
    spec = instrument_spec(batanghari.period.instrument)
    gov_items = [
        i for v in spec.variables for d in v.indicators for i in d.items if "gov" in i.units
    ]
    gov = wb["gov"]
    assert "Instansi pemerintah" in gov["A1"].value
    headers = [gov.cell(2, c).value for c in range(1, gov.max_column + 1)]
    assert headers == ["id_baris", "instansi", "mulai", "selesai", *(i.code for i in gov_items)]
    assert gov.cell(3, 5).value == gov_items[0].text  # the question under its code
    ids = [gov.cell(r, 1).value for r in range(4, gov.max_row + 1)]
    assert len(ids) == 40 + excel.SPARE_ROWS  # the quota of gov, plus spare rows
    assert all(uuid.UUID(i) for i in ids)
    fam_ids = [wb["fam"].cell(r, 1).value for r in range(4, wb["fam"].max_row + 1)]
    assert len(set(ids) | set(fam_ids)) == len(ids) + len(fam_ids) == 110
    (validation,) = gov.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == "meta!$D$2:$D$6"
    last = get_column_letter(len(headers))
    assert "E4" in validation.sqref and f"{last}4" in validation.sqref
    assert f"E{excel.MAX_ROWS + 3}" in validation.sqref  # rows added later have it too
    codes = [wb["meta"].cell(r, 4).value for r in range(2, 7)]
    assert codes == ["1", "2", "3", "4", "TT"]
    fam = [wb["fam"].cell(2, c).value for c in range(5, wb["fam"].max_column + 1)]
    assert fam and all(code.startswith("KEL") for code in fam)  # only the items fam answers


# --- importing ------------------------------------------------------------------------------


def test_a_filled_template_becomes_excel_responses_with_their_answers(
    citra: Client, batanghari: Assignment, filled: Workbook
) -> None:
    response = upload(citra, batanghari, xlsx(filled))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.new, summary.existing, len(summary.conflicts)) == (4, 0, 0)
    assert Response.objects.filter(assignment=batanghari, channel="excel").count() == 4
    first_id = filled["gov"].cell(4, 1).value
    first = Response.objects.get(raw__client_uuid=first_id)
    answers = dict(Answer.objects.filter(response=first).values_list("item__code", "value"))
    assert answers == {"MAS1_01": "3", "MAS1_02": "TT", "MAS1_03": "4"}
    assert first.institution_name == "Dinas Pendidikan"
    assert first.started_at == datetime(2026, 3, 15, 2, 0, tzinfo=UTC)  # 09:00 WIB
    assert first.submitted_at == datetime(2026, 3, 15, 2, 40, tzinfo=UTC)
    com = Response.objects.get(unit__code="com")
    assert list(com.answers.values_list("value", flat=True)) == ["3"]
    assert Response.objects.filter(institution_name="Satpol PP").exists()
    assert "baris baru disimpan" in response.content.decode()


def test_uploading_the_same_file_twice_creates_nothing_new(
    citra: Client, batanghari: Assignment, filled: Workbook
) -> None:
    data = xlsx(filled)
    upload(citra, batanghari, data)
    again = upload(citra, batanghari, data)
    summary = again.context["summary"]
    assert (summary.new, summary.existing, len(summary.conflicts)) == (0, 4, 0)
    assert Response.objects.count() == 4 and RawSubmission.objects.count() == 4


def test_a_changed_row_uploaded_again_is_a_conflict_kept_for_review(
    citra: Client, batanghari: Assignment, filled: Workbook
) -> None:
    upload(citra, batanghari, xlsx(filled))
    fill(filled["gov"], 4, None, {"MAS1_01": "1"})
    summary = upload(citra, batanghari, xlsx(filled)).context["summary"]
    assert (summary.new, summary.existing, len(summary.conflicts)) == (0, 3, 1)
    assert (summary.conflicts[0].row.sheet, summary.conflicts[0].row.row) == ("gov", 4)
    kept = RawSubmission.objects.get(status="conflict")
    assert kept.payload["answers"]["MAS1_01"] == "1"
    first = Response.objects.get(raw__client_uuid=filled["gov"].cell(4, 1).value)
    assert first.answers.get(item__code="MAS1_01").value == "3"  # the first one stands


def test_a_file_with_several_errors_lists_every_one_and_imports_nothing(
    citra: Client, batanghari: Assignment
) -> None:
    wb = download(citra, batanghari)
    gov, com, edu = wb["gov"], wb["com"], wb["edu"]
    last = gov.max_column
    gov.cell(2, last + 1, "XYZ_99")  # not an item of the instrument
    gov.cell(2, last + 2, "KEL1_01")  # an item gov is not asked
    fill(gov, 4, "Dinas Pendidikan", {"MAS1_01": "5", "MAS1_02": "3"})  # 5 is no option
    fill(gov, 5, None, {"MAS1_01": "3"})  # gov needs the institution
    fill(gov, 6, "Bappeda", {"MAS1_01": "2"}, id_baris=gov.cell(4, 1).value)  # id twice
    fill(com, 4, None, {"MAS1_01": "2"}, mulai="kemarin")
    fill(com, 5, None, {"MAS1_01": "2"}, mulai="2026-03-15 10:00", selesai="2026-03-15 09:00")
    fill(edu, 4, "SMA Negeri 1", {})  # a row without any answer
    fill(wb["biz"], 4, "PT Sawit Jaya", {"MAS1_01": "4"})  # a good row: kept out too
    wb.create_sheet("catatan")
    response = upload(citra, batanghari, xlsx(wb))
    assert response.status_code == 400
    assert places(response) == {
        ("gov", 2, "XYZ_99"),
        ("gov", 2, "KEL1_01"),
        ("gov", 4, "MAS1_01"),
        ("gov", 5, "instansi"),
        ("gov", 6, "id_baris"),
        ("com", 4, "mulai"),
        ("com", 5, "selesai"),
        ("edu", 4, ""),
        ("catatan", None, ""),
    }
    page = response.content.decode()
    assert "Berkas ditolak karena 9 masalah" in page
    assert "Jawaban &#x27;5&#x27; untuk butir &#x27;MAS1_01&#x27; tidak dikenal" in page
    assert "Nama instansi wajib diisi untuk unit &#x27;gov&#x27;" in page
    assert nothing_stored()


def test_a_template_without_answers_is_refused(citra: Client, batanghari: Assignment) -> None:
    response = upload(citra, batanghari, xlsx(download(citra, batanghari)))
    assert response.status_code == 400
    assert codes(response) == ["responses.empty"]  # prefilled row ids alone are no answers
    assert places(response) == {("", None, "")}


def test_the_template_of_another_assignment_is_refused(
    citra: Client, cast: Cast, period: Period, batanghari: Assignment
) -> None:
    muaro_jambi = Assignment.objects.get(period=period, regency__code="15.05")
    wb = download(citra, muaro_jambi)
    fill(wb["gov"], 4, "Dinas Pendidikan", {"MAS1_01": "3"})
    response = upload(citra, batanghari, xlsx(wb))
    assert response.status_code == 400
    assert codes(response) == ["excel.wrong_assignment"]
    assert "Kabupaten Muaro Jambi" in response.context["problems"][0].message()
    assert nothing_stored()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01\x02 stream", "excel.not_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "excel.not_spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "excel.old_excel"),
        (_zip({"word/document.xml": b"<w/>"}), "excel.not_spreadsheet"),
        (_zip({"xl/workbook.xml": b"<x/>", "xl/vbaProject.bin": b"\x00"}), "excel.macro"),
        (b"PK\x03\x04 this is no archive at all", "excel.broken"),
        (
            "response_id;regency_code;unit_code\nR1;15.04;Jalan Ã".encode("latin-1"),
            "excel.encoding",
        ),
        (b"nama,alamat\nAni,Jambi\n", "excel.layout"),
    ],
    ids=["pdf", "png", "xls", "docx", "xlsm", "broken-zip", "latin-1-csv", "other-table"],
)
def test_files_that_are_not_a_template_or_a_response_table_are_refused(
    citra: Client, batanghari: Assignment, data: bytes, code: str
) -> None:
    response = upload(citra, batanghari, data, name="isian.xlsx")
    assert response.status_code == 400
    assert codes(response) == [code]
    assert nothing_stored()


def test_a_macro_enabled_workbook_is_refused_whatever_its_name(
    citra: Client, batanghari: Assignment, filled: Workbook
) -> None:
    data = xlsx(filled)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"sheet.main+xml", b"sheet.macroEnabled.main+xml"
    )
    response = upload(citra, batanghari, _zip(parts), name="isian.xlsx")
    assert codes(response) == ["excel.macro"]
    assert nothing_stored()


def test_a_file_over_the_size_limit_is_refused(citra: Client, batanghari: Assignment) -> None:
    data = b"response_id,regency_code,unit_code\n" + b"x" * excel.MAX_UPLOAD_BYTES
    response = upload(citra, batanghari, data, name="besar.csv")
    assert response.status_code == 400
    assert codes(response) == ["excel.too_big"]
    assert "paling besar 5 MB" in response.context["problems"][0].message()
    assert nothing_stored()


def test_a_post_without_a_file_shows_the_form_again(citra: Client, batanghari: Assignment) -> None:
    response = citra.post(reverse("excel_page", args=[batanghari.pk]), {})
    assert response.status_code == 400
    assert response.context["form"].errors["berkas"]
    assert nothing_stored()


def test_the_whole_file_is_one_transaction(
    cast: Cast, citra: Client, batanghari: Assignment, filled: Workbook
) -> None:
    spec = instrument_spec(batanghari.period.instrument)
    rules = ingest.period_rules(batanghari.period)
    rows = excel.read_upload(xlsx(filled), "isian.xlsx", excel.Target.of(batanghari), spec, rules)
    real = ingest.ingest_submission
    calls = iter(range(10))

    def failing(*args: Any, **kwargs: Any) -> Any:
        if next(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    with mock.patch.object(excel, "ingest_submission", failing), pytest.raises(RuntimeError):
        excel.import_rows(rows, user=cast.citra)
    assert nothing_stored()
    # The assignment closes between the check and the import: every row is refused.
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    with pytest.raises(excel.UploadRejected) as refused:
        excel.import_rows(rows, user=cast.citra)
    assert {f.problem.code for f in refused.value.found} == {"submission.closed"}
    assert len(refused.value.found) == 4
    assert nothing_stored()


# --- the wide response table ------------------------------------------------------------------


def wide_rows(batanghari: Assignment, regencies: list[str], n: int = 12) -> list[list[str]]:
    spec = instrument_spec(batanghari.period.instrument)
    settings = SyntheticSettings(regencies, respondents=n, seed=3)
    return [header(spec), *generate_rows(spec, settings)]


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_the_wide_csv_of_kotan_score_imports_and_again_creates_nothing(
    citra: Client, batanghari: Assignment
) -> None:
    rows = wide_rows(batanghari, ["15.04"])
    response = upload(citra, batanghari, as_csv(rows), name="jawaban.csv")
    assert response.status_code == 200
    assert response.context["summary"].new == 12
    assert Response.objects.filter(assignment=batanghari, channel="excel").count() == 12
    first = rows[1]
    given = {code: value for code, value in zip(rows[0][3:], first[3:], strict=True) if value}
    stored = Response.objects.get(raw__payload__answers=given)
    assert stored.unit.code == first[2]
    again = upload(citra, batanghari, as_csv(rows), name="salinan.csv")
    assert (again.context["summary"].new, again.context["summary"].existing) == (0, 12)
    assert Response.objects.count() == 12


def test_the_wide_xlsx_imports(citra: Client, batanghari: Assignment) -> None:
    wb = Workbook()
    for row in wide_rows(batanghari, ["15.04"], n=6):
        wb.active.append(row)
    response = upload(citra, batanghari, xlsx(wb), name="jawaban.xlsx")
    assert response.status_code == 200
    assert response.context["summary"].new == 6


def test_wide_rows_of_another_regency_are_problems_and_nothing_is_imported(
    citra: Client, batanghari: Assignment
) -> None:
    rows = wide_rows(batanghari, ["15.04", "15.05"], n=5)
    rows.append(["X1", "15.04", "gov", "9"])  # an answer that is no option
    response = upload(citra, batanghari, as_csv(rows), name="jawaban.csv")
    assert response.status_code == 400
    other = {n for n, row in enumerate(rows, start=1) if row[1] == "15.05"}
    assert len(other) == 5
    assert places(response) == {
        *(("jawaban.csv", n, "regency_code") for n in other),
        ("jawaban.csv", len(rows), rows[0][3]),
    }
    assert nothing_stored()


# --- who may, and when ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: Client, batanghari: Assignment
) -> None:
    for url in (
        reverse("excel_page", args=[batanghari.pk]),
        reverse("excel_template", args=[batanghari.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_operator_of_another_province_gets_404(
    client: Client, cast: Cast, batanghari: Assignment, filled: Workbook
) -> None:
    signed_in(client, cast.hadi)
    assert client.get(reverse("excel_page", args=[batanghari.pk])).status_code == 404
    assert client.get(reverse("excel_template", args=[batanghari.pk])).status_code == 404
    assert upload(client, batanghari, xlsx(filled)).status_code == 404
    assert nothing_stored()


@pytest.mark.parametrize("who", ["gita", "fajar", "dewi", "eko"])
def test_roles_without_manage_collection_get_403(
    client: Client, cast: Cast, batanghari: Assignment, filled: Workbook, who: str
) -> None:
    signed_in(client, getattr(cast, who))
    assert client.get(reverse("excel_page", args=[batanghari.pk])).status_code == 403
    assert client.get(reverse("excel_template", args=[batanghari.pk])).status_code == 403
    assert upload(client, batanghari, xlsx(filled)).status_code == 403
    assert nothing_stored()


def test_operators_of_the_region_may_use_it(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    for user in (cast.ani, cast.budi, cast.citra):
        signed_in(client, user)
        page = client.get(reverse("excel_page", args=[batanghari.pk]))
        assert page.status_code == 200
        assert reverse("excel_template", args=[batanghari.pk]) in page.content.decode()


def test_an_assignment_that_no_longer_takes_responses_says_so(
    citra: Client, cast: Cast, batanghari: Assignment, filled: Workbook
) -> None:
    data = xlsx(filled)
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    page = citra.get(reverse("excel_page", args=[batanghari.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "tidak lagi menerima jawaban" in text and 'type="file"' not in text
    assert citra.get(reverse("excel_template", args=[batanghari.pk])).status_code == 409
    assert upload(citra, batanghari, data).status_code == 409
    assert nothing_stored()


def test_the_upload_needs_the_csrf_token(cast: Cast, batanghari: Assignment) -> None:
    client = CsrfClient(enforce_csrf_checks=True)
    client.force_login(cast.citra)
    response = upload(client, batanghari, b"response_id,regency_code,unit_code\n", "a.csv")
    assert response.status_code == 403


def test_the_page_reads_a_few_queries(
    citra: Client, batanghari: Assignment, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        assert citra.get(reverse("excel_page", args=[batanghari.pk])).status_code == 200


def test_a_table_over_the_row_limit_is_refused(
    citra: Client, batanghari: Assignment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "MAX_ROWS", 4)
    rows = wide_rows(batanghari, ["15.04"], n=6)
    response = upload(citra, batanghari, as_csv(rows), name="jawaban.csv")
    assert codes(response) == ["responses.too_many_rows"]
    assert nothing_stored()


def test_the_assignment_page_links_to_the_excel_page_for_operators(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    url = reverse("excel_page", args=[batanghari.pk])
    client.force_login(cast.citra)
    assert url in client.get(reverse("assignment_detail", args=[batanghari.pk])).content.decode()
    client.force_login(cast.gita)  # a viewer cannot upload
    assert (
        url not in client.get(reverse("assignment_detail", args=[batanghari.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (",".join(["response_id", "regency_code", "unit_code", *["x"] * 20_000]).encode(), None),
        (b"response_id,regency_code,unit_code\n1,15.04," + b"x" * 200_000 + b"\n", "excel.broken"),
    ],
    ids=["20000-columns", "huge-field"],
)
def test_absurd_csv_files_get_a_problem_not_an_error(
    citra: Client, batanghari: Assignment, data: bytes, code: str | None
) -> None:
    response = upload(citra, batanghari, data, name="aneh.csv")
    assert response.status_code == 400
    if code is not None:
        assert codes(response) == [code]
    assert nothing_stored()
