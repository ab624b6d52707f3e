"""What anonymous senders can store: body limits, rate limits, caps per link, documents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from kotan.collection import actions, evidence, ingest, limits
from kotan.collection.actions import TransitionError
from kotan.collection.channels import web
from kotan.collection.channels.api import MAX_ANONYMOUS_BYTES
from kotan.collection.models import Assignment, Evidence, RawSubmission, Response
from tests.support.cast import Cast
from tests.support.periods import payload

URL = "/api/v1/submissions/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def post_json(client: Client, data: object, **extra: object) -> object:
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(URL, body, content_type="application/json", **extra)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _own_counters(settings: Any) -> None:
    """Counters in this process's memory: tests running beside these (other workers, one
    shared Redis) neither see nor move them."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "limits",
        }
    }
    cache.clear()


def test_an_oversized_anonymous_body_keeps_a_bounded_record(
    cast: Cast, batanghari: Assignment
) -> None:
    junk = '{"link": "made-up", "x": "' + "a" * (3 * MAX_ANONYMOUS_BYTES) + '"}'
    answer = post_json(Client(), junk)
    assert answer.status_code == 413  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert body["code"] == "submission.too_large" and body["receipt"]
    raw = RawSubmission.objects.get()
    assert raw.status == "invalid" and raw.payload is None
    assert len(bytes(raw.body)) <= evidence_keep() and raw.body_sha256
    assert not Response.objects.exists()


def evidence_keep() -> int:
    return ingest.KEEP_BYTES_ANONYMOUS


def test_a_questionnaire_comes_with_its_documents(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    data = payload({"link": link.token})
    files = [
        SimpleUploadedFile("sk.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream"),
    ]
    answer = Client().post(URL, {"payload": json.dumps(data), "evidence": files})
    assert answer.status_code == 201  # type: ignore[attr-defined]
    refused = answer.json()["evidence_rejected"]  # type: ignore[attr-defined]
    assert [r["name"] for r in refused] == ["virus.exe"]
    response = Response.objects.get()
    assert list(
        Evidence.objects.filter(response=response).values_list("original_name", flat=True)
    ) == ["sk.pdf"]
    # The outbox sends again (no answer reached it): one response, the file not twice.
    again = Client().post(
        URL, {"payload": json.dumps(data), "evidence": [SimpleUploadedFile("sk.pdf", PDF)]}
    )
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert Response.objects.count() == 1 and Evidence.objects.count() == 1


@override_settings(RATELIMIT_ENABLE=True, KOTAN_ADDRESS_REQUESTS=3)
def test_anonymous_senders_are_limited_per_address(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=10
    )
    client = Client()
    answers = [post_json(client, payload({"link": link.token})).status_code for _ in range(4)]  # type: ignore[attr-defined]
    assert answers == [201, 201, 201, 429]
    limited = post_json(client, payload({"link": link.token}))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0  # type: ignore[attr-defined,index]
    assert limited.json()["code"] == "rate.limited"  # type: ignore[attr-defined]
    assert Response.objects.count() == 3  # nothing stored for the refused ones
    signed_in = Client()
    signed_in.force_login(cast.eko)
    assert post_json(signed_in, payload({"assignment": batanghari.pk})).status_code == 201  # type: ignore[attr-defined]


@override_settings(RATELIMIT_ENABLE=True)
def test_the_first_honest_sending_is_never_refused(cast: Cast, batanghari: Assignment) -> None:
    """A single-use link: a questionnaire's worth of page posts and resends all pass."""
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=1)
    client = Client()
    data = payload({"link": link.token})
    codes = {post_json(client, data).status_code for _ in range(actions_per_questionnaire())}  # type: ignore[attr-defined]
    assert codes == {201, 200}


def actions_per_questionnaire() -> int:
    return 15  # sections, review, sending and a few resends from a bad signal


@override_settings(RATELIMIT_ENABLE=True)
def test_a_link_is_limited_on_the_questionnaire_pages(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=1)
    client = Client()
    url = f"/isi/{link.token}/"
    statuses = [
        client.post(url, {"bagian": "1", "aksi": "lanjut"}).status_code
        for _ in range(limits.REQUESTS_PER_USE + 1)
    ]
    assert 429 not in statuses[:-1] and statuses[-1] == 429


def test_a_link_holds_a_bounded_number_of_drafts(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=1)
    unit = batanghari.period.instrument.units.get(code="gov")
    for _ in range(web.drafts_allowed(link)):
        web.start_draft(assignment=batanghari, unit=unit, link=link)
    with pytest.raises(TransitionError) as refused:
        web.start_draft(assignment=batanghari, unit=unit, link=link)
    assert refused.value.problems[0].code == "draft.too_many"


def test_a_link_holds_a_bounded_number_of_bytes(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=1)
    unit = batanghari.period.instrument.units.get(code="gov")
    draft = web.start_draft(assignment=batanghari, unit=unit, link=link)
    with pytest.raises(Exception) as refused:
        evidence.check_room(draft, 1, evidence.link_budget(link) + 1)
    assert "batasnya" in str(refused.value)
    evidence.check_room(draft, 1, evidence.link_budget(link))  # exactly the budget fits
