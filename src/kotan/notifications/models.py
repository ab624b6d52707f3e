"""In-app notifications and each user's choice of which kinds also come by email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNMENT_SUBMITTED = "assignment_submitted", _("Penugasan menunggu pemeriksaan")
    ASSIGNMENT_RETURNED = "assignment_returned", _("Penugasan dikembalikan untuk perbaikan")
    ASSIGNMENT_FINALIZED = "assignment_finalized", _("Penugasan difinalisasi")
    FOLLOWUP_ASSIGNED = "followup_assigned", _("Tindak lanjut Monev ditugaskan")
    FOLLOWUP_DUE = "followup_due", _("Tindak lanjut Monev segera jatuh tempo")
    FOLLOWUP_OVERDUE = "followup_overdue", _("Tindak lanjut Monev lewat tenggat")
    TASK_FINISHED = "task_finished", _("Proses latar belakang selesai")
    TASK_FAILED = "task_failed", _("Proses latar belakang gagal")
    AGREEMENT_EXPIRING = "agreement_expiring", _("Perjanjian kerja sama segera berakhir")
    REMINDER_SUMMARY = "reminder_summary", _("Ringkasan pengingat")
    LINK_EXPIRING = "link_expiring", _("Tautan responden segera kedaluwarsa")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user, shown in the app until read."""

    Kind = Kind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("penerima"),
    )
    kind = models.CharField(_("jenis"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi"), blank=True)
    url = models.CharField(_("tautan"), max_length=500, blank=True)
    # Makes sending idempotent: one notification per (recipient, key); empty means no key.
    key = models.CharField(_("kunci"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="one_notification_per_recipient_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EmailPreference(models.Model):
    """A user's choice for one kind; no row means email is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preferences",
        verbose_name=_("pengguna"),
    )
    kind = models.CharField(_("jenis"), max_length=40, choices=Kind.choices)
    email_enabled = models.BooleanField(_("kirim email"), default=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("preferensi email")
        verbose_name_plural = _("preferensi email")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_email_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
