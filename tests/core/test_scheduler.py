"""The periodic schedule: which job is due when, and ``kotan scheduler`` enqueueing them."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from kotan.core.schedule import Clock, periodic_jobs

WIB = ZoneInfo("Asia/Jakarta")
SCHEDULE = {
    "reprocess": (
        "kotan.collection.tasks.reprocess_pending_submissions",
        "*/10 * * * *",
        {"older_than_seconds": 600},
    ),
    "purge": ("kotan.collection.tasks.purge_drafts", "30 2 * * *", {"days": 30}),
}


def at(hour: int, minute: int, day: int = 4) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=WIB)


def test_the_configured_schedule_names_real_tasks_and_valid_times() -> None:
    jobs = periodic_jobs()
    assert {"reprocess_pending", "purge_drafts", "deliver_email"} <= {j.name for j in jobs}
    for job in jobs:
        assert job.task().name  # a django-tasks Task, importable


def test_a_bad_cron_or_a_path_that_is_no_task_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="invalid cron"):
        periodic_jobs({"x": ("kotan.collection.tasks.purge_drafts", "every day", {})})
    with pytest.raises(ImproperlyConfigured, match="is no task"):
        periodic_jobs({"x": ("kotan.core.schedule.periodic_jobs", "* * * * *", {})})


def test_cron_times_are_read_in_the_site_time_zone() -> None:
    purge = periodic_jobs(SCHEDULE)[1]
    # 19:00 UTC is 02:00 in Jakarta (UTC+7) of the next day: 02:30 comes half an hour later.
    nxt = purge.next_after(datetime(2026, 12, 4, 19, 0, tzinfo=ZoneInfo("UTC")))
    assert nxt.astimezone(WIB) == at(2, 30, day=5)


def test_the_clock_gives_each_job_at_its_time_and_not_again_before_the_next() -> None:
    clock = Clock(periodic_jobs(SCHEDULE), started=at(2, 25))
    assert clock.due(at(2, 26)) == []
    assert [j.name for j in clock.due(at(2, 30))] == ["reprocess", "purge"]
    assert clock.due(at(2, 31)) == []  # already given for this time
    assert [j.name for j in clock.due(at(2, 40))] == ["reprocess"]
    assert clock.seconds_to_next(at(2, 45)) == 300
    # Asleep for hours (a laptop lid, a paused VM): each job is given once, not once per miss.
    assert [j.name for j in clock.due(at(9, 0, day=6))] == ["reprocess", "purge"]
    assert clock.due(at(9, 0, day=6)) == []


def test_a_job_that_could_not_be_enqueued_is_tried_again_within_a_minute() -> None:
    clock = Clock(periodic_jobs(SCHEDULE), started=at(2, 25))
    [_, purge] = clock.due(at(2, 30))
    clock.retry_soon(purge, at(2, 30))
    assert [j.name for j in clock.due(at(2, 31))] == ["purge"]
    assert clock.next_run["purge"] == at(2, 30, day=5)


@override_settings(KOTAN_SCHEDULE=SCHEDULE)
def test_scheduler_once_enqueues_every_job(db: None) -> None:
    out = StringIO()
    # Between jobs the scheduler drops stale connections; inside a test's transaction on
    # PostgreSQL that would close the test's own, so that one clean-up is skipped here.
    with mock.patch("kotan.core.management.commands.scheduler.close_old_connections"):
        call_command("scheduler", "--once", stdout=out)
    rows = DBTaskResult.objects.order_by("task_path")
    assert [r.task_path for r in rows] == [
        "kotan.collection.tasks.purge_drafts",
        "kotan.collection.tasks.reprocess_pending_submissions",
    ]
    assert {r.status for r in rows} == {"READY"}
    assert rows[1].args_kwargs["kwargs"] == {"older_than_seconds": 600}
    assert "purge ->" in out.getvalue()


@override_settings(KOTAN_SCHEDULE=SCHEDULE)
def test_scheduler_list_shows_each_job_with_its_next_time(db: None) -> None:
    out = StringIO()
    call_command("scheduler", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("purge") and "30 2 * * *" in lines[1]
    assert not DBTaskResult.objects.exists()


def test_the_next_time_never_lies_in_the_past() -> None:
    job = periodic_jobs(SCHEDULE)[0]
    moment = at(23, 59)
    assert job.next_after(moment) - moment <= timedelta(minutes=10)
    assert job.next_after(moment) > moment
