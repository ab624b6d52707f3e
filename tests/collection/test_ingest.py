"""The one ingestion function: nothing lost, nothing doubled, every problem kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from kotan.collection import actions, ingest
from kotan.collection.ingest import ingest_submission, reprocess_pending
from kotan.collection.models import Answer, Assignment, RawSubmission, Response
from tests.support.cast import Cast
from tests.support.periods import payload


@pytest.fixture
def link(cast: Cast, batanghari: Assignment) -> object:
    return actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=3)


def test_a_new_submission_becomes_one_response_with_a_receipt(link: object) -> None:
    result = ingest_submission(payload({"link": link.token}))  # type: ignore[attr-defined]
    assert result.status == 201 and result.receipt_number.startswith("KTN-")
    response = Response.objects.get()
    assert response.receipt_number == result.receipt_number
    assert Answer.objects.filter(response=response).count() == 6
    tidak_tahu = Answer.objects.get(response=response, item__code="LEM1_01")
    assert (tidak_tahu.value, tidak_tahu.score) == ("TT", None)  # missing, never zero
    assert response.duration_seconds == 600
    assert Assignment.objects.get(pk=response.assignment_id).status == "berjalan"


def test_resend_returns_the_same_receipt(link: object) -> None:
    data = payload({"link": link.token})  # type: ignore[attr-defined]
    first = ingest_submission(data)
    again = ingest_submission(dict(reversed(list(data.items()))))  # same data, other key order
    assert (again.status, again.receipt_number) == (200, first.receipt_number)
    assert again.response_id == first.response_id
    assert Response.objects.count() == 1 and RawSubmission.objects.count() == 1


def test_conflicting_resend_is_409_and_kept(link: object) -> None:
    data = payload({"link": link.token})  # type: ignore[attr-defined]
    first = ingest_submission(data)
    changed = {**data, "answers": {**data["answers"], "MAS1_01": "1"}}
    conflict = ingest_submission(changed)
    assert conflict.status == 409
    assert conflict.receipt_number != first.receipt_number
    assert conflict.problems[0].code == "submission.conflict"
    kept = RawSubmission.objects.get(status="conflict")
    assert kept.payload["answers"]["MAS1_01"] == "1"
    assert Answer.objects.get(item__code="MAS1_01").value == "3"  # the first one stands
    assert ingest_submission(data).status == 200


def test_an_invalid_payload_is_kept_with_its_problems(link: object) -> None:
    data = payload(
        {"link": link.token},  # type: ignore[attr-defined]
        answers={"MAS1_01": "9", "KEL1_01": "3", "ZZZ": "1"},
    )
    result = ingest_submission(data)
    assert result.status == 422
    assert [p.code for p in result.problems] == [
        "submission.value",
        "submission.item_not_asked",
        "submission.item_unknown",
    ]
    assert "Jawaban '9' untuk butir 'MAS1_01' tidak dikenal" in result.problems[0].message()
    raw = RawSubmission.objects.get()
    assert raw.status == "invalid" and len(raw.errors) == 3
    assert not Response.objects.exists()
    again = ingest_submission(data)
    assert (again.status, again.receipt_number) == (422, result.receipt_number)
    assert RawSubmission.objects.count() == 1


def test_garbage_is_kept_too(db: None) -> None:
    for garbage in (["not", "an", "object"], {"answers": "x"}, {"uuid": "nope", "unit": 3}):
        result = ingest_submission(garbage)
        assert result.status == 422 and result.receipt_number
    assert RawSubmission.objects.filter(status="invalid").count() == 3


def test_a_crash_after_storing_leaves_the_payload_reparseable(link: object) -> None:
    data = payload({"link": link.token})  # type: ignore[attr-defined]
    with (
        mock.patch("kotan.collection.ingest._parse_and_store", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        ingest_submission(data)
    raw = RawSubmission.objects.get()
    assert raw.status == "received" and raw.payload == data
    [result] = reprocess_pending()
    assert result.status == 201
    assert ingest_submission(data).receipt_number == raw.receipt_number
    assert Response.objects.count() == 1


def test_a_resend_during_the_crash_window_finishes_the_work(link: object) -> None:
    data = payload({"link": link.token})  # type: ignore[attr-defined]
    with (
        mock.patch("kotan.collection.ingest._parse_and_store", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        ingest_submission(data)
    result = ingest_submission(data)  # the client retries
    assert result.status == 201 and Response.objects.count() == 1


def test_link_limits(cast: Cast, batanghari: Assignment) -> None:
    once = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    assert ingest_submission(payload({"link": once.token})).status == 201
    used = ingest_submission(payload({"link": once.token}))
    assert used.status == 422 and "batasnya" in used.problems[0].message()
    expired = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    expired.expires_at = timezone.now() - timedelta(seconds=1)
    expired.save()
    assert (
        "kedaluwarsa" in ingest_submission(payload({"link": expired.token})).problems[0].message()
    )
    other_unit = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="edu")
    wrong = ingest_submission(payload({"link": other_unit.token}, unit="gov"))
    assert "unit observasi tidak sesuai" in wrong.problems[0].message()
    off = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    actions.deactivate_link(actor=cast.citra, link=off)
    assert ingest_submission(payload({"link": off.token})).status == 422
    assert ingest_submission(payload({"link": "tidak-ada"})).status == 422


def test_the_last_use_of_a_link_goes_to_one_submission_only(
    cast: Cast, batanghari: Assignment
) -> None:
    """Two senders pass the link check at once; the use limit is enforced where it is counted."""
    once = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    assert ingest_submission(payload({"link": once.token})).status == 201
    # The second sender read the link before the first one's use was counted.
    with mock.patch.object(type(once), "unavailable_reason", return_value=None):
        late = ingest_submission(payload({"link": once.token}))
    assert late.status == 422 and late.problems[0].code == "submission.link_used_up"
    assert Response.objects.count() == 1
    kept = RawSubmission.objects.get(receipt_number=late.receipt_number)
    assert kept.status == "invalid" and kept.errors[0]["code"] == "submission.link_used_up"
    once.refresh_from_db()
    assert once.use_count == 1


def test_a_uuid_from_another_region_reveals_and_attaches_nothing(
    cast: Cast, batanghari: Assignment
) -> None:
    data = payload({"assignment": batanghari.pk})
    first = ingest_submission(data, user=cast.eko)
    assert first.status == 201
    # BNNP Aceh sends the same UUID: with the same content, then with other content.
    for attempt in (data, {**data, "institution": "Lain"}):
        other = ingest_submission(attempt, user=cast.hadi)
        assert other.status == 409 and other.receipt_number != first.receipt_number
    planted = RawSubmission.objects.filter(status="conflict")
    assert planted.count() == 2 and not planted.exclude(assignment=None).exists()
    assert ingest_submission(data, user=cast.eko).receipt_number == first.receipt_number
    assert ingest_submission(data, user=cast.budi).status == 200  # BNNP Jambi sees it


def test_enumerators_submit_within_their_scope_only(cast: Cast, period: object) -> None:
    mine = Assignment.objects.get(regency__code="15.04")
    theirs = Assignment.objects.get(regency__code="11.08")
    ok = ingest_submission(payload({"assignment": mine.pk}), user=cast.eko)
    assert ok.status == 201
    assert Response.objects.get().enumerator == cast.eko
    refused = ingest_submission(payload({"assignment": theirs.pk}), user=cast.eko)
    assert refused.status == 422 and refused.problems[0].code == "submission.assignment"
    anonymous = ingest_submission(payload({"assignment": mine.pk}))
    assert anonymous.status == 401 and anonymous.problems[0].code == "auth.required"


def test_excel_style_context_by_regency_and_period(cast: Cast, period: object) -> None:
    result = ingest_submission(
        payload({"regency": "15.04", "period": 2026}), channel="excel", user=cast.citra
    )
    assert result.status == 201 and Response.objects.get().channel == "excel"


def test_a_submitted_assignment_takes_no_more_answers(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=5)
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    result = ingest_submission(payload({"link": link.token}))
    assert result.status == 422 and result.problems[0].code == "submission.closed"


def test_quality_flags(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=5)
    same = {
        code: "4"
        for code in [
            "MAS1_01",
            "MAS1_02",
            "MAS1_03",
            "MAS1_04",
            "LEM1_01",
            "LEM1_02",
            "LEM1_03",
            "LEM3_01",
        ]
    }
    now = timezone.now()
    ingest_submission(
        payload(
            {"link": link.token},
            answers=same,
            started_at=(now - timedelta(seconds=5)).isoformat(),
            submitted_at=now.isoformat(),
        )
    )
    ingest_submission(payload({"link": link.token}))  # same institution as the first
    first, second = Response.objects.order_by("pk")
    assert first.flags == ["straight_lining", "too_fast"]
    assert second.flags == []  # the same institution twice is found when the list is read


def test_excluding_a_response_keeps_it_and_audits(cast: Cast, link: object) -> None:
    from auditlog.models import LogEntry

    ingest_submission(payload({"link": link.token}))  # type: ignore[attr-defined]
    response = Response.objects.get()
    with pytest.raises(actions.TransitionError):
        actions.exclude_response(actor=cast.citra, response=response, reason=" ")
    for outsider in (cast.eko, cast.hadi):  # an enumerator; an operator of another province
        with pytest.raises(actions.TransitionError):
            actions.exclude_response(actor=outsider, response=response, reason="x")
    actions.exclude_response(actor=cast.citra, response=response, reason="Responden ganda")
    response.refresh_from_db()
    assert response.excluded and response.excluded_reason == "Responden ganda"
    entry = LogEntry.objects.get_for_object(response).latest("timestamp")
    assert entry.actor == cast.citra and "excluded" in entry.changes_dict


def test_a_new_submission_costs_a_fixed_number_of_queries(
    link: object, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    ingest_submission(payload({"link": link.token}))  # type: ignore[attr-defined]  # warms the rules
    # 6 statements; the test's own transaction adds a SAVEPOINT and a RELEASE around each of
    # the two steps (in production the raw INSERT commits alone and the rest is one
    # BEGIN … COMMIT: 8).
    with django_assert_max_num_queries(10):
        assert ingest_submission(payload({"link": link.token})).status == 201  # type: ignore[attr-defined]


def test_first_submission_moving_an_assignment_is_audited(
    cast: Cast, batanghari: Assignment
) -> None:
    assert batanghari.status == Assignment.Status.NOT_STARTED
    result = ingest.ingest_submission(payload({"assignment": batanghari.pk}), user=cast.eko)
    assert result.status == 201
    entry = LogEntry.objects.get_for_object(batanghari).latest("timestamp")
    assert entry.changes_dict["status"] == ["belum_mulai", "berjalan"]
    assert entry.actor == cast.eko
    ingest.ingest_submission(payload({"assignment": batanghari.pk}), user=cast.eko)
    assert LogEntry.objects.get_for_object(batanghari).filter(action=1).count() == 1
