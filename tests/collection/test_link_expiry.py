"""The periodic warning of respondent links about to expire while answers are still missing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kotan.collection import actions
from kotan.collection.models import Assignment, RespondentLink
from kotan.collection.tasks import warn_expiring_links, warn_expiring_links_now
from kotan.notifications.models import Kind, Notification
from tests.support.cast import Cast
from tests.support.jobs import run_worker


def warnings_for(link: RespondentLink) -> list[str]:
    return sorted(
        Notification.objects.filter(
            kind=Kind.LINK_EXPIRING, url__endswith=f"/{link.pk}/"
        ).values_list("recipient__username", flat=True)
    )


def test_a_link_expiring_soon_is_announced_once_to_its_maker_and_its_office(
    cast: Cast, batanghari: Assignment
) -> None:
    soon = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=5, valid_days=2
    )
    later = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    assert warn_expiring_links_now() >= 1
    assert "citra" in warnings_for(soon)
    assert warnings_for(later) == []  # 30 days left: not yet
    notice = Notification.objects.filter(kind=Kind.LINK_EXPIRING).first()
    assert notice is not None and "Kabupaten Batanghari" in notice.body
    assert warn_expiring_links_now() == 0  # idempotent: the same expiry is told once
    # Extended, then close to its new end again: a new warning.
    RespondentLink.objects.filter(pk=soon.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert warn_expiring_links_now() >= 1


def test_full_inactive_or_finished_links_are_not_announced(
    cast: Cast, batanghari: Assignment
) -> None:
    full = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", max_uses=1, valid_days=2
    )
    RespondentLink.objects.filter(pk=full.pk).update(use_count=1)
    gone = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", valid_days=2
    )
    actions.deactivate_link(actor=cast.citra, link=gone)
    expired = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", valid_days=2
    )
    RespondentLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    assert warn_expiring_links_now() == 0
    submitted = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", valid_days=2
    )
    Assignment.objects.filter(pk=batanghari.pk).update(status=Assignment.Status.SUBMITTED)
    assert warn_expiring_links_now() == 0
    assert warnings_for(submitted) == []


def test_the_warning_runs_as_a_task_on_the_worker(cast: Cast, batanghari: Assignment) -> None:
    link = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", valid_days=2
    )
    first = warn_expiring_links.enqueue()
    second = warn_expiring_links.enqueue()
    run_worker()
    first.refresh()
    second.refresh()
    assert sorted([first.return_value, second.return_value])[0] == 0
    assert "citra" in warnings_for(link)
