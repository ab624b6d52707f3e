"""ODK Collect / KoboCollect: the XLSForm/XForm (checked by ODK Validate), the OpenRosa form list,
form download and submission endpoints with HTTP Basic, safe XML parsing, and the help page.

Submissions are built the way Collect builds them: the primary instance of the downloaded XForm,
filled in, posted as the ``xml_submission_file`` part (text/xml) of a multipart body.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import uuid
import zlib
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from pyxform.validators.odk_validate import ODKValidateError, check_xform
from pyxform.xls2xform import convert

from kotan.accounts import actions as account_actions
from kotan.accounts.models import Role, User
from kotan.collection import actions
from kotan.collection.channels import odk
from kotan.collection.models import Assignment, Period, RawSubmission, Response
from kotan.regions.models import Province, Regency
from tests.support.cast import PASSWORD, Cast
from tests.support.odk import basic, collect_instance, gov_values

XF = "{http://www.w3.org/2002/xforms}"
LIST = "{http://openrosa.org/xforms/xformsList}"
ORX = "{http://openrosa.org/http/response}"
SUBMISSION = "/odk/submission"
FORM_LIST = "/odk/formList"


def forms_of(period: Period, user: User | None = None) -> dict[str, odk.OdkForm]:
    """The forms as a national admin (every regency of the period) unless a user is given."""
    viewer = user or User.objects.get(username="ani")
    return {f.unit_code: f for f in odk.period_forms(period, viewer)}


def post_instance(client: Client, body: bytes, username: str = "eko", **extra: Any) -> Any:
    upload = SimpleUploadedFile("2026-03-02_09-25-30.xml", body, content_type="text/xml")
    return client.post(SUBMISSION, {"xml_submission_file": upload}, **basic(username), **extra)


def message(response: Any) -> tuple[str, str]:
    """(nature, text) of an OpenRosa response document."""
    root = SafeET.fromstring(response.content)
    assert root.tag == f"{ORX}OpenRosaResponse"
    node = root.find(f"{ORX}message")
    assert node is not None
    return node.get("nature", ""), node.text or ""


@pytest.fixture
def gov(period: Period) -> odk.OdkForm:
    return forms_of(period)["gov"]


# --- the forms ------------------------------------------------------------------------------


def test_xform_passes_odk_validate(gov: odk.OdkForm, tmp_path: Path) -> None:
    path = tmp_path / "kotan-2026-gov.xml"
    path.write_text(odk.xform_text(gov), encoding="utf-8")
    warnings = check_xform(str(path))
    assert not [w for w in warnings if "error" in w.lower()], warnings
    broken = tmp_path / "broken.xml"
    broken.write_text(odk.xform_text(gov).replace("</h:body>", ""), encoding="utf-8")
    with pytest.raises(ODKValidateError):  # the validator really runs
        check_xform(str(broken))


def test_xform_fields_groups_choices_and_meta(gov: odk.OdkForm) -> None:
    root = SafeET.fromstring(odk.xform_text(gov).encode())
    data = root.find(f".//{XF}instance/{XF}data")
    assert data is not None
    assert data.get("id") == "kotan-2026-gov" and data.get("version") == gov.version
    top = [child.tag.removeprefix(XF) for child in data]
    assert top[:4] == ["start", "end", "regency", "institution"] and top[-1] == "meta"
    assert top[4:-1] == ["MAS", "WIL", "LEM", "HUK"]  # variables that ask gov something
    assert data.find(f"{XF}MAS/{XF}MAS1/{XF}MAS1_01") is not None
    assert data.find(f"{XF}meta/{XF}instanceID") is not None
    binds = {b.get("nodeset"): b for b in root.iter(f"{XF}bind")}
    assert binds["/data/start"].get("{http://openrosa.org/javarosa}preload") == "timestamp"
    assert binds["/data/meta/instanceID"].get("{http://openrosa.org/javarosa}preload") == "uid"
    regencies = {
        i.findtext(f"{XF}name"): i.findtext(f"{XF}label")
        for i in root.iterfind(f".//{XF}instance[@id='kabupaten_kota']/{XF}root/{XF}item")
    }
    assert regencies["15.04"] == "Kabupaten Batanghari (Jambi)"
    assert set(regencies) == set(
        Assignment.objects.filter(period__year=2026).values_list("regency__code", flat=True)
    )
    options = [
        i.findtext(f"{XF}label")
        for i in root.iterfind(f".//{XF}instance[@id='jawaban']/{XF}root/{XF}item")
    ]
    assert options[-1] == "Tidak tahu" and len(options) == 5
    labels = [e.text for e in root.iter(f"{XF}label")]
    assert "Kabupaten/Kota" in labels and "Ketahanan masyarakat" in labels


def test_each_unit_asks_only_its_items(period: Period) -> None:
    forms = forms_of(period)
    assert set(forms) == {"gov", "edu", "biz", "com", "fam"}
    fam_items = {row[1] for row in forms["fam"].survey if row[0] == "select_one jawaban"}
    assert "KEL1_01" in fam_items and "MAS2_01" not in fam_items  # MAS2_01 is gov/com only
    assert forms["fam"].item_count == len(fam_items) == 15
    assert forms["gov"].item_count == 45


def test_xlsform_sheets_convert_to_the_served_xform(gov: odk.OdkForm) -> None:
    workbook = load_workbook(BytesIO(gov.xlsform_bytes()))
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    settings_rows = list(workbook["settings"].values)
    assert settings_rows[0][:3] == ("form_title", "form_id", "version")
    assert settings_rows[1][1:3] == ("kotan-2026-gov", gov.version)
    survey = list(workbook["survey"].values)
    assert survey[6][:3] == ("begin_group", "MAS1", "Partisipasi masyarakat")
    assert survey[6][6] == "field-list"
    converted = convert(gov.xlsform_bytes(), file_type=".xlsx").xform
    assert converted == odk.xform_text(gov)


def test_text_that_looks_like_a_formula_stays_text(gov: odk.OdkForm) -> None:
    survey = list(gov.survey)
    row = list(survey[8])
    row[2] = '=HYPERLINK("http://127.0.0.1/x","klik")'
    survey[8] = tuple(row)
    title = (gov.settings[0], ("=1+1 IKOTAN", *gov.settings[1][1:]))
    form = dataclasses.replace(gov, survey=tuple(survey), settings=title)
    workbook = load_workbook(BytesIO(form.xlsform_bytes()))
    label = workbook["survey"].cell(row=9, column=3)
    assert (label.data_type, label.value) == ("s", row[2])
    assert workbook["settings"]["A2"].data_type == "s"


def test_version_changes_only_with_the_content(period: Period, cast: Cast) -> None:
    before = forms_of(period)["gov"].version
    assert forms_of(period)["gov"].version == before  # stable: derived, not a timestamp
    assert before.startswith("2026.1-")
    actions.assign_regencies(
        actor=cast.ani,
        period=period,
        regencies=[Regency.objects.get(code="11.01")],
        deadline=date(2026, 12, 15),
    )
    assert forms_of(period)["gov"].version != before  # a new regency to choose


def test_a_form_lists_only_the_regencies_in_the_users_scope(period: Period, cast: Cast) -> None:
    actions.assign_regencies(
        actor=cast.ani,
        period=period,
        regencies=[Regency.objects.get(code="11.08")],
        deadline=date(2026, 12, 15),
    )

    def regencies(user: User) -> set[str]:
        gov = forms_of(period, user)["gov"]
        return {row[1] for row in gov.choices if row[0] == odk.REGENCY_LIST}

    assert {"15.04", "11.08"} <= regencies(cast.ani)
    assert regencies(cast.eko) == {"15.04", "15.05"}  # the regencies his BNNK covers
    assert "15.04" not in regencies(cast.hadi) and "11.08" in regencies(cast.hadi)
    assert forms_of(period, cast.eko)["gov"].version != forms_of(period, cast.ani)["gov"].version


def test_collect_settings_code_carries_server_and_username_only() -> None:
    code = odk.collect_settings_code("https://sikotan.bnn.go.id/odk", "eko")
    settings_json = json.loads(zlib.decompress(base64.b64decode(code)))
    assert settings_json["general"] == {
        "server_url": "https://sikotan.bnn.go.id/odk",
        "username": "eko",
    }
    assert "password" not in json.dumps(settings_json)


def test_parse_form_id() -> None:
    assert odk.parse_form_id("kotan-2026-gov") == (2026, "gov")
    assert odk.parse_form_id("build_Household_1") is None
    assert odk.parse_form_id("kotan-26-gov") is None


# --- form list and download -----------------------------------------------------------------


def test_form_list_without_credentials_asks_for_basic(period: Period) -> None:
    response = Client().get(FORM_LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="SI-KOTAN"')
    assert response["X-OpenRosa-Version"] == "1.0"
    assert message(response)[1]


def test_form_list_and_download_for_an_enumerator(
    period: Period, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    with django_assert_max_num_queries(15):  # incl. clearing earlier failed logins
        response = client.get(FORM_LIST, **basic("eko"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response["X-OpenRosa-Version"] == "1.0"
    root = SafeET.fromstring(response.content)
    assert root.tag == f"{LIST}xforms"
    entries = {x.findtext(f"{LIST}formID"): x for x in root.iter(f"{LIST}xform")}
    assert set(entries) == {f"kotan-2026-{u}" for u in ("gov", "edu", "biz", "com", "fam")}
    gov = entries["kotan-2026-gov"]
    assert gov.findtext(f"{LIST}name") == "IKOTAN 2026 · Instansi pemerintah"
    url = gov.findtext(f"{LIST}downloadUrl") or ""
    assert url == "http://testserver/odk/forms/2026/gov.xml"
    download = client.get(url, **basic("eko"))
    assert download.status_code == 200 and download["X-OpenRosa-Version"] == "1.0"
    digest = hashlib.md5(download.content, usedforsecurity=False).hexdigest()
    assert gov.findtext(f"{LIST}hash") == f"md5:{digest}"
    assert f'version="{gov.findtext(f"{LIST}version")}"'.encode() in download.content
    assert client.get(url).status_code == 401


def test_form_list_filters_by_form_id(period: Period) -> None:
    response = Client().get(FORM_LIST, {"formID": "kotan-2026-fam"}, **basic("citra"))
    ids = [x.text for x in SafeET.fromstring(response.content).iter(f"{LIST}formID")]
    assert ids == ["kotan-2026-fam"]


def test_form_list_is_empty_once_filling_is_closed(period: Period, cast: Cast) -> None:
    actions.set_period_status(actor=cast.ani, period=period, action="close")
    response = Client().get(FORM_LIST, **basic("eko"))
    assert response.status_code == 200
    assert list(SafeET.fromstring(response.content).iter(f"{LIST}xform")) == []


def test_viewers_cannot_use_collect(period: Period) -> None:
    assert Client().get(FORM_LIST, **basic("fajar")).status_code == 403
    assert Client().head(SUBMISSION, **basic("gita")).status_code == 403


def test_wrong_password_is_401(period: Period) -> None:
    response = Client().get(FORM_LIST, **basic("eko", "salah-sekali"))
    assert response.status_code == 401
    garbage = Client().get(FORM_LIST, HTTP_AUTHORIZATION="Basic !!!")
    assert garbage.status_code == 401


def test_repeated_wrong_passwords_lock_the_account(period: Period) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.get(FORM_LIST, **basic("eko", "salah-sekali")).status_code == 401
    assert client.get(FORM_LIST, **basic("eko", "salah-sekali")).status_code == 429
    locked = client.get(FORM_LIST, **basic("eko"))  # even the right password, for now
    assert locked.status_code == 429 and b"<xforms" not in locked.content
    assert Client().get(FORM_LIST, **basic("citra")).status_code == 200  # only eko


@pytest.fixture
def intan(cast: Cast) -> User:
    """A BNNP North Sumatra operator: no regency of the period is hers."""
    return account_actions.create_user(
        actor=None,
        username="intan",
        password=PASSWORD,
        role=Role.PROVINCE_OPERATOR,
        full_name="Intan",
        province=Province.objects.get(code="12"),
    )


def test_download_of_a_period_outside_scope_is_404(period: Period, intan: User) -> None:
    assert Client().get("/odk/forms/2026/gov.xml", **basic("intan")).status_code == 404
    listing = Client().get(FORM_LIST, **basic("intan"))
    assert list(SafeET.fromstring(listing.content).iter(f"{LIST}xform")) == []


# --- submission -----------------------------------------------------------------------------


def test_head_negotiates_auth_then_204(period: Period) -> None:
    assert Client().head(SUBMISSION).status_code == 401
    response = Client().head(SUBMISSION, **basic("eko"))
    assert response.status_code == 204
    assert response["X-OpenRosa-Version"] == "1.0"
    assert int(response["X-OpenRosa-Accept-Content-Length"]) > 0


def test_collect_submission_becomes_one_response(
    gov: odk.OdkForm, batanghari: Assignment, cast: Cast
) -> None:
    values = gov_values(gov)
    body = collect_instance(odk.xform_text(gov), values, id=gov.form_id, version=gov.version)
    response = post_instance(Client(), body)
    assert response.status_code == 201, response.content
    nature, text = message(response)
    stored = Response.objects.get()
    assert nature == "submit_success" and stored.receipt_number in text
    assert stored.channel == "odk" and stored.assignment == batanghari
    assert stored.enumerator == cast.eko and stored.unit.code == "gov"
    assert stored.institution_name == "Dinas Kesehatan Kabupaten"
    assert stored.duration_seconds == 25 * 60 + 30
    assert stored.answers.count() == 45
    assert dict(stored.answers.values_list("item__code", "value"))["MAS1_01"] == "1"
    raw = stored.raw
    assert raw.payload["form_version"] == gov.version and raw.submitted_by == cast.eko


def test_resend_is_not_duplicated_and_changed_content_conflicts(gov: odk.OdkForm) -> None:
    instance_id = str(uuid.uuid4())
    body = collect_instance(odk.xform_text(gov), gov_values(gov), instance_id)
    client = Client()
    first = post_instance(client, body)
    again = post_instance(client, body)
    assert first.status_code == again.status_code == 201  # OpenRosa: only 201/202 are received
    receipt = Response.objects.get().receipt_number
    assert receipt in message(again)[1] and "sebelumnya" in message(again)[1]
    changed = collect_instance(
        odk.xform_text(gov), gov_values(gov, institution="Lain"), instance_id
    )
    conflict = post_instance(client, changed)
    assert conflict.status_code == 409 and message(conflict)[0] == "error"
    assert Response.objects.count() == 1
    assert RawSubmission.objects.filter(status="conflict").count() == 1


def test_regency_outside_the_senders_scope_is_refused(gov: odk.OdkForm) -> None:
    body = collect_instance(odk.xform_text(gov), gov_values(gov, regency="11.08"))
    response = post_instance(Client(), body)  # eko works in Batanghari, not Aceh Utara
    assert response.status_code == 422
    assert "di luar wilayah Anda" in message(response)[1]
    assert not Response.objects.exists()
    assert RawSubmission.objects.get().errors[0]["code"] == "submission.assignment"
    again = collect_instance(odk.xform_text(gov), gov_values(gov, regency="11.08"))
    hadi = post_instance(Client(), again, username="hadi")  # the Aceh operator may send it
    assert hadi.status_code == 201


def test_invalid_answer_is_kept_with_its_problem(gov: odk.OdkForm) -> None:
    body = collect_instance(odk.xform_text(gov), gov_values(gov, MAS1_01="9"))
    response = post_instance(Client(), body)
    assert response.status_code == 422
    assert "MAS1_01" in message(response)[1] and "'9'" in message(response)[1]
    assert not Response.objects.exists()
    assert RawSubmission.objects.get().status == "invalid"


def refused(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.content
    assert not RawSubmission.objects.exists() and not Response.objects.exists()
    nature, text = message(response)
    assert nature == "error"
    return text


def test_malformed_xml_is_400_and_stores_nothing(gov: odk.OdkForm) -> None:
    body = collect_instance(odk.xform_text(gov), gov_values(gov))[:-20]
    assert "rusak atau tidak lengkap" in refused(post_instance(Client(), body))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<data id="kotan-2026-gov"><regency>15.04</regency><institution>&lol9;</institution>
<meta><instanceID>uuid:6f1c1c49-1e8f-4d3c-9a51-0d5f2f8a1b11</instanceID></meta></data>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<data id="kotan-2026-gov"><regency>15.04</regency><institution>&secret;</institution>
<meta><instanceID>uuid:0b0e9f43-77a2-4c55-b0a3-3f2f1d7c9e21</instanceID></meta></data>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "external"])
def test_entities_and_dtds_are_refused(period: Period, body: bytes) -> None:
    text = refused(post_instance(Client(), body))
    assert "DTD" in text and "root:" not in text


def test_other_forms_and_missing_parts_are_400(period: Period) -> None:
    other = b'<data id="build_Household_1"><meta><instanceID>uuid:x</instanceID></meta></data>'
    assert "bukan formulir SI-KOTAN" in refused(post_instance(Client(), other))
    empty = Client().post(SUBMISSION, {"note": "tanpa berkas"}, **basic("eko"))
    assert "xml_submission_file" in refused(empty)
    broken = Client().post(
        SUBMISSION, b"--x\r\n", content_type="multipart/form-data; boundary=", **basic("eko")
    )
    assert "multipart" in refused(broken)
    assert Client().get(SUBMISSION, **basic("eko")).status_code == 405


def test_oversized_submission_is_413(gov: odk.OdkForm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kotan.collection.channels.odk_views.MAX_BODY_BYTES", 1000)
    body = collect_instance(odk.xform_text(gov), gov_values(gov))
    assert "terlalu besar" in refused(post_instance(Client(), body), 413)
    # Refused before any password check: nothing of it is read, no attempt is counted.
    upload = SimpleUploadedFile("x.xml", body, content_type="text/xml")
    wrong = Client().post(
        SUBMISSION, {"xml_submission_file": upload}, **basic("eko", "salah-sekali")
    )
    assert wrong.status_code == 413 and not AccessAttempt.objects.exists()


def test_a_wrong_password_never_reads_the_submission(gov: odk.OdkForm) -> None:
    body = collect_instance(odk.xform_text(gov), gov_values(gov))
    upload = SimpleUploadedFile("x.xml", body, content_type="text/xml")
    response = Client().post(
        SUBMISSION, {"xml_submission_file": upload, "catatan": "rahasia"}, **basic("eko", "salah")
    )
    assert response.status_code == 401
    attempt = AccessAttempt.objects.get()
    assert "rahasia" not in attempt.post_data  # the failed attempt keeps no form field


def test_a_correct_password_clears_earlier_failures(period: Period) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.get(FORM_LIST, **basic("eko", "salah-sekali")).status_code == 401
    assert client.get(FORM_LIST, **basic("eko")).status_code == 200
    assert client.get(FORM_LIST, **basic("eko", "salah-sekali")).status_code == 401  # not 429
    assert client.get(FORM_LIST, **basic("eko")).status_code == 200


def test_submission_without_credentials_changes_nothing(gov: odk.OdkForm) -> None:
    body = collect_instance(odk.xform_text(gov), gov_values(gov))
    upload = SimpleUploadedFile("x.xml", body, content_type="text/xml")
    response = Client().post(SUBMISSION, {"xml_submission_file": upload})
    assert response.status_code == 401
    upload.seek(0)
    wrong = Client().post(
        SUBMISSION, {"xml_submission_file": upload}, **basic("eko", "salah-sekali")
    )
    assert wrong.status_code == 401
    assert not RawSubmission.objects.exists()


# --- the help page --------------------------------------------------------------------------


def test_help_page_for_an_enumerator(period: Period, cast: Cast) -> None:
    client = Client()
    client.force_login(cast.eko)
    response = client.get("/odk/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "http://testserver/odk" in page and "eko" in page
    assert 'href="/odk/unduh/2026/gov.xlsx"' in page and 'href="/odk/unduh/2026/fam.xml"' in page
    assert "hanya dapat melihat" not in page and '<svg role="img"' in page
    xlsx = client.get("/odk/unduh/2026/gov.xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="kotan-2026-gov.xlsx"'
    assert load_workbook(BytesIO(xlsx.content)).sheetnames == ["survey", "choices", "settings"]
    xform = client.get("/odk/unduh/2026/gov.xml")
    assert xform.content == Client().get("/odk/forms/2026/gov.xml", **basic("eko")).content


def test_help_page_for_a_viewer_and_outside_scope(period: Period, cast: Cast, intan: User) -> None:
    client = Client()
    client.force_login(cast.fajar)  # views collection, does not fill
    page = client.get("/odk/").content.decode()
    assert "hanya dapat melihat" in page and "kotan-2026-gov" in page
    assert "server-url" not in page  # no Collect setup for an account that cannot send
    client.force_login(intan)
    page = client.get("/odk/").content.decode()
    assert "Tidak ada periode pengisian" in page and "kotan-2026-gov" not in page
    assert client.get("/odk/unduh/2026/gov.xlsx").status_code == 404


def test_help_page_needs_sign_in(period: Period) -> None:
    response = Client().get("/odk/")
    assert response.status_code == 302 and "/akun/" in response["Location"]
    assert Client().get("/odk/unduh/2026/gov.xml").status_code == 302
