"""The same task on the production queue: RQ on Redis (KOTAN_TASKS_BACKEND=rq), run by RQ's
own worker. CI starts Redis; elsewhere these tests need a Redis on 127.0.0.1:6379."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from unittest import mock

import django_rq
import pytest
import redis
from django_tasks import TaskResultStatus, task_backends
from django_tasks_rq import Job
from pytest_django.fixtures import Settings
from rq import SimpleWorker

from kotan.collection import actions
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Assignment, RawSubmission, Response
from kotan.collection.tasks import reprocess_pending_submissions
from tests.support.cast import Cast
from tests.support.periods import payload

REDIS_URL = os.environ.get("KOTAN_REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def rq_queue(settings: Settings) -> Iterator[str]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("KOTAN_REQUIRE_POSTGRES") == "1":  # CI: the services must be there
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    name = f"test-{uuid.uuid4().hex[:10]}"  # a queue of its own: parallel runs do not meet
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}, name: {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    yield name
    django_rq.get_queue(name).empty()


def run_rq_worker(queue: str) -> None:
    """RQ's worker, once over the queue, in this process (SimpleWorker: no fork, so it sees the
    test's transaction), with the job class django-tasks-rq requires."""
    q = django_rq.get_queue(queue, job_class=Job)
    SimpleWorker([q], connection=q.connection, job_class=Job).work(burst=True)


def test_the_rq_backend_is_the_one_configured(rq_queue: str) -> None:
    assert type(task_backends["default"]).__name__ == "RQBackend"


def test_a_task_on_rq_runs_on_rqs_worker_and_its_result_is_read_back(
    rq_queue: str, cast: Cast, batanghari: Assignment
) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    with (
        mock.patch("kotan.collection.ingest._parse_and_store", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        ingest_submission(payload({"link": link.token}))
    reprocess = reprocess_pending_submissions.using(queue_name=rq_queue)
    first = reprocess.enqueue(older_than_seconds=0)
    second = reprocess.enqueue(older_than_seconds=0)
    assert first.status == TaskResultStatus.READY
    run_rq_worker(rq_queue)
    first.refresh()
    second.refresh()
    assert (first.status, second.status) == ("SUCCESSFUL", "SUCCESSFUL")
    assert sorted([first.return_value, second.return_value]) == [0, 1]  # idempotent on RQ too
    assert RawSubmission.objects.get().status == "accepted"
    assert Response.objects.count() == 1


def test_a_task_that_raises_on_rq_is_recorded_failed_with_its_error(rq_queue: str) -> None:
    purge = reprocess_pending_submissions.using(queue_name=rq_queue)
    with mock.patch("kotan.collection.tasks.reprocess_pending", side_effect=ValueError("rusak")):
        result = purge.enqueue(older_than_seconds=0)
        run_rq_worker(rq_queue)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert "rusak" in result.errors[0].traceback
