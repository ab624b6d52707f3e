"""Assignment and respondent-link pages: scope, roles, status actions, links, WhatsApp, QR."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
import segno
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.accounts.models import User
from kotan.collection import actions, ingest, sharing
from kotan.collection.models import Assignment, Period, RespondentLink, Response
from tests.support.cast import Cast
from tests.support.periods import payload

SVG = "{http://www.w3.org/2000/svg}"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def listed_codes(client: Client, query: str = "") -> set[str]:
    response = client.get(reverse("assignment_list") + query)
    assert response.status_code == 200
    return {a.regency.code for a in response.context["page"]}


def transition(client: Client, assignment: Assignment, word: str, **data: str) -> list[str]:
    url = reverse("assignment_transition", args=[assignment.pk, word])
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def link(cast: Cast, batanghari: Assignment) -> RespondentLink:
    return actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", label="Dinas Pendidikan"
    )


def link_url(link: RespondentLink) -> str:
    return "http://testserver" + sharing.public_path(link.token)


# --- who sees what --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: Client, batanghari: Assignment, link: RespondentLink
) -> None:
    for url in (
        reverse("assignment_list"),
        reverse("assignment_detail", args=[batanghari.pk]),
        reverse("link_detail", args=[link.pk]),
        reverse("link_qr", args=[link.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_budi_sees_jambi_but_not_aceh_utara(client: Client, cast: Cast, period: Period) -> None:
    codes = listed_codes(signed_in(client, cast.budi))
    assert len(codes) == 11 and all(code.startswith("15.") for code in codes)
    assert "11.08" not in codes


def test_citra_sees_batanghari_and_the_regency_her_bnnk_covers(
    client: Client, cast: Cast, period: Period
) -> None:
    assert listed_codes(signed_in(client, cast.citra)) == {"15.04", "15.05"}


def test_hadi_sees_only_aceh_utara(client: Client, cast: Cast, period: Period) -> None:
    assert listed_codes(signed_in(client, cast.hadi)) == {"11.08"}


def test_ani_and_the_national_viewer_see_everything(
    client: Client, cast: Cast, period: Period
) -> None:
    assert len(listed_codes(signed_in(client, cast.ani))) == 12
    assert len(listed_codes(signed_in(client, cast.fajar))) == 12


def test_an_assignment_outside_the_scope_is_404(
    client: Client, cast: Cast, batanghari: Assignment, link: RespondentLink
) -> None:
    signed_in(client, cast.hadi)
    assert client.get(reverse("assignment_detail", args=[batanghari.pk])).status_code == 404
    assert (
        client.post(reverse("assignment_transition", args=[batanghari.pk, "ajukan"])).status_code
        == 404
    )
    assert client.get(reverse("link_detail", args=[link.pk])).status_code == 404
    assert client.get(reverse("link_qr", args=[link.pk])).status_code == 404
    assert client.post(reverse("link_deactivate", args=[link.pk])).status_code == 404
    batanghari.refresh_from_db()
    assert batanghari.status == "belum_mulai"


@pytest.mark.parametrize("who", ["eko", "dewi", "gita"])
def test_readers_read_but_cannot_manage(
    client: Client, cast: Cast, batanghari: Assignment, link: RespondentLink, who: str
) -> None:
    signed_in(client, getattr(cast, who))
    assert "15.04" in listed_codes(client)
    page = client.get(reverse("assignment_detail", args=[batanghari.pk]))
    assert page.status_code == 200
    assert page.context["buttons"] == [] and not page.context["can_create_links"]
    assert b"Dinas Pendidikan" in page.content  # the link is listed
    assert reverse("link_detail", args=[link.pk]).encode() not in page.content  # not opened
    for url in (
        reverse("assignment_transition", args=[batanghari.pk, "ajukan"]),
        reverse("link_create", args=[batanghari.pk]),
        reverse("link_deactivate", args=[link.pk]),
    ):
        assert client.post(url, {"unit": "gov", "label": "x", "uses": "sekali"}).status_code == 403
    for name in ("link_detail", "link_print", "link_qr"):
        assert client.get(reverse(name, args=[link.pk])).status_code == 403
    batanghari.refresh_from_db()
    link.refresh_from_db()
    assert batanghari.status == "belum_mulai" and link.is_active
    assert RespondentLink.objects.count() == 1


def test_posts_need_the_csrf_token(cast: Cast, batanghari: Assignment) -> None:
    client = signed_in(Client(enforce_csrf_checks=True), cast.citra)
    response = client.post(reverse("assignment_transition", args=[batanghari.pk, "ajukan"]))
    assert response.status_code == 403
    batanghari.refresh_from_db()
    assert batanghari.status == "belum_mulai"


# --- the list -------------------------------------------------------------------------------


def test_the_list_counts_responses_against_the_quota(
    client: Client, cast: Cast, batanghari: Assignment, link: RespondentLink
) -> None:
    many = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=5)
    for _ in range(3):
        assert ingest.ingest_submission(payload({"link": many.token})).status == 201
    actions.exclude_response(actor=cast.citra, response=Response.objects.first(), reason="Uji")
    signed_in(client, cast.citra)
    rows = {a.regency.code: a for a in client.get(reverse("assignment_list")).context["page"]}
    assert (rows["15.04"].n_responses, rows["15.04"].quota_total) == (2, 180)
    assert (rows["15.05"].n_responses, rows["15.05"].quota_total) == (0, 180)
    detail = client.get(reverse("assignment_detail", args=[batanghari.pk])).context
    gov = next(q for q in detail["quotas"] if q.unit_code == "gov")
    assert (gov.filled, gov.quota, detail["filled_total"]) == (2, 40, 2)


def test_the_list_filters_by_status_and_period(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    signed_in(client, cast.budi)
    assert listed_codes(client, "?periode=2026&status=diajukan") == {"15.04"}
    assert "15.04" not in listed_codes(client, "?status=belum_mulai")
    assert len(listed_codes(client, "?status=bukan-status")) == 11  # unknown status: no filter
    filters = client.get(reverse("assignment_list")).context["filters"]
    assert ("diajukan", "Diajukan", 1) in [(v, str(label), n) for v, label, n in filters]
    assert client.get(reverse("assignment_list") + "?periode=1999").status_code == 404


def test_the_list_without_periods(client: Client, cast: Cast, without_periods: None) -> None:
    response = signed_in(client, cast.budi).get(reverse("assignment_list"))
    assert response.status_code == 200
    assert "Belum ada periode pengukuran." in response.content.decode()


def test_the_list_does_not_query_per_row(
    client: Client, cast: Cast, period: Period, django_assert_max_num_queries: object
) -> None:
    for assignment in Assignment.objects.filter(period=period):
        link = actions.create_link(
            actor=cast.ani, assignment=assignment, unit_code="gov", max_uses=None
        )
        ingest.ingest_submission(payload({"link": link.token}))
    # Session, user, periods, scope (three for a BNNK user), status counts, page count, page,
    # and the unread notifications of the header.
    signed_in(client, cast.citra)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = client.get(reverse("assignment_list"))
    assert response.status_code == 200
    signed_in(client, cast.ani)
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        response = client.get(reverse("assignment_list"))
    assert len(response.context["page"]) == 12
    assert {a.n_responses for a in response.context["page"]} == {1}


# --- status actions -------------------------------------------------------------------------


def test_the_buttons_follow_role_and_status(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    def words(user: User) -> list[str]:
        page = signed_in(client, user).get(reverse("assignment_detail", args=[batanghari.pk]))
        return [b.word for b in page.context["buttons"]]

    assert words(cast.citra) == ["ajukan"]
    assert words(cast.ani) == ["ajukan"]
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    assert words(cast.citra) == []
    assert words(cast.budi) == ["verifikasi", "kembalikan"]
    assert words(cast.ani) == ["verifikasi", "kembalikan"]


def test_the_full_path_through_the_pages(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    assert transition(signed_in(client, cast.citra), batanghari, "ajukan") == [
        "Penugasan diajukan untuk diverifikasi BNNP."
    ]
    assert transition(signed_in(client, cast.budi), batanghari, "kembalikan", reason="  ") == [
        "Alasan pengembalian wajib diisi."
    ]
    batanghari.refresh_from_db()
    assert batanghari.status == "diajukan"
    transition(client, batanghari, "kembalikan", reason="Kuota keluarga belum penuh")
    batanghari.refresh_from_db()
    assert (batanghari.status, batanghari.returned_reason) == (
        "berjalan",
        "Kuota keluarga belum penuh",
    )
    page = signed_in(client, cast.citra).get(reverse("assignment_detail", args=[batanghari.pk]))
    assert "Kuota keluarga belum penuh" in page.content.decode()
    transition(client, batanghari, "ajukan")
    assert transition(client, batanghari, "verifikasi") == [
        "Peran Anda tidak dapat melakukan tindakan ini."
    ]
    transition(signed_in(client, cast.budi), batanghari, "verifikasi")
    assert transition(client, batanghari, "finalkan") == [
        "Peran Anda tidak dapat melakukan tindakan ini."
    ]
    assert transition(signed_in(client, cast.ani), batanghari, "finalkan") == [
        "Penugasan difinalkan."
    ]
    batanghari.refresh_from_db()
    assert batanghari.status == "final"
    entries = LogEntry.objects.get_for_object(batanghari).filter(action=LogEntry.Action.UPDATE)
    assert entries.count() == 5  # submit, return, submit, verify, finalize: audited by the action


def test_a_status_that_does_not_allow_the_action_says_so(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    assert transition(signed_in(client, cast.ani), batanghari, "verifikasi") == [
        "Tindakan ini tidak berlaku untuk status 'Belum mulai'."
    ]


def test_an_unknown_action_is_404_and_get_is_refused(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.ani)
    assert (
        client.post(reverse("assignment_transition", args=[batanghari.pk, "submit"])).status_code
        == 404
    )
    assert (
        client.get(reverse("assignment_transition", args=[batanghari.pk, "ajukan"])).status_code
        == 405
    )


# --- links ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uses", "number", "expected"),
    [("sekali", "", 1), ("beberapa", "25", 25), ("tanpa_batas", "", None)],
)
def test_citra_creates_a_link(
    client: Client,
    cast: Cast,
    batanghari: Assignment,
    uses: str,
    number: str,
    expected: int | None,
) -> None:
    data = {"unit": "edu", "label": "SMA 1 Muara Bulian", "uses": uses, "max_uses": number}
    response = signed_in(client, cast.citra).post(
        reverse("link_create", args=[batanghari.pk]), {**data, "valid_days": "14"}
    )
    link = RespondentLink.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "link_detail", args=[link.pk]
    )
    assert (link.unit.code, link.label, link.max_uses) == ("edu", "SMA 1 Muara Bulian", expected)
    assert link.created_by == cast.citra and link.is_active
    days = (link.expires_at - timezone.now()) / timedelta(days=1)
    assert 13.9 < days <= 14
    assert LogEntry.objects.get_for_object(link).get().actor == cast.citra


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_days": "91"}, "valid_days"),
        ({"valid_days": "0"}, "valid_days"),
        ({"uses": "beberapa", "max_uses": ""}, "max_uses"),
        ({"unit": "xyz"}, "unit"),
        ({"label": ""}, "label"),
    ],
)
def test_an_invalid_link_form_is_shown_again_with_its_errors(
    client: Client, cast: Cast, batanghari: Assignment, changes: dict[str, str], field: str
) -> None:
    data = {"unit": "gov", "label": "Dinas Sosial", "uses": "sekali", "valid_days": "30"}
    response = signed_in(client, cast.budi).post(
        reverse("link_create", args=[batanghari.pk]), {**data, **changes}
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert RespondentLink.objects.count() == 0


def test_no_new_links_once_the_assignment_is_submitted(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    signed_in(client, cast.citra)
    page = client.get(reverse("assignment_detail", args=[batanghari.pk]))
    assert not page.context["can_create_links"]
    data = {"unit": "gov", "label": "Dinas Sosial", "uses": "sekali", "valid_days": "30"}
    response = client.post(reverse("link_create", args=[batanghari.pk]), data, follow=True)
    assert "tautan baru tidak dapat dibuat" in response.content.decode()
    assert RespondentLink.objects.count() == 0


def test_deactivating_a_link(
    client: Client, cast: Cast, batanghari: Assignment, link: RespondentLink
) -> None:
    response = signed_in(client, cast.budi).post(reverse("link_deactivate", args=[link.pk]))
    assert response["Location"] == reverse("assignment_detail", args=[batanghari.pk])
    link.refresh_from_db()
    assert not link.is_active
    entry = LogEntry.objects.get_for_object(link).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == cast.budi
    page = client.get(reverse("link_detail", args=[link.pk]))
    assert page.context["state"] == "inactive"
    assert "Bagikan via WhatsApp" not in page.content.decode()


def test_the_link_page_shows_the_public_url_and_whatsapp_message(
    client: Client, cast: Cast, link: RespondentLink
) -> None:
    page = signed_in(client, cast.citra).get(reverse("link_detail", args=[link.pk]))
    assert page.status_code == 200
    assert page.context["public_url"] == link_url(link)
    assert page["Cache-Control"].startswith("max-age=0")  # never cached: it holds the token
    whatsapp = page.context["whatsapp_url"]
    assert whatsapp.startswith("https://wa.me/?text=")
    assert " " not in whatsapp and "\n" not in whatsapp
    text = unquote(whatsapp.removeprefix("https://wa.me/?text="))
    assert link_url(link) in text
    assert "Kabupaten Batanghari" in text and "Instansi pemerintah" in text
    assert "IKOTAN 2026" in text and "BNNK Batanghari" in text
    html = page.content.decode()
    assert 'href="https://wa.me/?text=' in html and "Bagikan via WhatsApp" in html


def test_the_whatsapp_message_stays_indonesian_in_the_english_ui(
    client: Client, cast: Cast, link: RespondentLink
) -> None:
    signed_in(client, cast.citra).cookies["django_language"] = "en"
    page = client.get(reverse("link_detail", args=[link.pk]))
    assert '<html lang="en">' in page.content.decode()
    text = unquote(page.context["whatsapp_url"])
    assert "mohon kesediaannya mengisi kuesioner" in text


def test_whatsapp_url_quotes_everything() -> None:
    url = sharing.whatsapp_url("Isi di https://x.id/isi/a-b_c/?q=1&r=2 ya #1")
    assert url == (
        "https://wa.me/?text=Isi%20di%20https%3A%2F%2Fx.id%2Fisi%2Fa-b_c%2F%3Fq%3D1%26r%3D2%20ya%20%231"
    )


def dark_modules(svg: str | bytes) -> set[tuple[int, int]]:
    """Read back the dark modules (row, column) from segno's path: M/m moves, h runs."""
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    (path,) = [p for p in root.iter(f"{SVG}path") if p.get("stroke")]
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d", "")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            dark |= {(int(y), int(x) + i) for i in range(int(float(a)))}
            x += float(a)
    return dark


def expected_modules(url: str) -> set[tuple[int, int]]:
    matrix = segno.make(url, error="m").matrix
    return {(r + 4, c + 4) for r, row in enumerate(matrix) for c, on in enumerate(row) if on}


def test_the_qr_download_is_an_svg_of_the_link_url(
    client: Client, cast: Cast, link: RespondentLink
) -> None:
    response = signed_in(client, cast.citra).get(reverse("link_qr", args=[link.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == f'attachment; filename="qr-15.04-gov-{link.pk}.svg"'
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg" and root.find(f".//{SVG}path") is not None
    # The modules drawn are exactly those of a QR code of the link's public URL.
    assert dark_modules(response.content) == expected_modules(link_url(link))
    qr = segno.make(link_url(link), error="m")
    assert qr.designator.endswith("-M") and not qr.is_micro and qr.version <= 5


def test_the_inline_qr_respects_the_content_security_policy(
    client: Client, cast: Cast, link: RespondentLink
) -> None:
    page = signed_in(client, cast.citra).get(reverse("link_detail", args=[link.pk]))
    assert "style-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    svg = re.search(r"<svg .*?</svg>", html, flags=re.DOTALL)
    assert svg is not None and 'role="img"' in svg.group() and "viewBox" in svg.group()
    assert dark_modules(
        svg.group().replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    ) == expected_modules(link_url(link))
    assert "style=" not in html and "<script" not in html and "<style" not in html


def test_the_print_page(client: Client, cast: Cast, link: RespondentLink) -> None:
    page = signed_in(client, cast.budi).get(reverse("link_print", args=[link.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert link_url(link) in html and "<svg " in html
    assert "Pindai kode QR dengan kamera ponsel" in html
    assert "Kabupaten Batanghari" in html and "Instansi pemerintah" in html
    assert "kotan/links.css" in html


def test_the_printed_sheet_stays_indonesian_in_the_english_ui(
    client: Client, cast: Cast, link: RespondentLink
) -> None:
    signed_in(client, cast.citra).cookies["django_language"] = "en"
    html = client.get(reverse("link_print", args=[link.pk])).content.decode()
    assert '<html lang="en">' in html and '<article class="sheet" lang="id">' in html
    assert "Pindai kode QR dengan kamera ponsel" in html


def test_the_public_path_is_the_form_address() -> None:
    path = sharing.public_path("abc_-1")
    assert path == "/isi/abc_-1/"
