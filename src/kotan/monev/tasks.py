"""Monev's notifications: a follow-up assigned, due soon, overdue; and the daily reminder job.

The job is idempotent: every reminder carries a key (follow-up, kind, due date), so a second
run the same day, or the next day, sends nothing again; moving the due date earns a new one.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kotan.accounts.models import User
from kotan.monev.models import FollowUp
from kotan.notifications import recipients
from kotan.notifications.models import Kind
from kotan.notifications.send import notify

DUE_SOON_DAYS = 7


def follow_up_people(follow_up: FollowUp, actor: User | None = None) -> list[User]:
    """Its owner (the named account, else the people acting for the owning institution) and
    its supervisors (the BNNP operators of the visit's province), without the actor."""
    named = follow_up.owner_user
    if named is not None and named.is_active:
        owners: list[User] = [named]
    else:  # no named account (or it left): whoever acts for the owning institution
        owners = list(recipients.organization_people(follow_up.owner_id))
    supervisors = recipients.province_operators(follow_up.point.session.visit.province_id)
    return recipients.everyone_but(actor, owners, supervisors)


def notify_follow_up(
    follow_up: FollowUp, kind: str, *, actor: User | None = None, key: str | None = None
) -> int:
    """Tell the owner and the supervisors about one follow-up; returns how many were told."""
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the source language
        titles: dict[str, str] = {
            Kind.FOLLOWUP_ASSIGNED: _("Tindak lanjut Monev untuk %(owner)s"),
            Kind.FOLLOWUP_DUE: _("Tindak lanjut Monev jatuh tempo %(due)s"),
            Kind.FOLLOWUP_OVERDUE: _("Tindak lanjut Monev lewat tenggat sejak %(due)s"),
        }
        due = follow_up.due_on.strftime("%d-%m-%Y")
        title = titles[kind] % {"owner": follow_up.owner.name, "due": due}
        body = _("%(action)s\nTenggat: %(due)s. Kunjungan: %(visit)s.") % {
            "action": follow_up.action[:300],
            "due": due,
            "visit": follow_up.point.session.visit.title,
        }
        return notify(
            follow_up_people(follow_up, actor),
            kind,
            title,
            body=body,
            url=reverse("monev_follow_up_detail", args=[follow_up.pk]),
            key=key,
        )


def send_follow_up_reminders(today: date | None = None) -> int:
    """Remind once of each active follow-up due within a week, and once when it is overdue."""
    today = today or timezone.localdate()
    active = FollowUp.objects.filter(status__in=FollowUp.ACTIVE).select_related(
        "owner", "owner_user", "point__session__visit"
    )
    told = 0
    soon = active.filter(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
    for follow_up in soon:
        key = f"monev.followup:{follow_up.pk}:due:{follow_up.due_on.isoformat()}"
        told += notify_follow_up(follow_up, Kind.FOLLOWUP_DUE, key=key)
    for follow_up in active.filter(FollowUp.overdue_q(today)):
        key = f"monev.followup:{follow_up.pk}:overdue:{follow_up.due_on.isoformat()}"
        told += notify_follow_up(follow_up, Kind.FOLLOWUP_OVERDUE, key=key)
    return told


@task()
def follow_up_reminders(today: date | str | None = None) -> int:
    """The daily job: follow-ups due soon and overdue; returns how many notifications were made.

    ``today``: a date, or an ISO date when enqueued (task arguments are JSON); default: today."""
    if isinstance(today, str):
        today = date.fromisoformat(today)
    return send_follow_up_reminders(today)
