"""Demo notifications: a few for every demo account, made by the real triggers where there is one.

The demo period's transitions (kotan.collection.demo) and the Monev follow-ups
(kotan.monev.demo) already told their people when they were loaded; the Monev reminder job adds
the overdue follow-ups. Every account also gets notifications of the kinds the reminder and job
parts send (the only ones for the focal point, the enumerator, the viewer and BNNP Aceh, whom no
trigger here reaches), through ``notify`` with a fixed key.
Run after the other demo loaders; running it again creates nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kotan.accounts.models import User
from kotan.collection.models import Assignment, Period
from kotan.monev.tasks import follow_up_reminders
from kotan.notifications import actions
from kotan.notifications.models import Kind, Notification
from kotan.notifications.send import notify


def _demo_user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _assignment_url(period: Period | None, regency_code: str) -> str:
    assignment = Assignment.objects.filter(period=period, regency__code=regency_code).first()
    return reverse("assignment_detail", args=[assignment.pk]) if assignment else ""


@transaction.atomic
def load_demo_notifications() -> int:
    """Create the demo notifications once; returns how many were created this time."""
    made = follow_up_reminders.call(today=timezone.localdate())
    period = Period.objects.order_by("-year").first()
    closes = period.closes_on.strftime("%d-%m-%Y") if period else ""
    name = str(period) if period else "IKOTAN"
    # (username, kind, title, body, url): what the reminder and job parts would send them.
    direct = [
        (
            "admin",
            Kind.TASK_FINISHED,
            f"Perhitungan sementara {name} selesai",
            "Hasil per kabupaten/kota siap diperiksa sebelum dikunci.",
            reverse("run_list"),
        ),
        (
            "kesbangpol.batanghari",
            Kind.REMINDER_SUMMARY,
            f"Pengingat: kuesioner {name} untuk instansi Anda",
            f"Periode ditutup {closes}. Bagikan tautan pengisian kepada responden di Kesbangpol "
            "Kabupaten Batanghari.",
            reverse("home"),
        ),
        (
            "enumerator.batanghari",
            Kind.REMINDER_SUMMARY,
            f"Pengingat: pengisian {name} di Kabupaten Batanghari",
            f"Periode ditutup {closes}. Kirim formulir yang masih tersimpan di perangkat Anda.",
            reverse("enumerator_home"),
        ),
        (
            "pemantau",
            Kind.TASK_FINISHED,
            f"Hasil sementara {name} sudah dihitung",
            "Peringkat kabupaten/kota dapat dilihat di halaman Hasil.",
            reverse("run_list"),
        ),
        (
            "bnnp.aceh",
            Kind.REMINDER_SUMMARY,
            f"Pengingat: penugasan Kabupaten Aceh Utara · {name} belum diajukan",
            f"Kuota sudah terpenuhi. Ajukan untuk verifikasi sebelum {closes}.",
            _assignment_url(period, "11.08"),
        ),
        (
            "bnnp.aceh",
            Kind.TASK_FAILED,
            "Impor berkas Excel gagal",
            "Baris 12: jawaban 'lima' bukan angka 1–4. Perbaiki berkas lalu unggah lagi.",
            "",
        ),
    ]
    batanghari = Assignment.objects.filter(period=period, regency__code="15.04").first()
    if batanghari is not None:
        for username in ("bnnk.batanghari", "kesbangpol.batanghari", "enumerator.batanghari"):
            direct.append(
                (
                    username,
                    Kind.REMINDER_SUMMARY,
                    f"Tenggat penugasan Kabupaten Batanghari: {batanghari.deadline:%d-%m-%Y}",
                    f"Status sekarang: {batanghari.get_status_display()}.",
                    _assignment_url(period, "15.04") if username == "bnnk.batanghari" else "",
                )
            )
    if period is not None:
        assignments = Assignment.objects.filter(period=period)
        waiting = assignments.filter(status=Assignment.Status.NOT_STARTED).count()
        done = assignments.filter(status__in=["diajukan", "diverifikasi", "final"]).count()
        summary = f"{done} dari {assignments.count()} kabupaten/kota sudah diajukan; "
        summary += f"{waiting} belum mulai mengisi."
        for username in ("admin", "pemantau"):
            direct.append(
                (username, Kind.REMINDER_SUMMARY, f"Ringkasan {name}", summary, reverse("progress"))
            )
    for username, kind, title, body, url in direct:
        user = _demo_user(username)
        if user is not None:
            key = f"demo:{username}:{title}"[:200]
            made += notify([user], kind, title, body=body, url=url, key=key)
    # One read and the rest unread, so the list shows both.
    for user in User.objects.filter(notifications__isnull=False).distinct():
        first = Notification.objects.filter(recipient=user).order_by("pk").first()
        if first is not None and Notification.objects.filter(recipient=user).count() > 1:
            actions.mark_read(actor=user, notification=first)
    return made
