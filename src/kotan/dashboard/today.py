"""What a signed-in user has to do today: the sections of the home page, per role.

Every function reads one kind of thing for one user, in that user's scope
(``accounts.scoping``), with a fixed number of queries whatever the size of the scope.
Collection progress comes from ``collection.progress`` (one report per open period, shared
by every section that needs it), Monev rules from ``monev.rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kotan.accounts.models import Role
from kotan.accounts.permissions import Capability, has_capability
from kotan.accounts.scoping import scope_queryset
from kotan.collection import sharing
from kotan.collection.models import Assignment, Period, Quota, RespondentLink, Response
from kotan.collection.progress import (
    Cell,
    ProgressReport,
    ProvinceProgress,
    RegencyProgress,
    State,
    elapsed_share,
    progress_report,
    unit_cell,
)
from kotan.jobs.models import Job
from kotan.monev import rules
from kotan.monev.models import FollowUp
from kotan.outreach.models import OutreachMessage
from kotan.scoring.jobs import INDEX_RUN
from kotan.scoring.models import IndexRun

if TYPE_CHECKING:
    from kotan.accounts.models import User

LIST_LIMIT = 8  # rows per section; the rest is one link away
FOLLOW_UP_HORIZON = 7  # a follow-up is "due" this many days ahead
FAILED_JOB_DAYS = 7  # a failed job stays on the home page this long


def url_or_empty(name: str, *args: object) -> str:
    """The route's path, or "" while the page that serves it does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- collection ---------------------------------------------------------------------------


def open_reports(user: User, today: date) -> list[ProgressReport]:
    """The progress of every open period in the user's scope (six queries per period)."""
    periods = Period.objects.filter(status=Period.Status.OPEN).select_related("instrument")
    return [progress_report(user, period, today=today) for period in periods.order_by("-year")]


@dataclass(frozen=True)
class UnitBehind:
    name: str
    cell: Cell


@dataclass(frozen=True)
class RegencyRow:
    """One regency's assignment in an open period, as the home page lists it."""

    period: str
    progress: RegencyProgress
    units_behind: tuple[UnitBehind, ...] = ()
    returned_reason: str = ""
    several_provinces: bool = False  # name the province beside the regency

    @property
    def url(self) -> str:
        return url_or_empty("assignment_responses", self.progress.assignment_id)

    @property
    def detail_url(self) -> str:
        return url_or_empty("assignment_detail", self.progress.assignment_id)

    @property
    def outreach_url(self) -> str:
        """The regency's contacts, its message log and "send a reminder now"."""
        return url_or_empty("outreach_regency", self.progress.regency_code)

    @property
    def ready_to_submit(self) -> bool:
        return self.progress.is_collecting and self.progress.total.state == State.COMPLETE


def _units_behind(report: ProgressReport, row: RegencyProgress) -> tuple[UnitBehind, ...]:
    return tuple(
        UnitBehind(unit.name, cell)
        for unit, cell in zip(report.units, row.cells, strict=True)
        if cell.quota and cell.state in (State.NOT_STARTED, State.BEHIND)
    )


def lagging_regencies(reports: Sequence[ProgressReport]) -> list[RegencyRow]:
    """Regencies not started or behind, the most urgent first: the nearest (or most passed)
    deadline, then the widest gap between what is filled and what should be by now."""
    rows = [
        RegencyRow(
            report.period.name, row, _units_behind(report, row), "", report.several_provinces
        )
        for report in reports
        for row in report.lagging
    ]
    return sorted(
        rows, key=lambda r: (r.progress.days_left, -r.progress.gap, r.progress.regency_code)
    )


# Which assignments wait for which role: the statuses from which that role moves them on.
WAITING_STATUSES: dict[str, tuple[str, ...]] = {
    Role.REGENCY_OPERATOR: (Assignment.Status.IN_PROGRESS,),
    Role.PROVINCE_OPERATOR: (Assignment.Status.SUBMITTED,),
    Role.NATIONAL_ADMIN: (Assignment.Status.VERIFIED,),
}


def waiting_assignments(user: User, reports: Sequence[ProgressReport]) -> list[RegencyRow]:
    """Assignments that wait for this user's move: for a BNNK those sent back to be fixed
    (first) and those in progress; for a BNNP those submitted for verification; for the
    centre those verified, to be finalised (one query, for the reasons of send-backs)."""
    statuses = WAITING_STATUSES.get(user.role, ())
    if not statuses:
        return []
    reasons: dict[int, str] = {}
    if user.role == Role.REGENCY_OPERATOR:
        reasons = dict(
            scope_queryset(
                user,
                Assignment.objects.filter(
                    period__status=Period.Status.OPEN, status__in=statuses
                ).exclude(returned_reason=""),
            ).values_list("pk", "returned_reason")
        )
    rows = [
        RegencyRow(report.period.name, row, (), reasons.get(row.assignment_id, ""))
        for report in reports
        for row in report.rows
        if row.status in statuses
    ]
    return sorted(
        rows,
        key=lambda r: (not r.returned_reason, r.progress.days_left, r.progress.regency_code),
    )


@dataclass(frozen=True)
class UnitQuota:
    name: str
    code: str
    cell: Cell
    form_url: str


@dataclass(frozen=True)
class EnumeratorAssignment:
    assignment: Assignment
    units: tuple[UnitQuota, ...]
    days_left: int  # negative: past the deadline

    @property
    def days_late(self) -> int:
        return -self.days_left


def enumerator_assignments(user: User, today: date) -> tuple[list[EnumeratorAssignment], int]:
    """The open assignments in scope, filled against quota per unit (three queries), and
    how many there are in all."""
    assignments = scope_queryset(user, Assignment.objects.collecting())
    total = assignments.count()
    loaded = list(
        assignments.select_related("regency", "period", "period__instrument").order_by(
            "deadline", "regency__code"
        )[:LIST_LIMIT]
    )
    quotas = (
        Quota.objects.filter(assignment__in=[a.pk for a in loaded])
        .select_related("unit")
        .order_by("unit__order")
    )
    filled = {
        (row["assignment_id"], row["unit_id"]): row["n"]
        for row in Response.objects.filter(assignment__in=[a.pk for a in loaded], excluded=False)
        .order_by()
        .values("assignment_id", "unit_id")
        .annotate(n=Count("pk"))
    }
    by_assignment: dict[int, list[UnitQuota]] = {a.pk: [] for a in loaded}
    expected = {a.pk: elapsed_share(a.period.opens_on, a.deadline, today) for a in loaded}
    for q in quotas:
        n = filled.get((q.assignment_id, q.unit_id), 0)
        by_assignment[q.assignment_id].append(
            UnitQuota(
                q.unit.name,
                q.unit.code,
                unit_cell(n, q.quota, expected[q.assignment_id]),
                url_or_empty("form_enumerator", q.assignment_id, q.unit.code),
            )
        )
    rows = [
        EnumeratorAssignment(a, tuple(by_assignment[a.pk]), (a.deadline - today).days)
        for a in loaded
    ]
    return rows, total


# --- a focal point's respondent links -------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    link: RespondentLink
    state: str  # active | inactive | expired | used_up
    public_url: str
    whatsapp_url: str

    @property
    def is_active(self) -> bool:
        return self.state == "active"

    @property
    def state_label(self) -> str:
        return str(LINK_STATES[self.state])


LINK_STATES: dict[str, Promise] = {
    "active": _("Aktif"),
    "inactive": _("Nonaktif"),
    "expired": _("Kedaluwarsa"),
    "used_up": _("Batas penggunaan tercapai"),
}


def institution_links(
    user: User, absolute: Callable[[str], str], now: datetime | None = None
) -> list[LinkRow]:
    """The respondent links of the user's own institution in open periods, active first,
    each with its public address and a WhatsApp message to share it (one query)."""
    if user.organization_id is None:
        return []
    now = now or timezone.now()
    links = scope_queryset(
        user,
        RespondentLink.objects.filter(
            institution_id=user.organization_id, assignment__period__status=Period.Status.OPEN
        ).select_related(
            "unit", "assignment__period", "assignment__regency", "assignment__responsible"
        ),
    ).order_by("-created_at", "-pk")[:50]
    rows = []
    for link in links:
        url = absolute(sharing.public_path(link.token))
        text = sharing.link_invitation(link, url)
        state = link.unavailable_reason(now) or "active"
        rows.append(LinkRow(link, state, url, sharing.whatsapp_url(text)))
    return sorted(rows, key=lambda r: not r.is_active)


# --- Monev follow-ups ---------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    days_left: int  # negative: overdue
    mine: bool  # owned by the user or their office; otherwise supervised

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left


def _owns(user: User, follow_up: FollowUp) -> bool:
    return follow_up.owner_user_id == user.pk or (
        user.organization_id is not None and follow_up.owner_id == user.organization_id
    )


def follow_ups_due(user: User, today: date) -> list[FollowUpRow]:
    """Active follow-ups overdue or due within a week that the user (or their office) owns or
    supervises (``monev.rules.is_supervisor``), overdue first (one query)."""
    candidates = scope_queryset(
        user,
        FollowUp.objects.filter(
            status__in=FollowUp.ACTIVE, due_on__lte=today + timedelta(days=FOLLOW_UP_HORIZON)
        ).select_related("owner", "point__session__visit__province"),
    ).order_by("due_on", "pk")
    rows = []
    for fu in candidates:
        mine = _owns(user, fu)
        if mine or rules.is_supervisor(user, fu):
            rows.append(FollowUpRow(fu, (fu.due_on - today).days, mine))
    return rows


def overdue_follow_ups(user: User, today: date) -> int:
    if not has_capability(user, Capability.VIEW_MONEV):
        return 0
    return scope_queryset(user, FollowUp.objects.filter(FollowUp.overdue_q(today))).count()


# --- messages and jobs ----------------------------------------------------------


@dataclass(frozen=True)
class MessagesToSend:
    """Prepared WhatsApp messages waiting for the operator's tap, grouped by regency."""

    total: int
    groups: tuple[MessageGroup, ...]
    url: str


@dataclass(frozen=True)
class MessageGroup:
    name: str  # the regency, the province of a summary, or "Nasional"
    messages: tuple[OutreachMessage, ...]
    url: str  # the regency's outreach page, if the group is a regency


def messages_to_send(user: User) -> MessagesToSend | None:
    """None for users who send no messages; else the prepared messages in scope (one query
    for the count, one for the first few)."""
    if not has_capability(user, Capability.SEND_MESSAGES):
        return None
    prepared = scope_queryset(
        user,
        OutreachMessage.objects.filter(
            channel=OutreachMessage.Channel.WHATSAPP, status=OutreachMessage.Status.PREPARED
        ),
    )
    total = prepared.count()
    groups: dict[tuple[str, str], list[OutreachMessage]] = {}
    if total:
        for message in prepared.select_related("regency", "province").order_by(
            "regency__code", "created_at", "pk"
        )[:LIST_LIMIT]:
            where = message.regency or message.province
            name = where.name if where else str(_("Nasional"))
            code = message.regency.code if message.regency else ""
            groups.setdefault((name, code), []).append(message)
    return MessagesToSend(
        total,
        tuple(
            MessageGroup(name, tuple(items), url_or_empty("outreach_regency", code) if code else "")
            for (name, code), items in groups.items()
        ),
        url_or_empty("outreach_today"),
    )


@dataclass(frozen=True)
class JobRow:
    label: str
    status: str
    status_label: str
    done: int
    total: int
    note: str
    error: str
    url: str

    @property
    def failed(self) -> bool:
        return self.status == Job.Status.FAILED


@dataclass
class Jobs:
    running: list[JobRow] = field(default_factory=list)
    failed: list[JobRow] = field(default_factory=list)
    url: str = ""


def my_jobs(user: User, now: datetime | None = None) -> Jobs:
    """The user's background jobs queued or running, and those failed this week (one query)."""
    now = now or timezone.now()
    rows = (
        Job.objects.filter(started_by=user)
        .filter(
            Q(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
            | Q(status=Job.Status.FAILED, created_at__gte=now - timedelta(days=FAILED_JOB_DAYS))
        )
        .order_by("-created_at", "-pk")[: 2 * LIST_LIMIT]
    )
    jobs = Jobs(url=url_or_empty("job_list"))
    for job in rows:
        row = JobRow(
            label=job.label,
            status=job.status,
            status_label=job.get_status_display(),
            done=job.progress_done,
            total=job.progress_total,
            note=job.progress_note,
            error=job.error,
            url=url_or_empty("job_detail", job.pk),
        )
        (jobs.failed if row.failed else jobs.running).append(row)
    return jobs


# --- the leaders' picture -------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceRow:
    progress: ProvinceProgress
    lagging: int

    @property
    def lagging_percent(self) -> int:
        return round(100 * self.lagging / self.progress.regencies) if self.progress.regencies else 0


@dataclass(frozen=True)
class PeriodPicture:
    """One open period in numbers, for national admins and viewers."""

    report: ProgressReport
    by_status: dict[str, int]
    lagging: int
    behind_most: tuple[ProvinceRow, ...]  # provinces (national), at most five
    regencies_behind_most: tuple[RegencyProgress, ...]  # when the scope is one province

    @property
    def assigned(self) -> int:
        return len(self.report.rows)

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def submitted(self) -> int:
        return self.count(Assignment.Status.SUBMITTED)

    @property
    def verified(self) -> int:
        return self.count(Assignment.Status.VERIFIED)

    @property
    def final(self) -> int:
        return self.count(Assignment.Status.FINAL)

    @property
    def not_started(self) -> int:
        return self.count(Assignment.Status.NOT_STARTED)


def period_picture(report: ProgressReport, top: int = 5) -> PeriodPicture:
    by_status: dict[str, int] = {}
    lagging_by_province: dict[str, int] = {}
    for row in report.rows:
        by_status[row.status] = by_status.get(row.status, 0) + 1
        if row.is_lagging:
            lagging_by_province[row.province_code] = (
                lagging_by_province.get(row.province_code, 0) + 1
            )
    provinces = [ProvinceRow(p, lagging_by_province.get(p.code, 0)) for p in report.provinces]
    behind = sorted(
        (p for p in provinces if p.lagging),
        key=lambda p: (
            -p.lagging_percent,
            -p.lagging,
            p.progress.completeness or 0,
            p.progress.code,
        ),
    )
    return PeriodPicture(
        report=report,
        by_status=by_status,
        lagging=len(report.lagging),
        behind_most=tuple(behind[:top]) if report.several_provinces else (),
        regencies_behind_most=() if report.several_provinces else report.lagging[:top],
    )


@dataclass(frozen=True)
class LatestRun:
    """The latest stored index run, and the latest index-run job when there is a newer one
    (queued, running or failed: a run still on its way, or one that did not make it)."""

    run: IndexRun | None
    job_status: str = ""
    job_status_label: str = ""
    job_url: str = ""


def latest_run(user: User) -> LatestRun:
    """Runs are national (ranks are computed over every regency), so is the latest one."""
    run = IndexRun.objects.select_related("period").order_by("-created_at", "-pk").first()
    jobs = Job.objects.filter(kind=INDEX_RUN).exclude(status=Job.Status.DONE)
    if run is not None:
        jobs = jobs.filter(created_at__gt=run.created_at)
    job = jobs.order_by("-created_at", "-pk").first()
    if job is None:
        return LatestRun(run)
    mine = job.started_by_id == user.pk or user.role == Role.NATIONAL_ADMIN
    return LatestRun(
        run,
        job.status,
        job.get_status_display(),
        url_or_empty("job_detail", job.pk) if mine else "",
    )
