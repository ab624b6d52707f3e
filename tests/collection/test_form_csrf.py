"""A questionnaire section posted with a stale CSRF token loses nothing."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from kotan.collection import actions
from kotan.collection.models import Assignment, Draft
from tests.support.cast import Cast


def test_csrf_failure_on_the_questionnaire_keeps_the_answers(
    cast: Cast, batanghari: Assignment
) -> None:
    """A section posted with a stale token: the answers come back in a form with a fresh
    token, and sending it saves them."""
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    link_form_url = reverse("form_link", args=[link.token])
    client = Client(enforce_csrf_checks=True)
    client.get(link_form_url)
    posted = {"bagian": "1", "q_MAS1_01": "3", "instansi": "Kesbangpol", "aksi": "lanjut"}
    refused = client.post(link_form_url, {**posted, "csrfmiddlewaretoken": "stale" * 8})
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Isian Anda belum hilang" in html
    assert 'name="q_MAS1_01" value="3"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    resent = client.post(link_form_url, kept)
    assert resent.status_code == 302
    assert Draft.objects.get().answers.get("MAS1_01") is not None
