"""The models of kotan.outreach: message templates, the reminder schedule of a period and the
log of every message sent or prepared (reminders, escalations, invitations, manual)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS_BEFORE = [14, 7, 3, 1]
DEFAULT_DAYS_AFTER = [1, 3, 7]


def default_days_before() -> list[int]:
    return list(DEFAULT_DAYS_BEFORE)


def default_days_after() -> list[int]:
    return list(DEFAULT_DAYS_AFTER)


class MessageTemplate(models.Model):
    """The text of one kind of message, the same for email and WhatsApp; ``subject`` is used
    by email only. Placeholders are named, ``{wilayah}``; the ones allowed per key are in
    ``kotan.outreach.placeholders``."""

    class Key(models.TextChoices):
        REMINDER_BEFORE = "reminder_before", _("Pengingat sebelum tenggat")
        REMINDER_AFTER = "reminder_after", _("Pengingat setelah tenggat")
        ESCALATION_PROVINCE = "escalation_province", _("Ringkasan untuk BNNP")
        ESCALATION_NATIONAL = "escalation_national", _("Ringkasan nasional")
        INVITATION = "invitation", _("Undangan mengisi kuesioner")

    key = models.CharField(_("jenis"), max_length=30, choices=Key.choices, unique=True)
    subject = models.CharField(_("subjek"), max_length=200)
    body = models.TextField(_("isi"), max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diubah oleh"),
    )
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        verbose_name = _("templat pesan")
        verbose_name_plural = _("templat pesan")
        ordering = ["key"]

    def __str__(self) -> str:
        return str(self.get_key_display())

    def clean(self) -> None:
        from kotan.outreach.placeholders import template_errors

        errors = template_errors(self.key, {"subject": self.subject, "body": self.body})
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)


class ReminderPlan(models.Model):
    """When reminders go out in a period: days before and after each assignment's deadline."""

    period = models.OneToOneField(
        "collection.Period",
        on_delete=models.CASCADE,
        related_name="reminder_plan",
        verbose_name=_("periode"),
    )
    days_before = models.JSONField(
        _("hari sebelum tenggat"), default=default_days_before, blank=True
    )
    days_after = models.JSONField(_("hari setelah tenggat"), default=default_days_after, blank=True)
    enabled = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        verbose_name = _("jadwal pengingat")
        verbose_name_plural = _("jadwal pengingat")

    def __str__(self) -> str:
        return str(self.period)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from kotan.outreach.schedule import day_list_error

        errors = {}
        for field in ("days_before", "days_after"):
            problem = day_list_error(getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)


class OutreachMessage(models.Model):
    """One message to one recipient, by one channel: the log of the chasing.

    ``key`` makes sending idempotent: a job run twice meets the unique key and sends nothing
    again. A WhatsApp message is *prepared* (a wa.me link with the text) and sent by an
    operator with one tap; an email is queued in django-post-office, whose row says whether it
    was delivered."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Pengingat")
        ESCALATION = "escalation", _("Eskalasi")
        INVITATION = "invitation", _("Undangan")
        MANUAL = "manual", _("Manual")

    class Status(models.TextChoices):
        QUEUED = "antre", _("Dalam antrean")
        SENT = "terkirim", _("Terkirim")
        FAILED = "gagal", _("Gagal")
        PREPARED = "disiapkan", _("Disiapkan, menunggu operator")
        SENT_BY_OPERATOR = "dikirim_operator", _("Dikirim operator")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    period = models.ForeignKey(
        "collection.Period",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("periode"),
    )
    province = models.ForeignKey(
        "regions.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provinsi"),
    )
    regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instansi"),
    )
    contact = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("narahubung"),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengguna penerima"),
    )
    recipient_name = models.CharField(_("penerima"), max_length=200)
    address = models.CharField(_("alamat"), max_length=254)  # email, or +62… for WhatsApp
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    subject = models.CharField(_("subjek"), max_length=200, blank=True)
    body = models.TextField(_("isi"))
    wa_url = models.TextField(_("tautan WhatsApp"), blank=True)
    key = models.CharField(_("kunci"), max_length=200, unique=True)
    email = models.ForeignKey(
        "post_office.Email",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("email dalam antrean"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )  # None: the system (the reminder job)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    sent_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    reply_note = models.TextField(_("catatan balasan"), blank=True, max_length=2000)

    # A national summary has neither province nor regency: only national scope sees it.
    scope_province_lookup = "province"
    scope_regency_lookup = "regency"

    class Meta:
        verbose_name = _("pesan")
        verbose_name_plural = _("pesan")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["regency", "-created_at"], name="outreach_msg_regency"),
            models.Index(fields=["channel", "status"], name="outreach_msg_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_name}"

    @property
    def delivery_status(self) -> str:
        """What the email queue says (sent, failed, waiting to retry), else the log's status."""
        from post_office.models import STATUS

        if self.email is not None:
            if self.email.status == STATUS.sent:
                return str(self.Status.SENT.label)
            if self.email.status == STATUS.failed:
                return str(self.Status.FAILED.label)
            if self.email.status == STATUS.requeued:
                return str(_("Gagal, akan dicoba lagi"))
        return str(self.get_status_display())
