"""The JSON submission endpoint: status codes, receipts, CSRF for sessions."""

from __future__ import annotations

import json

from django.test import Client

from kotan.collection import actions, ingest
from kotan.collection.models import Assignment, RawSubmission, Response
from tests.support.cast import Cast
from tests.support.periods import payload

URL = "/api/v1/submissions/"


def post(client: Client, data: object, **extra: object) -> object:
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(URL, body, content_type="application/json", **extra)  # type: ignore[arg-type]


def test_new_resend_and_conflict(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=2)
    client = Client()
    data = payload({"link": link.token})
    first = post(client, data)
    assert first.status_code == 201 and first.json()["status"] == "accepted"  # type: ignore[attr-defined]
    again = post(client, data)
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.json() == {"receipt": first.json()["receipt"], "status": "duplicate"}  # type: ignore[attr-defined]
    conflict = post(client, {**data, "institution": "Lain"})
    assert conflict.status_code == 409  # type: ignore[attr-defined]
    assert conflict.json()["code"] == "submission.conflict"  # type: ignore[attr-defined]
    assert Response.objects.count() == 1 and RawSubmission.objects.count() == 2
    assert Response.objects.get().channel == "offline"


def test_invalid_and_not_json_are_kept(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    invalid = post(Client(), payload({"link": link.token}, answers={"MAS1_01": "7"}))
    assert invalid.status_code == 422  # type: ignore[attr-defined]
    body = invalid.json()  # type: ignore[attr-defined]
    # One problem shape: the first problem on top, every problem below.
    assert body["code"] == body["problems"][0]["code"] == "submission.value"
    assert body["location"] == body["problems"][0]["location"]
    assert "tidak dikenal" in body["detail"]
    broken = post(Client(), "{not json")
    assert broken.status_code == 400  # type: ignore[attr-defined]
    assert RawSubmission.objects.filter(status="invalid").count() == 2


def test_english_problems_on_request(cast: Cast, batanghari: Assignment) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    body = post(client, {"uuid": "x"}).json()  # type: ignore[attr-defined]
    assert "missing or invalid" in body["detail"]


def test_sessions_need_the_csrf_token(cast: Cast, batanghari: Assignment) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.eko)
    refused = post(client, payload({"assignment": batanghari.pk}))
    assert refused.status_code == 403 and refused.json()["code"] == "auth.csrf"  # type: ignore[attr-defined]
    assert not RawSubmission.objects.exists()
    client.get("/")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = post(client, payload({"assignment": batanghari.pk}), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201  # type: ignore[attr-defined]
    assert Response.objects.get().enumerator == cast.eko


def test_only_post(db: None) -> None:
    assert Client().get(URL).status_code == 405


def test_accounts_that_do_not_fill_questionnaires_are_refused_without_a_link(
    cast: Cast, batanghari: Assignment
) -> None:
    for user in (cast.fajar, cast.gita, cast.dewi):  # national viewer, province viewer, focal point
        client = Client()
        client.force_login(user)
        refused = post(client, payload({"assignment": batanghari.pk}))
        assert refused.status_code == 403, user.username  # type: ignore[attr-defined]
        assert refused.json()["code"] == "submission.not_allowed"  # type: ignore[attr-defined]
    assert RawSubmission.objects.count() == 0 and Response.objects.count() == 0
    # The ingestion rule holds for every channel, not only this endpoint: kept as invalid.
    result = ingest.ingest_submission(payload({"assignment": batanghari.pk}), user=cast.fajar)
    assert result.status == 422 and result.problems[0].code == "submission.not_allowed"
    assert Response.objects.count() == 0


def test_a_signed_in_focal_point_may_fill_a_public_link(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    client = Client()
    client.force_login(cast.dewi)
    assert post(client, payload({"link": link.token})).status_code == 201  # type: ignore[attr-defined]
    assert Response.objects.filter(link=link).count() == 1
