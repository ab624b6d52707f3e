"""Every JSON endpoint refuses in one shape, whoever refuses: the view, a middleware, a handler."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.test.utils import override_settings

from kotan.core import errors  # noqa: F401 (registers the codes used below)
from kotan.method.problems import Problem, problem_document

pytestmark = pytest.mark.django_db

KEYS = {"code", "detail", "location", "problems"}


def test_the_document_puts_the_first_problem_on_top_and_keeps_every_one() -> None:
    problems = [Problem("request.bad", ""), Problem("request.forbidden", "x")]
    document = problem_document(problems, receipt="KTN-1")
    assert document["code"] == "request.bad"
    assert document["detail"] == problems[0].message()
    assert [p["code"] for p in document["problems"]] == ["request.bad", "request.forbidden"]
    assert document["problems"][1]["location"] == "x"
    assert document["receipt"] == "KTN-1"


def shape(response: object) -> set[str]:
    body = json.loads(response.content)  # type: ignore[attr-defined]
    assert body["problems"][0]["code"] == body["code"]
    return set(body) & KEYS


def test_the_view_the_body_limit_and_the_404_handler_answer_alike(client: Client) -> None:
    url = "/api/v1/submissions/"
    refused = client.post(url, data=b"{not json", content_type="application/json")
    assert refused.status_code == 400
    with override_settings(KOTAN_MAX_REQUEST_BYTES=10):
        too_big = client.post(url, data=b'{"a": "0123456789"}', content_type="application/json")
    assert too_big.status_code == 413
    missing = client.get("/api/v1/tidak-ada/")
    assert missing.status_code == 404
    assert shape(refused) == shape(too_big) == shape(missing) == KEYS
