from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kotan.accounts.models import Role, User
from kotan.accounts.permissions import Capability, current_user, has_capability
from kotan.accounts.scoping import Level, user_scope
from kotan.collection.progress import State
from kotan.dashboard import today as t

OPERATORS = frozenset({Role.PROVINCE_OPERATOR, Role.REGENCY_OPERATOR})
# Who acts on Monev follow-ups (owns or supervises them); viewers only read the count.
FOLLOW_UP_ROLES = frozenset({*OPERATORS, Role.NATIONAL_ADMIN, Role.FOCAL_POINT})
SECTIONS = (
    "pictures",
    "waiting",
    "lagging",
    "messages_to_send",
    "questionnaires",
    "links",
    "assignments",
    "follow_ups",
    "jobs",
)


@require_safe
@never_cache  # personal, and a focal point's page holds its links' tokens
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """ "What do I do today", per role: each section a short list with links to the work."""
    user = current_user(request)
    context: dict[str, Any] = {"today": timezone.localdate(), "sections": set()}
    if user_scope(user).level != Level.NONE:
        context.update(_sections(request, user, context["today"]))
    return render(request, "dashboard/home.html", context)


def _sections(request: HttpRequest, user: User, today: date) -> dict[str, Any]:
    role = user.role
    collects = has_capability(user, Capability.VIEW_COLLECTION)
    reports = t.open_reports(user, today) if collects else []
    c: dict[str, Any] = {
        "reports": reports,
        "scope": user_scope(user),
        "can_open_monev": has_capability(user, Capability.VIEW_MONEV),
    }
    if role in OPERATORS:
        c["lagging"] = t.lagging_regencies(reports)
    if role in (*OPERATORS, Role.NATIONAL_ADMIN):
        c["waiting"] = t.waiting_assignments(user, reports)
        c["messages_to_send"] = t.messages_to_send(user)
        c["jobs"] = t.my_jobs(user)
    if role in FOLLOW_UP_ROLES:
        c["follow_ups"] = t.follow_ups_due(user, today)
    if role == Role.FOCAL_POINT:
        c["questionnaires"] = [row for report in reports for row in report.rows]
        c["links"] = t.institution_links(user, request.build_absolute_uri)
    if role == Role.ENUMERATOR:
        c["assignments"], c["n_assignments"] = t.enumerator_assignments(user, today)
    if role in (Role.NATIONAL_ADMIN, Role.VIEWER):
        c["pictures"] = [t.period_picture(report) for report in reports]
        c["latest_run"] = t.latest_run(user)
        c["overdue_follow_ups"] = t.overdue_follow_ups(user, today)
    c["sections"] = {key for key in SECTIONS if c.get(key) is not None}
    c["todo"] = _todo(c)
    return c


def _todo(c: dict[str, Any]) -> int:
    """How many things wait for the user today, across the sections: 0 says so in words.
    Unread notifications are counted beside them (by the notifications context processor)."""
    messages = c.get("messages_to_send")
    jobs = c.get("jobs")
    return (
        len(c.get("lagging", ()))
        + len(c.get("waiting", ()))
        + (messages.total if messages else 0)
        + len(c.get("follow_ups", ()))
        + (len(jobs.failed) if jobs else 0)
        + sum(row.is_lagging for row in c.get("questionnaires", ()))
        + sum(
            any(u.cell.state != State.COMPLETE for u in a.units) for a in c.get("assignments", ())
        )
    )
