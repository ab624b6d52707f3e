"""The questionnaire form: by public link and by enumerator, drafts, sending, documents."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.collection import actions, ingest
from kotan.collection.channels import web
from kotan.collection.channels.web import submit_draft
from kotan.collection.channels.web_forms import Questionnaire, load_questionnaire
from kotan.collection.evidence import MAX_BYTES, check_file
from kotan.collection.models import (
    Answer,
    Assignment,
    Draft,
    Evidence,
    Period,
    RawSubmission,
    RespondentLink,
    Response,
)
from tests.support.cast import Cast
from tests.support.periods import payload

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


@pytest.fixture
def link(cast: Cast, batanghari: Assignment) -> RespondentLink:
    return actions.create_link(
        actor=cast.citra,
        assignment=batanghari,
        unit_code="gov",
        institution=cast.kesbangpol_batanghari,
        max_uses=1,
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def questionnaire(assignment: Assignment, unit: str) -> Questionnaire:
    instrument = assignment.period.instrument
    return load_questionnaire(instrument, instrument.units.get(code=unit))


def form_url(link: RespondentLink, page: str = "") -> str:
    return reverse(f"form_link{page}", args=[link.token])


def post_section(
    client: Client, url: str, number: int, answers: dict[str, str], **extra: Any
) -> Any:
    data = {"bagian": number, "aksi": "lanjut", **extra}
    data.update({f"q_{code}": value for code, value in answers.items()})
    return client.post(url, data)


def all_answers(q: Questionnaire, value: str = "3") -> list[dict[str, str]]:
    return [{question.code: value for question in s.questions} for s in q.sections]


# --- the public link -----------------------------------------------------------------------


def test_link_opens_the_questionnaire_of_its_unit_without_an_account(
    client: Client, link: RespondentLink, batanghari: Assignment
) -> None:
    response = client.get(form_url(link))
    assert response.status_code == 200
    html = response.content.decode()
    q = questionnaire(batanghari, "gov")
    assert "Kabupaten Batanghari" in html
    assert "Instansi pemerintah" in html
    assert "Kesbangpol Kabupaten Batanghari" in html  # shown and prefilled
    assert 'value="Kesbangpol Kabupaten Batanghari"' in html
    assert f"Bagian 1 dari {len(q.sections)}" in html
    assert f"0 dari {q.total} butir terjawab" in html
    assert 'enctype="multipart/form-data"' in html
    assert html.count("<fieldset") == len(q.sections[0].questions)
    first = q.sections[0].questions[0]
    # A respondent sees the questions, never the item codes (enumerators do).
    assert 'class="code"' not in html and f">{first.code}<" not in html
    assert f'name="q_{first.code}" value="TT"' in html
    assert "Simpan & lanjut" in html
    assert not Draft.objects.exists()  # nothing stored until the respondent saves


def test_only_items_asked_of_the_unit_are_shown(batanghari: Assignment) -> None:
    spec_items = {
        i.code: i.units for i in batanghari.period.instrument.items.prefetch_related("units")
    }
    for unit in ("gov", "fam"):
        q = questionnaire(batanghari, unit)
        shown = [question.code for s in q.sections for question in s.questions]
        assert shown and all(unit in {u.code for u in spec_items[code].all()} for code in shown)
        assert all(s.questions for s in q.sections)  # a variable without items is left out
        assert [s.number for s in q.sections] == list(range(1, len(q.sections) + 1))


def test_link_flow_saves_resumes_and_sends_once(
    client: Client, link: RespondentLink, batanghari: Assignment
) -> None:
    q = questionnaire(batanghari, "gov")
    sections = all_answers(q)
    first_code = q.sections[0].questions[0].code
    sections[0][first_code] = "TT"
    url = form_url(link)
    saved = post_section(client, url, 1, sections[0], instansi="Kesbangpol Batanghari")
    assert saved.status_code == 302 and saved["Location"].endswith("?bagian=2")
    draft = Draft.objects.get()
    assert draft.link == link and draft.enumerator is None
    assert draft.answers == sections[0]
    assert draft.institution_name == "Kesbangpol Batanghari"
    cookie = client.cookies[f"kotan_draf_{link.pk}"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 30 * 24 * 3600
    assert cookie["path"] == url

    # Later, from the same browser: the link continues after the saved section.
    later = client.get(url)
    assert f"Bagian 2 dari {len(q.sections)}" in later.content.decode()
    again = client.get(f"{url}?bagian=1").content.decode()
    assert re.search(rf'name="q_{first_code}" value="TT"[^>]*checked', again)
    assert f"{len(sections[0])} dari {q.total} butir terjawab" in again

    for number, answers in enumerate(sections[1:], start=2):
        post_section(client, url, number, answers)
    assert client.get(form_url(link, "_review")).status_code == 200
    sent = client.post(form_url(link, "_review"))
    assert sent.status_code == 302 and sent["Location"] == form_url(link, "_receipt")
    response = Response.objects.get()
    assert response.channel == "web" and response.link == link
    assert response.institution_name == "Kesbangpol Batanghari"
    given = dict(Answer.objects.filter(response=response).values_list("item__code", "value"))
    assert given == {code: v for s in sections for code, v in s.items()}
    draft.refresh_from_db()
    assert draft.submitted_receipt == response.receipt_number
    assert response.raw.client_uuid == draft.key

    receipt = client.get(form_url(link, "_receipt"))
    assert receipt.status_code == 200
    assert "Nomor tanda terima" in receipt.content.decode()
    assert response.receipt_number in receipt.content.decode()
    # Reloading, sending again, reopening the (now used-up) link: the same receipt.
    assert client.post(form_url(link, "_review"))["Location"] == form_url(link, "_receipt")
    assert client.get(url)["Location"] == form_url(link, "_receipt")
    assert response.receipt_number in client.get(form_url(link, "_receipt")).content.decode()
    assert Response.objects.count() == 1 and RawSubmission.objects.count() == 1


def test_a_double_send_after_a_lost_answer_keeps_one_response(
    link: RespondentLink, batanghari: Assignment
) -> None:
    """The first send went through but the draft never heard back (a crash, a timeout)."""
    q = questionnaire(batanghari, "gov")
    draft = Draft.objects.create(
        assignment=batanghari, unit=link.unit, link=link, answers=all_answers(q)[0]
    )
    first = submit_draft(draft)
    Draft.objects.filter(pk=draft.pk).update(submitted_receipt="")  # the lost answer
    again = submit_draft(draft)  # the same payload again: the same receipt
    assert again.receipt == first.receipt and not again.problems
    assert Response.objects.count() == 1


def test_each_browser_gets_its_own_draft_on_a_multi_use_link(
    cast: Cast, batanghari: Assignment
) -> None:
    link = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="com", max_uses=50
    )
    q = questionnaire(batanghari, "com")
    first, second = Client(), Client()
    post_section(first, form_url(link), 1, {q.sections[0].questions[0].code: "4"})
    post_section(second, form_url(link), 1, {q.sections[0].questions[0].code: "1"})
    assert sorted(d.answers[q.sections[0].questions[0].code] for d in Draft.objects.all()) == [
        "1",
        "4",
    ]
    assert second.post(form_url(link, "_review")).status_code == 302
    # After sending, the same phone can start again for another respondent.
    page = second.get(form_url(link, "_receipt")).content.decode()
    assert "Isi kuesioner untuk responden lain" in page
    second.post(form_url(link, "_receipt"))
    assert "Bagian 1 dari" in second.get(form_url(link)).content.decode()
    assert first.post(form_url(link, "_review")).status_code == 302
    assert Response.objects.count() == 2


def test_unknown_link_is_404_in_indonesian(client: Client, db: None) -> None:
    response = client.get(reverse("form_link", args=["tidak-ada"]))
    assert response.status_code == 404
    assert "Tautan tidak ditemukan" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "Tautan sudah kedaluwarsa"),
        ({"is_active": False}, "Tautan sudah dinonaktifkan"),
        ({"use_count": 1}, "Tautan sudah dipakai"),
    ],
)
def test_spent_links_are_410_in_indonesian(
    client: Client, link: RespondentLink, change: dict[str, Any], text: str
) -> None:
    RespondentLink.objects.filter(pk=link.pk).update(**change)
    for page in ("", "_review", "_receipt"):
        response = client.get(form_url(link, page))
        assert response.status_code == 410
        assert text in response.content.decode()
    assert post_section(client, form_url(link), 1, {"MAS1_01": "3"}).status_code == 410
    assert not Draft.objects.exists()


def test_a_link_used_up_by_another_respondent_is_410(client: Client, link: RespondentLink) -> None:
    assert ingest.ingest_submission(payload({"link": link.token})).ok
    response = client.get(form_url(link))
    assert response.status_code == 410 and "sudah diisi sebanyak batas" in response.content.decode()


def test_a_closed_assignment_takes_no_answers(
    client: Client, link: RespondentLink, period: Period
) -> None:
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    response = client.get(form_url(link))
    assert response.status_code == 410 and "Pengisian sudah ditutup" in response.content.decode()


def test_posts_without_a_csrf_token_are_refused(link: RespondentLink) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.get(form_url(link)).status_code == 200
    assert post_section(client, form_url(link), 1, {"MAS1_01": "3"}).status_code == 403
    assert not Draft.objects.exists()


def test_the_form_carries_a_csrf_token(client: Client, link: RespondentLink) -> None:
    assert 'name="csrfmiddlewaretoken"' in client.get(form_url(link)).content.decode()


def test_review_lists_unanswered_items_and_sending_anyway_leaves_them_missing(
    client: Client, link: RespondentLink, batanghari: Assignment
) -> None:
    q = questionnaire(batanghari, "gov")
    given = {q.sections[0].questions[0].code: "2", q.sections[1].questions[0].code: "TT"}
    post_section(client, form_url(link), 1, {q.sections[0].questions[0].code: "2"})
    post_section(client, form_url(link), 2, {q.sections[1].questions[0].code: "TT"})
    review = client.get(form_url(link, "_review")).content.decode()
    assert f"2 dari {q.total} butir terjawab" in review
    assert "Butir yang belum dijawab" in review
    skipped = q.sections[0].questions[1]
    assert f'href="{form_url(link)}?bagian=1#q-{skipped.code}"' in review
    for section in q.sections:
        assert f"Bagian {section.number}: {section.name}" in review
    assert f"q-{q.sections[0].questions[0].code}" not in review  # answered: not listed
    client.post(form_url(link, "_review"))
    response = Response.objects.get()
    answers = dict(Answer.objects.filter(response=response).values_list("item__code", "score"))
    assert answers == {q.sections[0].questions[0].code: 2.0, q.sections[1].questions[0].code: None}
    assert set(answers) == set(given)  # the rest are missing, never zero


def test_an_empty_questionnaire_is_not_sent(client: Client, link: RespondentLink) -> None:
    post_section(client, form_url(link), 1, {}, instansi="Kesbangpol")
    page = client.post(form_url(link, "_review"))
    assert page.status_code == 200
    assert "Belum ada jawaban yang diisi." in page.content.decode()
    assert not RawSubmission.objects.exists()


def test_a_refused_send_shows_the_problems_and_keeps_the_draft(
    client: Client, link: RespondentLink
) -> None:
    post_section(client, form_url(link), 1, {"MAS1_01": "3"})
    key = Draft.objects.get().key
    RespondentLink.objects.filter(pk=link.pk).update(is_active=False)
    # The link is switched off between the last check and the send (a race).
    with mock.patch("kotan.collection.channels.web_views._link_state", return_value=None):
        page = client.post(form_url(link, "_review"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kiriman belum dapat diterima" in html
    assert "Tautan pengisian tidak berlaku: tautan sudah dinonaktifkan." in html
    assert not Response.objects.exists()
    draft = Draft.objects.get()
    assert draft.answers == {"MAS1_01": "3"} and not draft.submitted_receipt
    assert draft.key != key  # a fresh key, so that it can be sent once the link is back
    assert client.cookies[f"kotan_draf_{link.pk}"].value.startswith(str(draft.key))
    RespondentLink.objects.filter(pk=link.pk).update(is_active=True)
    assert client.post(form_url(link, "_review"))["Location"] == form_url(link, "_receipt")
    assert Response.objects.get().raw.client_uuid == draft.key


def test_errors_are_summarised_with_links_and_described(
    client: Client, link: RespondentLink
) -> None:
    page = post_section(
        client, form_url(link), 1, {"MAS1_01": "3", "MAS1_02": "9"}, instansi="x" * 201
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="alert"' in html and "Ada yang perlu diperbaiki" in html
    assert 'href="#id_instansi"' in html and 'href="#id_q_MAS1_02_0"' in html
    assert re.search(
        r'id="id_instansi"[^>]*aria-describedby="instansi-hint instansi-error"', html
    ) or re.search(r'aria-describedby="instansi-hint instansi-error"[^>]*id="id_instansi"', html)
    assert 'aria-describedby="q_MAS1_02-error"' in html
    assert Draft.objects.get().answers == {"MAS1_01": "3"}  # the valid part is kept


def test_back_saves_and_goes_to_the_previous_section(
    client: Client, link: RespondentLink, batanghari: Assignment
) -> None:
    q = questionnaire(batanghari, "gov")
    code = q.sections[1].questions[0].code
    back = post_section(client, form_url(link), 2, {code: "4"}, aksi="kembali")
    assert back["Location"].endswith("?bagian=1")
    assert Draft.objects.get().answers == {code: "4"}
    last = post_section(client, form_url(link), len(q.sections), {})
    assert last["Location"] == form_url(link, "_review")
    page = client.get(f"{form_url(link)}?bagian={len(q.sections)}").content.decode()
    assert "Periksa & kirim" in page and "Kembali" in page


def test_a_section_page_needs_few_queries(
    client: Client, link: RespondentLink, django_assert_max_num_queries: Any
) -> None:
    post_section(client, form_url(link), 1, {"MAS1_01": "3"})
    with django_assert_max_num_queries(12):
        client.get(f"{form_url(link)}?bagian=1")


# --- enumerators ---------------------------------------------------------------------------


def enumerator_url(assignment: Assignment, unit: str, page: str = "") -> str:
    return reverse(f"form_enumerator{page}", args=[assignment.pk, unit])


def test_enumerator_home_lists_assignments_in_scope_and_open_drafts(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    client.force_login(cast.eko)
    page = client.get(reverse("enumerator_home")).content.decode()
    assert "Kabupaten Batanghari" in page and "Kabupaten Muaro Jambi" in page
    assert "Aceh Utara" not in page and "Kota Jambi" not in page
    assert f'href="{enumerator_url(batanghari, "fam")}?baru=1"' in page
    assert "Tidak ada kuesioner yang sedang Anda isi." in page
    post_section(client, f"{enumerator_url(batanghari, 'fam')}?baru=1", 1, {"KEL1_01": "2"})
    draft = Draft.objects.get()
    page = client.get(reverse("enumerator_home")).content.decode()
    assert f"{enumerator_url(batanghari, 'fam')}?draf={draft.key}" in page


def test_enumerator_fills_and_sends_a_questionnaire(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    client.force_login(cast.eko)
    q = questionnaire(batanghari, "com")
    start = client.get(f"{enumerator_url(batanghari, 'com')}?baru=1")
    assert start.status_code == 200 and "Bagian 1 dari" in start.content.decode()
    sections = all_answers(q, "4")
    saved = post_section(client, f"{enumerator_url(batanghari, 'com')}?baru=1", 1, sections[0])
    draft = Draft.objects.get()
    assert draft.enumerator == cast.eko and draft.link is None
    assert saved["Location"] == f"{enumerator_url(batanghari, 'com')}?draf={draft.key}&bagian=2"
    for number, answers in enumerate(sections[1:], start=2):
        post_section(
            client, f"{enumerator_url(batanghari, 'com')}?draf={draft.key}", number, answers
        )
    sent = client.post(f"{enumerator_url(batanghari, 'com', '_review')}?draf={draft.key}")
    assert sent["Location"] == f"{enumerator_url(batanghari, 'com', '_receipt')}?draf={draft.key}"
    response = Response.objects.get()
    assert response.enumerator == cast.eko and response.link is None
    assert response.raw.submitted_by == cast.eko and response.channel == "web"
    assert Answer.objects.filter(response=response).count() == q.total
    receipt = client.get(sent["Location"]).content.decode()
    assert response.receipt_number in receipt and "Isi kuesioner baru" in receipt
    client.post(f"{enumerator_url(batanghari, 'com', '_review')}?draf={draft.key}")
    assert Response.objects.count() == 1


def test_an_enumerator_typing_a_paper_form_records_the_paper_channel(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    client.force_login(cast.eko)
    post_section(client, f"{enumerator_url(batanghari, 'com')}?baru=1", 1, {"MAS1_01": "2"})
    draft = Draft.objects.get()
    review = f"{enumerator_url(batanghari, 'com', '_review')}?draf={draft.key}"
    assert "disalin dari kuesioner kertas" in client.get(review).content.decode()
    client.post(review, {"kertas": "1"})
    assert Response.objects.get().channel == "paper"


def test_each_new_questionnaire_is_its_own_draft(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    client.force_login(cast.eko)
    new = f"{enumerator_url(batanghari, 'com')}?baru=1"
    post_section(client, new, 1, {"MAS1_01": "1"})
    post_section(client, new, 1, {"MAS1_01": "2"})
    assert Draft.objects.filter(enumerator=cast.eko).count() == 2
    # Without ?baru=1 or ?draf= the latest open draft continues.
    latest = Draft.objects.order_by("-updated_at").first()
    assert latest is not None
    page = client.get(f"{enumerator_url(batanghari, 'com')}?bagian=1").content.decode()
    assert f"?draf={latest.key}" in page


def test_the_same_new_form_sent_twice_is_one_draft(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    client.force_login(cast.eko)
    new = f"{enumerator_url(batanghari, 'com')}?baru=1"
    opened = re.search(r'name="mulai" value="([^"]+)"', client.get(new).content.decode())
    assert opened is not None
    post_section(client, new, 1, {"MAS1_01": "1"}, mulai=opened[1])
    post_section(client, new, 1, {"MAS1_01": "2"}, mulai=opened[1])  # a double tap
    draft = Draft.objects.get()
    assert draft.answers == {"MAS1_01": "2"}
    assert draft.started_at < draft.updated_at


def test_enumerators_cannot_fill_outside_their_scope(
    client: Client, cast: Cast, period: Period
) -> None:
    aceh_utara = Assignment.objects.get(period=period, regency__code="11.08")
    client.force_login(cast.eko)
    assert client.get(f"{enumerator_url(aceh_utara, 'gov')}?baru=1").status_code == 404
    assert (
        post_section(client, enumerator_url(aceh_utara, "gov"), 1, {"MAS1_01": "3"}).status_code
        == 404
    )
    assert not Draft.objects.exists()
    client.force_login(cast.ani)  # national admin: everywhere
    assert client.get(enumerator_url(aceh_utara, "gov")).status_code == 200


def test_enumerators_cannot_open_anothers_draft(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    client.force_login(cast.eko)
    post_section(client, f"{enumerator_url(batanghari, 'gov')}?baru=1", 1, {"MAS1_01": "3"})
    key = Draft.objects.get().key
    client.force_login(cast.citra)
    assert client.get(f"{enumerator_url(batanghari, 'gov')}?draf={key}").status_code == 404
    assert client.get(f"{enumerator_url(batanghari, 'gov')}?draf=bukan-uuid").status_code == 404


def test_anonymous_users_go_to_login_and_other_roles_get_403(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    for url in (reverse("enumerator_home"), enumerator_url(batanghari, "gov")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")
    client.force_login(cast.dewi)  # focal point
    assert client.get(reverse("enumerator_home")).status_code == 403
    client.force_login(cast.citra)  # regency operator may fill too
    assert client.get(reverse("enumerator_home")).status_code == 200


# --- documents -----------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_pdf_is_stored_listed_and_attached_to_the_response(
    client: Client, link: RespondentLink, media: Path
) -> None:
    page = post_section(
        client,
        form_url(link),
        1,
        {"MAS1_01": "3"},
        aksi="unggah",
        bukti=upload("../../Perda 7 2024.pdf", PDF, "image/png"),  # the claimed type is ignored
    )
    assert page["Location"].endswith("?bagian=1")
    evidence = Evidence.objects.get()
    assert evidence.original_name == "Perda 7 2024.pdf"
    assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)
    assert len(evidence.sha256) == 64
    files = stored_files(media)
    assert len(files) == 1 and files[0].read_bytes() == PDF
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", files[0].name)  # our name, not the user's
    assert files[0].is_relative_to(media / "evidence")
    listed = client.get(f"{form_url(link)}?bagian=1").content.decode()
    assert "Perda 7 2024.pdf" in listed and "Dokumen terunggah" in listed
    client.post(form_url(link, "_review"))
    evidence.refresh_from_db()
    assert evidence.response == Response.objects.get()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("perda.pdf", PNG, "tidak sesuai dengan jenisnya"),  # a PNG called .pdf
        ("anggaran.pdf", EXE, "tidak sesuai dengan jenisnya"),  # a program renamed
        ("setup.exe", EXE, "hanya PDF, JPEG atau PNG"),
        ("besar.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), "terlalu besar"),
    ],
)
def test_other_files_are_refused_and_nothing_is_stored(
    client: Client, link: RespondentLink, media: Path, name: str, content: bytes, message: str
) -> None:
    page = post_section(client, form_url(link), 1, {"MAS1_01": "3"}, bukti=upload(name, content))
    assert page.status_code == 200
    html = page.content.decode()
    assert message in html and 'href="#id_bukti"' in html
    assert 'aria-describedby="bukti-hint bukti-error"' in html
    assert not Evidence.objects.exists()
    assert stored_files(media) == []
    assert Draft.objects.get().answers == {"MAS1_01": "3"}


def test_one_refused_file_stores_none_of_the_batch(
    client: Client, link: RespondentLink, media: Path
) -> None:
    post_section(
        client,
        form_url(link),
        1,
        {},
        bukti=[upload("a.pdf", PDF), upload("b.png", PNG, "image/png"), upload("c.pdf", PNG)],
    )
    assert not Evidence.objects.exists() and stored_files(media) == []
    post_section(client, form_url(link), 1, {}, bukti=[upload("a.pdf", PDF), upload("b.png", PNG)])
    assert Evidence.objects.count() == 2


def test_a_document_can_be_removed_before_sending(
    client: Client, link: RespondentLink, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    post_section(client, form_url(link), 1, {}, aksi="unggah", bukti=upload("sk.pdf", PDF))
    evidence = Evidence.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        post_section(client, form_url(link), 1, {"MAS1_01": "4"}, hapus_bukti=evidence.pk)
    assert not Evidence.objects.exists() and stored_files(media) == []
    assert Draft.objects.get().answers == {"MAS1_01": "4"}


def test_documents_are_asked_only_on_the_first_section_of_gov(
    client: Client, cast: Cast, link: RespondentLink, batanghari: Assignment
) -> None:
    assert 'name="bukti"' in client.get(form_url(link)).content.decode()
    assert 'name="bukti"' not in client.get(f"{form_url(link)}?bagian=2").content.decode()
    edu = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="edu")
    assert 'name="bukti"' not in Client().get(form_url(edu)).content.decode()


def test_file_checks_need_no_database() -> None:
    assert check_file("a.PDF", PDF[:16], len(PDF))[0] is not None
    assert check_file("foto.jpeg", b"\xff\xd8\xff\xe0", 100)[0] is not None
    assert check_file("foto.png", PNG[:16], 100)[0] is not None
    assert check_file("foto.jpg", PNG[:16], 100)[0] is None
    assert check_file("a.pdf", PDF[:16], MAX_BYTES + 1)[0] is None
    assert check_file("a.pdf", b"", 0)[0] is None
    assert check_file("a.docx", b"PK\x03\x04", 100)[0] is None


def test_sending_commits_the_raw_payload_even_if_the_rest_fails(
    link: RespondentLink, batanghari: Assignment
) -> None:
    """Nothing lost: the raw submission is committed before anything after it can fail."""
    from unittest import mock

    q = questionnaire(batanghari, "gov")
    draft = Draft.objects.create(
        assignment=batanghari, unit=link.unit, link=link, answers=all_answers(q)[0]
    )
    with (
        mock.patch("kotan.collection.channels.web._finish_send", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        submit_draft(draft)
    assert RawSubmission.objects.filter(client_uuid=draft.key, status="accepted").exists()
    again = submit_draft(draft)  # the respondent presses send again
    assert again.receipt and Response.objects.count() == 1


def test_drafts_that_can_never_be_sent_are_purged_with_their_documents(
    cast: Cast,
    batanghari: Assignment,
    link: RespondentLink,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from kotan.collection.evidence import purge_abandoned_drafts

    unit = batanghari.period.instrument.units.get(code="gov")
    abandoned = web.start_draft(assignment=batanghari, unit=unit, link=link)
    web.save_section(abandoned, {"MAS1_01": "2"}, uploads=[upload("SK.pdf", PDF)])
    sent = web.start_draft(assignment=batanghari, unit=unit, enumerator=cast.eko)
    web.save_section(sent, {"MAS1_01": "3"}, uploads=[upload("Perda.pdf", PDF)])
    assert web.submit_draft(sent, user=cast.eko).receipt
    assert len(stored_files(media)) == 2
    later = timezone.now() + timedelta(days=31)
    # While the assignment still takes answers, nothing goes, however old.
    assert purge_abandoned_drafts(timedelta(days=30), now=later) == (0, 0)
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    assert purge_abandoned_drafts(timedelta(days=30)) == (0, 0)  # touched recently
    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows are gone
        assert purge_abandoned_drafts(timedelta(days=30), now=later) == (1, 1)
    assert list(Draft.objects.all()) == [sent]  # the sent draft stays, with its document
    assert [p.name for p in stored_files(media)] == [
        Evidence.objects.get().file.name.split("/")[-1]
    ]
    assert Evidence.objects.get().response is not None
    call_command("purge_drafts", "--days", "1")  # the command runs (nothing left to purge)
