"""Publishing a final run under /publik/, withdrawing it, and its award rule: audited actions.

Rules (``kotan.scoring.models.Publication``):

- only the national admin publishes, withdraws and sets the award rule (``may_publish``): the
  ranking is national, and so is the decision to make it public;
- only a final run is published; a provisional one is refused with a message naming it;
- at most one run per year is public: a second final run of the same year is refused until the
  first is withdrawn explicitly, with a reason (nothing is replaced silently);
- a withdrawal is final for that run (the figures stay stored, the run is no longer public); to
  publish that year again, publish another final run;
- the run itself never changes (``IndexRun`` is immutable); the publication is a separate row.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotan.accounts.actions import acting_as
from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, has_capability
from kotan.scoring.models import AwardRule, IndexRun, Publication

NOTE_MAX = 2000


def may_publish(user: object) -> bool:
    """Who publishes, withdraws and sets award rules: the national admin only.

    ``COMPUTE_RESULTS`` belongs to the national admin alone (ranks are national), and
    publishing is the last step of that same work.
    """
    return isinstance(user, User) and has_capability(user, Capability.COMPUTE_RESULTS)


def _check_actor(actor: User) -> None:
    if not may_publish(actor):
        raise PermissionDenied(_("Hanya admin nasional yang dapat menerbitkan hasil."))


def _check_final(run: IndexRun, field: str = "run") -> None:
    if run.kind != IndexRun.Kind.FINAL:
        raise ValidationError(
            {
                field: _(
                    "Perhitungan #%(pk)d (%(period)s) masih sementara. Hanya perhitungan final "
                    "yang dapat diterbitkan atau diberi aturan penghargaan."
                )
                % {"pk": run.pk, "period": run.period.name}
            }
        )


def publication_of(run: IndexRun) -> Publication | None:
    return (
        Publication.objects.filter(run=run).select_related("published_by", "withdrawn_by").first()
    )


def public_run_of_year(year: int) -> IndexRun | None:
    pub = Publication.objects.filter(year=year, withdrawn_at__isnull=True).select_related("run")
    first = pub.first()
    return first.run if first else None


def _published_at(on: dt.date | None) -> dt.datetime:
    now = timezone.now()
    if on is None or on == timezone.localdate(now):
        return now
    if on > timezone.localdate(now):
        raise ValidationError({"published_on": _("Tanggal terbit tidak boleh setelah hari ini.")})
    return timezone.make_aware(dt.datetime.combine(on, dt.time(0, 0)))


@transaction.atomic
def publish_run(
    *, actor: User, run: IndexRun, note: str = "", published_on: dt.date | None = None
) -> Publication:
    """Make a final run public. Refused: not national admin (PermissionDenied); provisional
    run, already published or withdrawn, another public run of the year (ValidationError)."""
    _check_actor(actor)
    run = IndexRun.objects.select_for_update().select_related("period").get(pk=run.pk)
    _check_final(run)
    existing = publication_of(run)
    if existing is not None:
        if existing.withdrawn_at is None:
            msg = _("Perhitungan #%(pk)d sudah diterbitkan.") % {"pk": run.pk}
        else:
            msg = _(
                "Perhitungan #%(pk)d sudah ditarik dan tidak diterbitkan lagi. Terbitkan "
                "perhitungan final lain untuk tahun ini."
            ) % {"pk": run.pk}
        raise ValidationError({"run": msg})
    year = run.period.year
    other = public_run_of_year(year)
    if other is not None:
        raise ValidationError(
            {
                "run": _(
                    "Hasil tahun %(year)d sudah diterbitkan (perhitungan #%(other)d). Tarik dulu "
                    "perhitungan itu, dengan alasan, sebelum menerbitkan perhitungan #%(pk)d."
                )
                % {"year": year, "other": other.pk, "pk": run.pk}
            }
        )
    pub = Publication(
        run=run,
        year=year,
        published_at=_published_at(published_on),
        published_by=actor,
        note=note.strip()[:NOTE_MAX],
    )
    pub.full_clean()
    with acting_as(actor):
        try:
            with transaction.atomic():
                pub.save()
        except IntegrityError as exc:  # a concurrent publication of the same year
            raise ValidationError(
                {"run": _("Hasil tahun %(year)d baru saja diterbitkan.") % {"year": year}}
            ) from exc
    return pub


@transaction.atomic
def withdraw_run(*, actor: User, run: IndexRun, reason: str) -> Publication:
    """Take a published run off /publik/. The reason is required and shown on the run page."""
    _check_actor(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasan penarikan.")})
    pub = Publication.objects.select_for_update().filter(run=run).first()
    if pub is None or pub.withdrawn_at is not None:
        raise ValidationError(
            {"run": _("Perhitungan #%(pk)d tidak sedang diterbitkan.") % {"pk": run.pk}}
        )
    pub.withdrawn_at = timezone.now()
    pub.withdrawn_by = actor
    pub.withdrawn_reason = reason[:NOTE_MAX]
    pub.full_clean()
    with acting_as(actor):
        pub.save()
    return pub


@transaction.atomic
def set_award_rule(
    *, actor: User, run: IndexRun, top_national: int, top_per_category: int, note: str = ""
) -> AwardRule:
    """How many regencies the awards of a final run name (national top N, top N per category)."""
    _check_actor(actor)
    _check_final(run)
    n = run.results.count()
    errors = {}
    for field, value in (("top_national", top_national), ("top_per_category", top_per_category)):
        if value < 0:
            errors[field] = _("Isi bilangan bulat 0 atau lebih.")
        elif value > n:
            errors[field] = _("Paling banyak %(n)d (jumlah kabupaten/kota dalam perhitungan).") % {
                "n": n
            }
    if errors:
        raise ValidationError(errors)
    rule = AwardRule.objects.select_for_update().filter(run=run).first() or AwardRule(run=run)
    rule.top_national = top_national
    rule.top_per_category = top_per_category
    rule.note = note.strip()[:NOTE_MAX]
    rule.set_by = actor
    rule.full_clean()
    with acting_as(actor):
        rule.save()
    return rule
