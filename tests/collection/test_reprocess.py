"""kotan reprocess_pending: stuck raw submissions are finished, once."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from kotan.collection import actions
from kotan.collection.ingest import ingest_submission
from kotan.collection.management.commands.reprocess_pending import parse_age
from kotan.collection.models import Assignment, RawSubmission, Response
from tests.support.cast import Cast
from tests.support.periods import payload


def _stuck(cast: Cast, assignment: Assignment) -> RawSubmission:
    link = actions.create_link(actor=cast.citra, assignment=assignment, unit_code="gov")
    with (
        mock.patch("kotan.collection.ingest._parse_and_store", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        ingest_submission(payload({"link": link.token}))
    return RawSubmission.objects.get(status="received")


def test_the_command_finishes_stuck_rows_and_a_second_run_changes_nothing(
    cast: Cast, batanghari: Assignment
) -> None:
    raw = _stuck(cast, batanghari)
    out = StringIO()
    call_command("reprocess_pending", "--older-than", "0s", stdout=out)
    assert "1 kiriman diproses ulang (1 diterima)" in out.getvalue()
    raw.refresh_from_db()
    assert raw.status == "accepted" and Response.objects.filter(raw=raw).count() == 1
    again = StringIO()
    call_command("reprocess_pending", "--older-than", "0s", stdout=again)
    assert "0 kiriman diproses ulang" in again.getvalue()
    assert Response.objects.count() == 1


def test_rows_younger_than_the_age_are_left_for_the_request_still_working(
    cast: Cast, batanghari: Assignment
) -> None:
    _stuck(cast, batanghari)
    call_command("reprocess_pending", "--older-than", "5m", stdout=StringIO())
    assert RawSubmission.objects.get().status == "received"


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("5m", 300), ("2h", 7200), ("7", 7)])
def test_ages(text: str, seconds: int) -> None:
    assert parse_age(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "5 minutes", "-5m", "5w"])
def test_an_unknown_age_is_refused_in_indonesian(text: str) -> None:
    with pytest.raises(CommandError, match="tidak dikenal"):
        parse_age(text)
