"""Background jobs: queued, run by the real worker, progress, result, failure, retry, scope."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoAssertNumQueries

from kotan.accounts.models import User
from kotan.jobs import actions
from kotan.jobs.models import Job
from kotan.jobs.tasks import purge_job_results, reap_stale_jobs, run_job
from kotan.notifications.models import Notification
from tests.support import jobs as test_runners
from tests.support.cast import Cast
from tests.support.jobs import client_for, run_worker


def start(user: User, kind: str = "test_counting", **params: object) -> Job:
    return actions.start_job(user, kind, f"Uji {kind}", {"name": "laporan", **params})


def test_a_started_job_waits_in_the_queue_for_one_task(cast: Cast) -> None:
    job = start(cast.budi)
    assert job.status == "antre" and job.started_by == cast.budi
    task = DBTaskResult.objects.get()
    assert task.status == "READY" and str(task.id) == job.task_result_id
    assert task.args_kwargs["args"] == [job.pk]
    assert LogEntry.objects.get_for_object(job).filter(action=LogEntry.Action.CREATE).exists()


def test_the_worker_runs_it_with_progress_a_file_and_a_notice(cast: Cast) -> None:
    job = start(cast.budi)
    run_worker()
    job.refresh_from_db()
    assert job.status == "selesai", job.error_detail
    assert test_runners.SEEN == [(0, 3, "Langkah 1"), (1, 3, "Langkah 2"), (2, 3, "Langkah 3")]
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at
    assert job.result_name == "laporan.txt" and job.result_file.name.startswith("jobs/")
    assert "laporan" not in job.result_file.name  # the stored name is random
    notice = Notification.objects.get(recipient=cast.budi)
    assert notice.kind == "task_finished" and "Uji test_counting" in notice.title
    assert notice.url == reverse("job_detail", args=[job.pk])
    assert not Notification.objects.exclude(recipient=cast.budi).exists()
    # The progress writes are not in the audit trail; the start and the outcome are.
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(job)]
    assert not any("progress_done" in c for c in changes)
    assert any(c.get("status") == ["berjalan", "selesai"] for c in changes)


def test_the_result_downloads_as_an_attachment(cast: Cast) -> None:
    job = start(cast.budi)
    run_worker()
    response = client_for(cast.budi).get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"isi laporan"  # type: ignore[attr-defined]
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="laporan.txt"'


def test_the_page_refreshes_itself_while_the_job_is_pending(cast: Cast) -> None:
    job = start(cast.budi)
    client = client_for(cast.budi)
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and "<script" not in page
    assert "Menunggu giliran" in page
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404  # not yet
    actions.claim_job(job.pk)
    actions.record_progress(Job.objects.get(pk=job.pk), 2, 5, "Kabupaten Batanghari")
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert '<progress max="5" value="2"' in page and "2 dari 5 langkah (40%)" in page
    assert "Kabupaten Batanghari" in page
    status = client.get(reverse("job_status", args=[job.pk])).json()
    assert status["status"] == "berjalan" and (status["done"], status["total"]) == (2, 5)


def test_a_finished_page_stops_refreshing_and_offers_the_result(cast: Cast) -> None:
    job = start(cast.budi)
    run_worker()
    page = client_for(cast.budi).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "http-equiv" not in page
    assert reverse("job_download", args=[job.pk]) in page and "Unduh laporan.txt" in page


def test_a_runner_that_raises_fails_with_a_reason_in_indonesian(cast: Cast) -> None:
    job = start(cast.budi, "test_crashing")
    run_worker()
    job.refresh_from_db()
    assert job.status == "gagal" and job.finished_at
    assert "kesalahan tak terduga" in job.error and "boom" not in job.error
    assert "RuntimeError: boom" in job.error_detail and "Traceback" in job.error_detail
    assert (job.progress_done, job.progress_note) == (1, "Setengah jalan")  # where it stopped
    notice = Notification.objects.get(recipient=cast.budi)
    assert notice.kind == "task_failed" and notice.body == job.error
    page = client_for(cast.budi).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "kesalahan tak terduga" in page and "Coba lagi" in page
    assert "RuntimeError" not in page  # the technical detail is for national admins
    admin_page = client_for(cast.ani).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "RuntimeError: boom" in admin_page


def test_a_refusal_tells_the_user_its_own_reason(cast: Cast) -> None:
    job = start(cast.citra, "test_refusing")
    run_worker()
    job.refresh_from_db()
    assert job.status == "gagal"
    assert job.error == "Periode yang akan dihitung tidak ditemukan lagi."


def test_retry_is_a_new_job_with_the_same_params(cast: Cast) -> None:
    failed = start(cast.budi, "test_crashing", extra=7)
    run_worker()
    response = client_for(cast.budi).post(reverse("job_retry", args=[failed.pk]))
    retry = Job.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "job_detail", args=[retry.pk]
    )
    assert retry.retry_of == failed and retry.params == failed.params
    assert (retry.kind, retry.label, retry.started_by) == (failed.kind, failed.label, cast.budi)
    run_worker()
    retry.refresh_from_db()
    failed.refresh_from_db()
    assert (failed.status, retry.status) == ("gagal", "selesai")
    assert retry.result_url == "/hasil/"


def test_a_national_admin_retries_for_the_starter(cast: Cast) -> None:
    failed = start(cast.budi, "test_crashing")
    run_worker()
    client_for(cast.ani).post(reverse("job_retry", args=[failed.pk]))
    retry = Job.objects.get(retry_of=failed)
    assert retry.started_by == cast.budi  # it runs in Budi's scope and Budi is told
    entry = LogEntry.objects.get_for_object(retry).get(action=LogEntry.Action.CREATE)
    assert entry.actor == cast.ani


def test_only_a_failed_job_can_be_retried(cast: Cast) -> None:
    job = start(cast.budi)
    run_worker()
    client = client_for(cast.budi)
    assert client.post(reverse("job_retry", args=[job.pk])).status_code == 302
    assert Job.objects.count() == 1
    assert client.get(reverse("job_retry", args=[job.pk])).status_code == 405


def test_retry_needs_the_csrf_token(cast: Cast) -> None:
    failed = start(cast.budi, "test_crashing")
    run_worker()
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.budi)
    assert client.post(reverse("job_retry", args=[failed.pk])).status_code == 403
    assert Job.objects.count() == 1


@pytest.mark.parametrize("name", ["job_detail", "job_status", "job_download"])
def test_a_job_is_seen_by_its_starter_and_national_admins_only(cast: Cast, name: str) -> None:
    job = start(cast.budi)
    run_worker()
    url = reverse(name, args=[job.pk])
    assert client_for(cast.budi).get(url).status_code == 200
    assert client_for(cast.ani).get(url).status_code == 200
    # Jambi's viewer, the BNNK under Budi, the national viewer, another province: no such job.
    for other in (cast.gita, cast.citra, cast.fajar, cast.hadi, cast.dewi, cast.eko):
        assert client_for(other).get(url).status_code == 404, other.username
    assert client_for(None).get(url).status_code == 302  # to the login page


def test_others_cannot_retry_and_nothing_changes(cast: Cast) -> None:
    failed = start(cast.budi, "test_crashing")
    run_worker()
    for other in (cast.citra, cast.gita, cast.fajar, cast.hadi):
        assert client_for(other).post(reverse("job_retry", args=[failed.pk])).status_code == 404
    assert client_for(None).post(reverse("job_retry", args=[failed.pk])).status_code == 302
    assert Job.objects.count() == 1


def test_the_list_shows_my_jobs_and_national_admins_every_job(cast: Cast) -> None:
    mine = start(cast.budi)
    theirs = start(cast.hadi)
    budi_page = client_for(cast.budi).get(reverse("job_list")).content.decode()
    assert reverse("job_detail", args=[mine.pk]) in budi_page
    assert reverse("job_detail", args=[theirs.pk]) not in budi_page
    admin_page = client_for(cast.ani).get(reverse("job_list")).content.decode()
    assert all(reverse("job_detail", args=[j.pk]) in admin_page for j in (mine, theirs))
    assert "Hadi" in admin_page  # who started it
    assert client_for(None).get(reverse("job_list")).status_code == 302


def test_a_job_runs_once_even_when_its_task_runs_twice(cast: Cast) -> None:
    job = start(cast.budi)
    run_job.enqueue(job.pk)
    with mock.patch("tests.support.jobs.counting", wraps=test_runners.counting) as runner:
        run_worker()
    assert runner.call_count == 1
    assert Notification.objects.filter(recipient=cast.budi).count() == 1
    assert run_job.call(job.pk) == "selesai"


def test_a_queue_that_refuses_fails_the_job_at_once(cast: Cast) -> None:
    refuse = ConnectionError("no redis")
    with mock.patch("django_tasks_db.backend.DatabaseBackend.enqueue", side_effect=refuse):
        job = start(cast.budi)
    assert job.status == "gagal" and "antrean" in job.error
    assert "ConnectionError" in job.error_detail


def test_the_reaper_fails_silent_running_jobs_once(cast: Cast) -> None:
    now = timezone.now()
    silent, busy = start(cast.budi), start(cast.citra)
    for job in (silent, busy):
        actions.claim_job(job.pk, now=now - timedelta(minutes=45))
    actions.record_progress(Job.objects.get(pk=busy.pk), 1, 2, "")  # a sign of life just now
    assert reap_stale_jobs.call(now=now) == 1
    silent.refresh_from_db()
    busy.refresh_from_db()
    assert silent.status == "gagal" and "berhenti tanpa kabar" in silent.error
    assert busy.status == "berjalan"
    assert Notification.objects.filter(recipient=cast.budi, kind="task_failed").count() == 1
    entries = LogEntry.objects.count()
    # Twice: nothing changes, nobody is told again.
    assert reap_stale_jobs.call(now=now) == 0
    assert Notification.objects.filter(recipient=cast.budi).count() == 1
    assert LogEntry.objects.count() == entries
    # A reaped job can be retried like any failed one.
    retry = actions.retry_job(cast.budi, Job.objects.get(pk=silent.pk))
    assert retry.status == "antre" and retry.retry_of_id == silent.pk


def test_the_reaper_runs_on_the_worker(cast: Cast) -> None:
    result = reap_stale_jobs.enqueue()
    run_worker()
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == 0


def test_the_reaper_fails_a_job_no_worker_took_for_a_day(cast: Cast) -> None:
    waiting, fresh = start(cast.budi), start(cast.citra)
    Job.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert reap_stale_jobs.call() == 1
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert waiting.status == "gagal" and "menunggu di antrean lebih dari 24 jam" in waiting.error
    assert fresh.status == "antre"
    assert reap_stale_jobs.call() == 0
    # The worker that turns up late runs nothing for the failed job.
    run_worker()
    waiting.refresh_from_db()
    assert waiting.status == "gagal" and Job.objects.get(pk=fresh.pk).status == "selesai"


def test_old_result_files_are_deleted_once_and_can_be_made_again(cast: Cast) -> None:
    old, young = start(cast.budi), start(cast.budi)
    run_worker()
    old.refresh_from_db()
    path = Path(old.result_file.path)
    assert path.exists()
    later = old.finished_at + timedelta(days=31)
    Job.objects.filter(pk=young.pk).update(finished_at=later - timedelta(days=1))
    assert purge_job_results.call(now=later, days=30) == 1
    assert purge_job_results.call(now=later, days=30) == 0  # idempotent
    old.refresh_from_db()
    assert not path.exists() and not old.result_file and old.result_name == "laporan.txt"
    assert Job.objects.get(pk=young.pk).result_file
    client = client_for(cast.budi)
    assert client.get(reverse("job_download", args=[old.pk])).status_code == 404
    page = client.get(reverse("job_detail", args=[old.pk])).content.decode()
    assert "sudah dihapus" in page and "Jalankan lagi" in page
    client.post(reverse("job_retry", args=[old.pk]))
    again = Job.objects.get(retry_of=old)
    run_worker()
    again.refresh_from_db()
    assert again.status == "selesai" and again.result_file


def test_the_list_does_not_grow_queries_with_jobs(
    cast: Cast, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(12):
        start(cast.budi)
        start(cast.hadi)
    client = client_for(cast.ani)
    client.get(reverse("job_list"))  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get(reverse("job_list")).status_code == 200


def test_the_list_loads_the_styles_that_stack_it_on_a_phone(cast: Cast) -> None:
    """The list's table is marked "stack", but the stylesheet with those rules was not
    linked: at 375 px its status column ran off the screen."""
    start(cast.budi)
    page = client_for(cast.ani).get(reverse("job_list")).content.decode()
    assert '<table class="stack">' in page and "kotan/links.css" in page
