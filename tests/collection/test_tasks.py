"""Collection's jobs as tasks: enqueued on the database backend, run by the real worker."""

from __future__ import annotations

from unittest import mock

import pytest
from django_tasks_db.models import DBTaskResult

from kotan.collection import actions
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Assignment, RawSubmission, Response
from kotan.collection.tasks import purge_drafts, reprocess_pending_submissions
from tests.support.cast import Cast
from tests.support.jobs import run_worker
from tests.support.periods import payload


def test_the_reprocess_task_finishes_a_stuck_row_once(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    with (
        mock.patch("kotan.collection.ingest._parse_and_store", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        ingest_submission(payload({"link": link.token}))
    first = reprocess_pending_submissions.enqueue(older_than_seconds=0)
    second = reprocess_pending_submissions.enqueue(older_than_seconds=0)
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # waiting for the worker
    run_worker()
    first.refresh()
    second.refresh()
    assert (first.status, second.status) == ("SUCCESSFUL", "SUCCESSFUL")
    assert sorted([first.return_value, second.return_value]) == [0, 1]  # idempotent
    assert RawSubmission.objects.get().status == "accepted"
    assert Response.objects.count() == 1


def test_the_purge_task_runs_and_reports_what_it_deleted(db: None) -> None:
    result = purge_drafts.enqueue(days=30)
    run_worker()
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == [0, 0]
