"""The questionnaire's pages for every offline path and for the respondent: item codes for
staff only, the enumerator's list (quota, units to prepare), the manifest, the receipt time,
and the caching headers the back/forward cache needs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from kotan.collection import actions
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Assignment, Quota, RespondentLink, Response
from tests.support.cast import Cast
from tests.support.periods import payload

STATIC = Path(settings.BASE_DIR) / "static" / "kotan"


@pytest.fixture
def link(cast: Cast, batanghari: Assignment) -> RespondentLink:
    return actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")


def _json_script(html: str, element_id: str) -> Any:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, element_id
    return json.loads(match.group(1))


def test_a_respondent_never_sees_item_codes(client: Client, link: RespondentLink) -> None:
    client.post(reverse("form_link", args=[link.token]), {"bagian": 1, "q_MAS1_01": "3"})
    for name in ("form_link", "form_link_review", "form_link_offline"):
        html = client.get(reverse(name, args=[link.token]) + "?bagian=1").content.decode()
        assert "q-MAS1_02" in html  # in ids and names only (the review lists what is left)
        assert 'class="code"' not in html, name
        assert ">MAS1_01<" not in html and "MAS1_01</span>" not in html, name


def test_enumerators_see_item_codes(client: Client, cast: Cast, batanghari: Assignment) -> None:
    client.force_login(cast.eko)
    for name in ("form_enumerator", "form_enumerator_offline"):
        html = client.get(reverse(name, args=[batanghari.pk, "gov"])).content.decode()
        assert '<span class="code">MAS1_01</span>' in html, name


def test_the_live_counter_knows_the_answers_of_the_other_sections(
    client: Client, link: RespondentLink
) -> None:
    url = reverse("form_link", args=[link.token])
    client.post(url, {"bagian": 1, "aksi": "lanjut", "q_MAS1_01": "3", "q_MAS1_02": "4"})
    second = client.get(f"{url}?bagian=2").content.decode()
    assert 'data-elsewhere="2"' in second
    assert 'data-template="{n} dari {total} butir terjawab"' in second
    first = client.get(f"{url}?bagian=1").content.decode()
    assert 'data-elsewhere="0"' in first  # its own two are counted from the ticked radios
    assert "2 dari 45 butir terjawab" in first  # and the text works without JavaScript


def test_the_offline_page_may_enter_the_back_forward_cache(
    client: Client, cast: Cast, batanghari: Assignment, link: RespondentLink
) -> None:
    offline = client.get(reverse("form_link_offline", args=[link.token]))
    assert offline["Cache-Control"] == "private, no-cache"
    # The ordinary pages keep never_cache, and so does a refusal of the offline page.
    assert "no-store" in client.get(reverse("form_link", args=[link.token]))["Cache-Control"]
    url = reverse("form_enumerator_offline", args=[batanghari.pk, "gov"])
    assert "no-store" in client.get(url)["Cache-Control"]  # the redirect to the login page
    client.force_login(cast.eko)
    assert client.get(url)["Cache-Control"] == "private, no-cache"


def test_the_offline_page_takes_documents_only_where_the_form_does(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    client.force_login(cast.eko)
    gov = client.get(reverse("form_enumerator_offline", args=[batanghari.pk, "gov"]))
    html = gov.content.decode()
    assert 'type="file" id="bukti"' in html and "Dokumen pendukung (Perda, SK, anggaran)" in html
    config = _json_script(html, "offline-config")
    assert config["evidence"]["max_bytes"] == 5 * 1024 * 1024
    assert ".pdf" in config["evidence"]["extensions"]
    assert config["label"] == "Instansi pemerintah · Kabupaten Batanghari"
    assert config["login"] == reverse("login")
    # The same words as the online form.
    assert "Kirim jawaban" in html and "Simpan & kirim" not in html
    assert "Boleh dikosongkan bila Anda menjawab sebagai perorangan." in html
    assert config["text"]["empty"] == (
        "Belum ada jawaban yang diisi. Isi paling sedikit satu pertanyaan sebelum mengirim."
    )
    assert config["text"]["login_link"] == "Masuk lagi untuk mengirim"
    fam = client.get(reverse("form_enumerator_offline", args=[batanghari.pk, "fam"]))
    assert 'type="file"' not in fam.content.decode()
    assert _json_script(fam.content.decode(), "offline-config")["evidence"] is None


def test_the_enumerators_list_shows_filled_against_quota_and_warns_when_reached(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    Quota.objects.filter(assignment=batanghari, unit__code="gov").update(quota=2)
    for _ in range(2):
        result = ingest_submission(payload({"assignment": batanghari.pk}), user=cast.eko)
        assert result.status == 201
    client.force_login(cast.eko)
    html = client.get(reverse("enumerator_home")).content.decode()
    card = html[html.index("Kabupaten Batanghari <small") :]
    card = card[: card.index("</ul>")]
    assert "2 dari 2 terisi" in card and "Kuota sudah terpenuhi" in card
    assert card.count("Kuota sudah terpenuhi") == 1  # the other units are not full
    assert "0 dari 50 terisi" in card  # family
    # An excluded response does not count.
    actions.exclude_response(actor=cast.citra, response=Response.objects.first(), reason="uji")  # type: ignore[arg-type]
    html = client.get(reverse("enumerator_home")).content.decode()
    assert "1 dari 2 terisi" in html and "Kuota sudah terpenuhi" not in html


def test_the_enumerators_list_offers_every_unit_of_the_open_assignments_offline(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    client.force_login(cast.eko)
    response = client.get(reverse("enumerator_home"))
    html = response.content.decode()
    config = _json_script(html, "pengisian-config")
    urls = {unit["url"] for unit in config["units"]}
    scoped = Assignment.objects.filter(regency__code__in=["15.04", "15.05"])  # eko's BNNK
    expected = {
        reverse("form_enumerator_offline", args=[q.assignment_id, q.unit.code])
        for q in Quota.objects.filter(assignment__in=scoped).select_related("unit")
    }
    assert urls == expected and len(urls) == 10
    assert "Aceh" not in html and "Kota Jambi" not in html
    assert config["user"] == cast.eko.pk
    assert "Siapkan semua untuk luring" in html
    assert set(config["assets"]) >= {"/static/kotan/outbox.js", "/static/kotan/pengisian.js"}
    assert '<link rel="manifest" href="/static/kotan/manifest.webmanifest">' in html


def test_the_enumerators_list_costs_the_same_queries_for_more_assignments(
    client: Client, cast: Cast, batanghari: Assignment, django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast.budi)  # BNNP Jambi: every regency of the province
    client.get(reverse("enumerator_home"))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("enumerator_home")).content.decode()
    assert html.count("terisi") >= 11 * 5  # eleven regencies, five units each


def test_the_receipt_says_when_it_was_received_in_wib(client: Client, link: RespondentLink) -> None:
    url = reverse("form_link", args=[link.token])
    client.post(url, {"bagian": 1, "aksi": "lanjut", "q_MAS1_01": "3"})
    client.post(reverse("form_link_review", args=[link.token]))
    receipt = client.get(reverse("form_link_receipt", args=[link.token])).content.decode()
    response = Response.objects.get()
    received = timezone.localtime(response.raw.received_at, ZoneInfo("Asia/Jakarta"))
    expected = f"{date_format(received, 'j F Y')} pukul {received:%H.%M} WIB"
    assert f">{expected}</time>" in receipt
    assert re.search(r"\d{1,2} [A-Z][a-z]+ 20\d\d pukul \d\d\.\d\d WIB", expected)
    assert "Cetak / simpan tanda terima" in receipt and "data-print" in receipt
    assert response.receipt_number in receipt
    assert 'rel="manifest"' not in receipt  # its start page is not a respondent's


def test_the_manifest_installs_the_enumerators_questionnaire() -> None:
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())
    assert manifest["short_name"] == "SI-KOTAN" and manifest["lang"] == "id"
    assert manifest["start_url"] == "/pengisian/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert (STATIC / icon["src"]).is_file(), icon


def test_the_service_worker_keeps_the_enumerators_list(client: Client) -> None:
    body = client.get("/sw.js").content.decode()
    pattern = re.search(r"const PAGE = /(.*)/;", body)
    assert pattern
    page = re.compile(pattern.group(1).replace("\\/", "/"))
    assert page.match("/pengisian/") and page.match("/pengisian/3/gov/luring/")
    assert page.match("/isi/abc/luring/")
    assert not page.match("/pengisian/3/gov/") and not page.match("/isi/abc/")
