"""Refusals that can change are validated again; hostile values are kept as bytes, never a 500."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from kotan.collection import actions, ingest
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Assignment, RawSubmission, Response
from tests.support.cast import Cast
from tests.support.periods import payload


def test_a_sessionless_assignment_payload_is_401_and_sent_again_after_sign_in_becomes_one_response(
    cast: Cast, batanghari: Assignment
) -> None:
    data = payload({"assignment": batanghari.pk})
    first = ingest_submission(data)
    assert first.status == 401 and first.problems[0].code == "auth.required"
    kept = RawSubmission.objects.get()
    # Filed under the region it names, for its operators, but no response yet.
    assert kept.status == "invalid" and kept.assignment_id == batanghari.pk
    assert ingest_submission(data).status == 401  # still no session: still waiting
    signed_in = ingest_submission(data, user=cast.eko)
    assert signed_in.status == 201 and signed_in.receipt_number == first.receipt_number
    again = ingest_submission(data, user=cast.eko)
    assert (again.status, again.receipt_number) == (200, first.receipt_number)
    assert Response.objects.count() == 1 and RawSubmission.objects.count() == 1
    kept.refresh_from_db()
    assert kept.status == "accepted" and kept.submitted_by == cast.eko


def test_a_refusal_by_scope_is_filed_under_the_region_it_names(
    cast: Cast, batanghari: Assignment
) -> None:
    data = payload({"assignment": batanghari.pk})
    assert ingest_submission(data, user=cast.eko).status == 201
    outsider = payload({"assignment": Assignment.objects.get(regency__code="11.08").pk})
    refused = ingest_submission(outsider, user=cast.eko)
    assert refused.status == 422
    # Filed under Aceh's region: its resend by the outsider learns nothing of it (409).
    assert ingest_submission(outsider, user=cast.eko).status == 409
    assert Response.objects.count() == 1


def test_a_closed_assignment_refusal_is_accepted_once_it_reopens(
    cast: Cast, batanghari: Assignment
) -> None:
    data = payload({"assignment": batanghari.pk})
    Assignment.objects.filter(pk=batanghari.pk).update(status="diajukan")
    assert ingest_submission(data, user=cast.eko).problems[0].code == "submission.closed"
    Assignment.objects.filter(pk=batanghari.pk).update(status="berjalan")
    assert ingest_submission(data, user=cast.eko).status == 201
    assert ingest_submission(data, user=cast.eko).status == 200
    assert Response.objects.count() == 1


def test_a_final_refusal_is_answered_from_the_record(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    actions.deactivate_link(actor=cast.citra, link=link)
    data = payload({"link": link.token})
    first = ingest_submission(data)
    assert first.problems[0].code == "submission.link_inactive"
    # Filed under the link's region for its operators to see.
    assert RawSubmission.objects.get().assignment_id == batanghari.pk
    assert ingest_submission(data).receipt_number == first.receipt_number


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"institution": "Dinas\x00Sosial"}, "submission.bad_text"),
        ({"institution": "Dinas \ud83d"}, "submission.bad_text"),
        ({"answers": {"MAS1_01": float("nan")}}, "submission.not_json"),
        ({"answers": {"MAS1_01": float("inf")}}, "submission.not_json"),
        ({"extra": json.loads("[" * 50 + "]" * 50)}, "submission.too_deep"),
    ],
)
def test_values_that_cannot_be_stored_as_json_are_kept_as_bytes(
    cast: Cast, batanghari: Assignment, change: dict[str, object], code: str
) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    result = ingest_submission(payload({"link": link.token}, **change))
    assert result.status in (400, 422) and result.problems[0].code == code
    raw = RawSubmission.objects.get()
    assert raw.payload is None and raw.status == "invalid" and raw.body_size
    assert bytes(raw.body).startswith(b"{") and len(raw.body_sha256) == 64
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_an_anonymous_body_is_kept_only_up_to_the_limit_with_its_size_and_hash() -> None:
    junk = b"\xff" * (ingest.KEEP_BYTES_ANONYMOUS + 10_000)
    result = ingest_submission(None, channel="offline", body=junk)
    assert result.status == 400 and result.problems[0].code == "submission.not_json"
    raw = RawSubmission.objects.get()
    assert len(raw.body) == ingest.KEEP_BYTES_ANONYMOUS and raw.body_size == len(junk)


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"assignment": 2**40}, "assignment"),
        ({"assignment": 0}, "assignment"),
        ({"period": 99999, "regency": "15.04"}, "period"),
        ({"submitted_at": "9999-12-31T00:00:00+00:00"}, "submitted_at"),
        ({"started_at": "0001-01-01T00:00:00+00:00"}, "started_at"),
        ({"link": 12}, "link"),
    ],
)
def test_numbers_and_times_out_of_range_are_located_problems(
    cast: Cast, batanghari: Assignment, change: dict[str, object], location: str
) -> None:
    context = {} if ("period" in change or "link" in change) else {"assignment": batanghari.pk}
    result = ingest_submission(payload(context, **change), user=cast.eko)
    assert result.status == 422
    assert location in [p.location for p in result.problems]
    assert Response.objects.count() == 0


def test_a_form_left_open_for_weeks_has_no_duration(cast: Cast, batanghari: Assignment) -> None:
    started = timezone.now() - timedelta(days=60)
    result = ingest_submission(
        payload({"assignment": batanghari.pk}, started_at=started.isoformat()), user=cast.eko
    )
    assert result.status == 201
    assert Response.objects.get().duration_seconds is None
