"""The periodic jobs: ``settings.KOTAN_SCHEDULE`` read, and which of them are due when.

``kotan scheduler`` (the command) only enqueues; the worker of whichever backend is configured
(``db_worker`` on the database, ``rqworker`` on Redis) runs them. Every job is idempotent, so
enqueueing one twice (a restart, two schedulers) sends nothing twice; that is why a scheduler that
starts enqueues every job once at once: a daily job missed while the machine was off is caught up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from croniter import croniter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task, TaskResult


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    cron: str
    kwargs: dict[str, Any]

    def task(self) -> Task[Any, Any]:
        found = import_string(self.task_path)
        if not isinstance(found, Task):
            raise ImproperlyConfigured(
                f"KOTAN_SCHEDULE[{self.name!r}]: {self.task_path} is no task"
            )
        return found

    def next_after(self, moment: datetime) -> datetime:
        """The first run strictly after ``moment``, in the site's time zone."""
        local = timezone.localtime(moment)
        result: datetime = croniter(self.cron, local).get_next(datetime)
        return result

    def enqueue(self) -> TaskResult[Any]:
        return self.task().enqueue(**self.kwargs)


def periodic_jobs(
    schedule: dict[str, tuple[str, str, dict[str, Any]]] | None = None,
) -> list[PeriodicJob]:
    """The configured jobs, each checked: a known task and a valid cron expression."""
    raw = settings.KOTAN_SCHEDULE if schedule is None else schedule
    jobs = []
    for name, (path, cron, kwargs) in raw.items():
        if not croniter.is_valid(cron):
            raise ImproperlyConfigured(f"KOTAN_SCHEDULE[{name!r}]: invalid cron {cron!r}")
        job = PeriodicJob(name, path, cron, dict(kwargs))
        job.task()
        jobs.append(job)
    return jobs


class Clock:
    """When each job runs next; ``due(now)`` returns those whose time has come and moves them on."""

    def __init__(self, jobs: Iterable[PeriodicJob], started: datetime) -> None:
        self.jobs = list(jobs)
        self.next_run = {job.name: job.next_after(started) for job in self.jobs}

    def due(self, now: datetime) -> list[PeriodicJob]:
        due = [job for job in self.jobs if self.next_run[job.name] <= now]
        for job in due:
            self.next_run[job.name] = job.next_after(now)
        return due

    def retry_soon(self, job: PeriodicJob, now: datetime, seconds: float = 60.0) -> None:
        """A job that could not be enqueued (database or Redis away) is tried again soon."""
        self.next_run[job.name] = now + timedelta(seconds=seconds)

    def seconds_to_next(self, now: datetime) -> float:
        if not self.next_run:
            return 60.0
        return max(0.0, (min(self.next_run.values()) - now).total_seconds())
