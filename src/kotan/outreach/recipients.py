"""Who receives which reminder or summary on a day: ``reminder_recipients(period, today)``.

It reads, it never writes: the reminder job sends what it returns, the benchmark times it.
A fixed number of aggregate queries whatever the number of regencies.

Rules (the "expected numbers" are the quotas of ``collection.progress``):

- a reminder goes out on a day of the period's ``ReminderPlan`` (deadline − d, deadline + d,
  the deadline of each assignment), to every active contact of the regency's responsible BNNK
  (or BNNP) and of its active institutions, while the assignment still collects and its
  regency is below its quota;
- an institution is no longer reminded once it has reached what is expected of it: the use
  limits of its respondent links, or the quotas of the units its links are for;
- after the deadline an overdue regency (still collecting, below quota) is listed in one
  summary per province for the BNNP's operators on each day of the schedule after the
  deadline, and from deadline + ``NATIONAL_ESCALATION_AFTER`` in one national summary for the
  national admins, listing provinces and counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet

from kotan.accounts.contacts import contacts_for_regency
from kotan.accounts.models import Contact, Organization, Role, User
from kotan.collection.models import (
    COLLECTING_STATUSES,
    Assignment,
    Period,
    Quota,
    RespondentLink,
    Response,
)
from kotan.collection.progress import UnitColumn, regency_progress
from kotan.outreach.models import DEFAULT_DAYS_AFTER, DEFAULT_DAYS_BEFORE, ReminderPlan
from kotan.outreach.schedule import NATIONAL_ESCALATION_AFTER, Step, step_on
from kotan.regions.models import Regency


@dataclass(frozen=True)
class RegencyState:
    """An assignment as the reminders see it."""

    assignment_id: int
    regency_id: int
    regency_code: str
    regency_name: str
    province_id: int
    province_name: str
    deadline: date
    days_left: int
    filled: int  # counted against the quota (capped per unit)
    target: int
    complete_units: frozenset[int]

    @property
    def complete(self) -> bool:
        return self.filled >= self.target

    @property
    def days_late(self) -> int:
        return max(-self.days_left, 0)


@dataclass(frozen=True)
class Reminder:
    """One contact to remind on one step; ``link_token`` is the institution's link, if any."""

    regency: RegencyState
    step: Step
    contact_id: int
    contact_name: str
    email: str
    whatsapp: str
    organization_id: int
    organization_name: str
    link_token: str = ""


@dataclass(frozen=True)
class ProvinceSummary:
    province_id: int
    province_name: str
    overdue: tuple[RegencyState, ...]
    recipients: tuple[int, ...]  # user ids: the province operators


@dataclass(frozen=True)
class NationalSummary:
    provinces: tuple[tuple[str, int], ...]  # (province name, overdue regencies)
    recipients: tuple[int, ...]  # user ids: the national admins


@dataclass
class DayPlan:
    period_id: int
    today: date
    reminders: list[Reminder] = field(default_factory=list)
    province_summaries: list[ProvinceSummary] = field(default_factory=list)
    national: NationalSummary | None = None


def regency_contacts(regency: Regency, responsible_id: int | None) -> QuerySet[Contact]:
    """Whom an operator may remind for a regency: the contacts of its organisations and of
    its covering BNNK (accounts), and of the office responsible for its assignment (a BNNP
    where no BNNK covers it)."""
    contacts = contacts_for_regency(regency)
    if responsible_id is None:
        return contacts
    return (
        Contact.objects.filter(is_active=True, organization__is_active=True)
        .filter(Q(pk__in=contacts.values("pk")) | Q(organization_id=responsible_id))
        .select_related("organization")
        .order_by("organization__kind", "organization__name", "name")
    )


def plan_days(period: Period) -> tuple[list[int], list[int], bool]:
    plan = ReminderPlan.objects.filter(period=period).first()
    if plan is None:
        return list(DEFAULT_DAYS_BEFORE), list(DEFAULT_DAYS_AFTER), True
    return list(plan.days_before), list(plan.days_after), plan.enabled


def regency_states(
    period: Period, today: date, assignments: list[Assignment]
) -> dict[int, RegencyState]:
    """Filled against quota per assignment (two aggregate queries), keyed by assignment id."""
    ids = [a.pk for a in assignments]
    quotas: dict[int, dict[int, int]] = defaultdict(dict)
    for aid, uid, q in Quota.objects.filter(assignment_id__in=ids).values_list(
        "assignment_id", "unit_id", "quota"
    ):
        quotas[aid][uid] = q
    filled: dict[int, dict[int, int]] = defaultdict(dict)
    for aid, uid, n in (
        Response.objects.filter(assignment_id__in=ids, excluded=False)
        .order_by()
        .values_list("assignment_id", "unit_id")
        .annotate(n=Count("pk"))
    ):
        filled[aid][uid] = n
    states = {}
    for a in assignments:
        units = [UnitColumn(uid, "", "") for uid in sorted(quotas[a.pk])]
        row = regency_progress(
            assignment=a,
            units=units,
            quotas=quotas[a.pk],
            filled=filled[a.pk],
            opens_on=period.opens_on,
            today=today,
            submitted_on=None,
        )
        states[a.pk] = RegencyState(
            assignment_id=a.pk,
            regency_id=a.regency_id,
            regency_code=row.regency_code,
            regency_name=row.regency_name,
            province_id=a.regency.province_id,
            province_name=row.province_name,
            deadline=a.deadline,
            days_left=row.days_left,
            filled=row.total.counted,
            target=row.total.quota,
            complete_units=frozenset(
                u.id for u, cell in zip(units, row.cells, strict=True) if cell.counted >= cell.quota
            ),
        )
    return states


def _institutions_done(
    assignment_ids: list[int], states: dict[int, RegencyState]
) -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
    """(assignment, institution) pairs that reached what is expected of them, and the token of
    each institution's first active link (two queries)."""
    links = list(
        RespondentLink.objects.filter(assignment_id__in=assignment_ids, institution__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "assignment_id", "institution_id", "unit_id", "max_uses", "is_active", "token"
        )
    )
    used = dict(
        Response.objects.filter(link_id__in=[link[0] for link in links], excluded=False)
        .order_by()
        .values_list("link_id")
        .annotate(n=Count("pk"))
    )
    expected: dict[tuple[int, int], list[bool]] = defaultdict(list)
    tokens: dict[tuple[int, int], str] = {}
    for pk, aid, org_id, unit_id, max_uses, active, token in links:
        pair = (aid, org_id)
        unit_full = unit_id in states[aid].complete_units
        link_full = max_uses is not None and used.get(pk, 0) >= max_uses
        expected[pair].append(unit_full or link_full)
        if active and pair not in tokens:
            tokens[pair] = token
    done = {pair for pair, flags in expected.items() if all(flags)}
    return done, tokens


def reminder_recipients(period: Period, today: date) -> DayPlan:
    """What the reminder job would send for ``period`` on ``today`` (reads only)."""
    plan = DayPlan(period.pk, today)
    days_before, days_after, enabled = plan_days(period)
    if not enabled or period.status != Period.Status.OPEN:
        return plan
    assignments = list(
        Assignment.objects.filter(period=period, status__in=COLLECTING_STATUSES)
        .select_related("regency__province", "responsible")
        .order_by("regency__code")
    )
    steps = {a.pk: step_on(a.deadline, today, days_before, days_after) for a in assignments}
    due = [a for a in assignments if steps[a.pk] is not None]
    if not due:
        return plan
    states = regency_states(period, today, due)
    behind = [a for a in due if not states[a.pk].complete]
    if not behind:
        return plan
    done, tokens = _institutions_done([a.pk for a in behind], states)
    by_regency: dict[int, Assignment] = {a.regency_id: a for a in behind}
    contacts = (
        Contact.objects.filter(is_active=True, organization__is_active=True)
        .filter(
            Q(
                organization__kind=Organization.Kind.INSTITUTION,
                organization__regency_id__in=by_regency,
            )
            | Q(organization_id__in={a.responsible_id for a in behind})
        )
        .select_related("organization")
        .order_by("organization__name", "name", "pk")
    )
    responsible_of: dict[int, list[Assignment]] = defaultdict(list)
    for a in behind:
        responsible_of[a.responsible_id].append(a)
    for contact in contacts:
        org = contact.organization
        if org.kind == Organization.Kind.INSTITUTION:
            targets = [by_regency[org.regency_id]] if org.regency_id in by_regency else []
        else:
            targets = responsible_of.get(org.pk, [])
        for a in targets:
            if (a.pk, org.pk) in done:
                continue
            step = steps[a.pk]
            assert step is not None
            plan.reminders.append(
                Reminder(
                    regency=states[a.pk],
                    step=step,
                    contact_id=contact.pk,
                    contact_name=contact.name,
                    email=contact.email,
                    whatsapp=contact.whatsapp,
                    organization_id=org.pk,
                    organization_name=org.name,
                    link_token=tokens.get((a.pk, org.pk), ""),
                )
            )
    _escalate(plan, steps, states, behind)
    return plan


def _escalate(
    plan: DayPlan,
    steps: dict[int, Step | None],
    states: dict[int, RegencyState],
    behind: list[Assignment],
) -> None:
    """Summaries for the day: one per province with an overdue regency on an after-step today,
    listing all of that province's overdue regencies stepped today; then one national."""
    overdue = [states[a.pk] for a in behind if getattr(steps[a.pk], "when", "") == "after"]
    if not overdue:
        return
    by_province: dict[int, list[RegencyState]] = defaultdict(list)
    for state in overdue:
        by_province[state.province_id].append(state)
    operators: dict[int, list[int]] = defaultdict(list)
    for pk, province_id in User.objects.filter(
        role=Role.PROVINCE_OPERATOR, is_active=True, province_id__in=by_province
    ).values_list("pk", "province_id"):
        operators[province_id].append(pk)
    for province_id, rows in sorted(by_province.items(), key=lambda kv: kv[1][0].province_name):
        plan.province_summaries.append(
            ProvinceSummary(
                province_id,
                rows[0].province_name,
                tuple(sorted(rows, key=lambda r: r.regency_code)),
                tuple(sorted(operators.get(province_id, []))),
            )
        )
    late = [s for s in overdue if -s.days_left >= NATIONAL_ESCALATION_AFTER]
    if late:
        counts: dict[str, int] = defaultdict(int)
        for state in late:
            counts[state.province_name] += 1
        admins = User.objects.filter(role=Role.NATIONAL_ADMIN, is_active=True).values_list(
            "pk", flat=True
        )
        plan.national = NationalSummary(tuple(sorted(counts.items())), tuple(sorted(admins)))
