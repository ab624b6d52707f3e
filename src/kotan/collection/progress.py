"""Progress of data collection in a period: the regency × unit matrix, who is behind, and the
completeness and on-time rate per province.

Definitions (also explained on the page):

- *filled*: responses that are not excluded (a response exists only for an accepted raw
  submission). A unit's *counted* responses are capped at its quota, so 60 government
  respondents never make up for a missing family unit; completeness = counted / quota.
- *expected share*: the share of the collection time elapsed, from ``period.opens_on`` to the
  assignment's deadline, measured today (0 before opening, 1 from the deadline on).
- a regency (or a cell) is *behind* when its completeness is below its expected share;
  *not started* when nothing is filled; *complete* at the quota; otherwise *on track*.
  The "Belum mengisi" list holds the regencies not started or behind whose assignment still
  collects (belum mulai, berjalan): a submitted one accepts no more responses.
- *on-time rate*: of the assignments that are due (already submitted, or past their deadline),
  the share submitted on or before the deadline. Assignments still collecting before their
  deadline are not yet decided and left out, so the rate measures punctuality, not progress.
  The submission time is the last change of the status to "diajukan" in the audit trail (the
  submission that stands; an earlier one that was returned did not count).

The rules are plain functions on plain values; ``progress_report`` loads what they need with a
fixed number of aggregate queries, whatever the number of regencies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotan.accounts.scoping import scope_queryset
from kotan.collection.models import (
    COLLECTING_STATUSES,
    Assignment,
    Period,
    Quota,
    RawSubmission,
    Response,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kotan.accounts.models import User

SUBMITTED_STATUSES = frozenset(
    {Assignment.Status.SUBMITTED, Assignment.Status.VERIFIED, Assignment.Status.FINAL}
)


class State(StrEnum):
    COMPLETE = "complete"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_STARTED = "not_started"


STATE_LABELS: dict[State, Promise] = {
    State.COMPLETE: gettext_lazy("Lengkap"),
    State.ON_TRACK: gettext_lazy("Sesuai jadwal"),
    State.BEHIND: gettext_lazy("Tertinggal"),
    State.NOT_STARTED: gettext_lazy("Belum mulai"),
}

# Shown beside the colour, so a state never depends on colour alone.
STATE_ICONS: dict[State, str] = {
    State.COMPLETE: "✓",
    State.ON_TRACK: "●",
    State.BEHIND: "!",
    State.NOT_STARTED: "○",
}

FLAG_LABELS: dict[str, Promise] = {
    "straight_lining": gettext_lazy("Jawaban seragam"),
    "too_fast": gettext_lazy("Terlalu cepat"),
    "duplicate_institution": gettext_lazy("Instansi ganda"),
}


# --- rules (no database) ------------------------------------------------------------------


def elapsed_share(opens_on: date, deadline: date, today: date) -> float:
    """Share of the collection time gone by today, between 0 and 1."""
    if today >= deadline:
        return 1.0
    if today <= opens_on:
        return 0.0
    return (today - opens_on).days / (deadline - opens_on).days


def state_of(filled: int, counted: int, quota: int, expected_share: float) -> State:
    if counted >= quota:
        return State.COMPLETE
    if filled == 0:
        return State.NOT_STARTED
    if counted / quota < expected_share:
        return State.BEHIND
    return State.ON_TRACK


@dataclass(frozen=True)
class Cell:
    """Filled against quota; ``counted`` is capped at the quota (per unit)."""

    filled: int
    counted: int
    quota: int
    state: State

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def icon(self) -> str:
        return STATE_ICONS[self.state]

    @property
    def text(self) -> str:
        """Filled against quota, e.g. 32/40."""
        return f"{self.filled}/{self.quota}"

    @property
    def share(self) -> float | None:
        return self.counted / self.quota if self.quota else None

    @property
    def percent(self) -> int | None:
        """Completeness in whole per cent, rounded down: 100 only when complete."""
        return 100 * self.counted // self.quota if self.quota else None


def unit_cell(filled: int, quota: int, expected_share: float) -> Cell:
    counted = min(filled, quota)
    return Cell(filled, counted, quota, state_of(filled, counted, quota, expected_share))


def total_cell(cells: Iterable[Cell], expected_shares: Iterable[float] = ()) -> Cell:
    """Sum of cells. The expected share of a sum is the quota-weighted mean of its parts'
    (deadlines may differ), i.e. the share of the whole quota that should be filled by now."""
    cells = list(cells)
    shares = list(expected_shares)
    filled = sum(c.filled for c in cells)
    counted = sum(c.counted for c in cells)
    quota = sum(c.quota for c in cells)
    if shares and quota:
        expected = sum(s * c.quota for s, c in zip(shares, cells, strict=True)) / quota
    else:
        expected = 0.0
    return Cell(filled, counted, quota, state_of(filled, counted, quota, expected))


@dataclass(frozen=True)
class UnitColumn:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class RegencyProgress:
    assignment_id: int
    regency_code: str
    regency_name: str
    province_code: str
    province_name: str
    responsible: str
    status: str
    status_label: str
    deadline: date
    days_left: int  # negative: past the deadline
    expected_share: float
    cells: tuple[Cell, ...]
    total: Cell
    submitted_on: date | None  # local date of the submission that stands

    @property
    def gap(self) -> float:
        """How far completeness trails the elapsed time (positive: behind)."""
        return self.expected_share - (self.total.share or 0.0)

    @property
    def expected_percent(self) -> int:
        return round(100 * self.expected_share)

    @property
    def days_late(self) -> int:
        return -self.days_left

    @property
    def is_collecting(self) -> bool:
        return self.status in COLLECTING_STATUSES

    @property
    def is_lagging(self) -> bool:
        """On the "Belum mulai / tertinggal" list: still collecting, and not started or behind.
        Submitted assignments no longer accept responses, so they are not chased here."""
        return self.is_collecting and self.total.state in (State.NOT_STARTED, State.BEHIND)

    @property
    def is_due(self) -> bool:
        return self.submitted_on is not None or self.days_left < 0

    @property
    def on_time(self) -> bool:
        return self.submitted_on is not None and self.submitted_on <= self.deadline


def regency_progress(
    *,
    assignment: Assignment,
    units: Sequence[UnitColumn],
    quotas: Mapping[int, int],
    filled: Mapping[int, int],
    opens_on: date,
    today: date,
    submitted_on: date | None,
) -> RegencyProgress:
    """One row of the matrix; ``quotas`` and ``filled`` are keyed by unit id."""
    expected = elapsed_share(opens_on, assignment.deadline, today)
    cells = tuple(unit_cell(filled.get(u.id, 0), quotas.get(u.id, 0), expected) for u in units)
    return RegencyProgress(
        assignment_id=assignment.pk,
        regency_code=assignment.regency.code,
        regency_name=assignment.regency.name,
        province_code=assignment.regency.province.code,
        province_name=assignment.regency.province.name,
        responsible=assignment.responsible.name,
        status=assignment.status,
        status_label=assignment.get_status_display(),
        deadline=assignment.deadline,
        days_left=(assignment.deadline - today).days,
        expected_share=expected,
        cells=cells,
        total=total_cell(cells, [expected] * len(cells)),
        submitted_on=submitted_on if assignment.status in SUBMITTED_STATUSES else None,
    )


@dataclass(frozen=True)
class ProvinceProgress:
    code: str
    name: str
    regencies: int
    total: Cell
    submitted: int
    due: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return self.total.share

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None


def province_progress(rows: Iterable[RegencyProgress]) -> tuple[ProvinceProgress, ...]:
    groups: dict[tuple[str, str], list[RegencyProgress]] = defaultdict(list)
    for row in rows:
        groups[(row.province_code, row.province_name)].append(row)
    return tuple(
        ProvinceProgress(
            code=code,
            name=name,
            regencies=len(members),
            total=total_cell([r.total for r in members], [r.expected_share for r in members]),
            submitted=sum(r.submitted_on is not None for r in members),
            due=sum(r.is_due for r in members),
            on_time=sum(r.on_time for r in members),
        )
        for (code, name), members in sorted(groups.items())
    )


@dataclass(frozen=True)
class ProgressReport:
    period: Period
    today: date
    units: tuple[UnitColumn, ...]
    rows: tuple[RegencyProgress, ...]  # in the province filter, if any
    unit_totals: tuple[Cell, ...]
    total: Cell
    provinces: tuple[ProvinceProgress, ...]  # always the whole scope
    lagging: tuple[RegencyProgress, ...]  # not started or behind, most behind first

    @property
    def several_provinces(self) -> bool:
        return len(self.provinces) > 1


def build_report(
    period: Period,
    today: date,
    units: Sequence[UnitColumn],
    rows: Sequence[RegencyProgress],
    province_code: str = "",
) -> ProgressReport:
    shown = [r for r in rows if r.province_code == province_code] if province_code else list(rows)
    unit_totals = tuple(
        total_cell([r.cells[i] for r in shown], [r.expected_share for r in shown])
        for i in range(len(units))
    )
    return ProgressReport(
        period=period,
        today=today,
        units=tuple(units),
        rows=tuple(shown),
        unit_totals=unit_totals,
        total=total_cell([r.total for r in shown], [r.expected_share for r in shown]),
        provinces=province_progress(rows),
        lagging=tuple(
            sorted(
                (r for r in shown if r.is_lagging),
                key=lambda r: (-r.gap, r.deadline, r.regency_code),
            )
        ),
    )


# --- loading ------------------------------------------------------------------------------


def scoped_assignments(user: User | AnonymousUser, period: Period) -> QuerySet[Assignment]:
    return scope_queryset(user, Assignment.objects.filter(period=period))


def submission_dates(assignment_ids: Sequence[int]) -> dict[int, date]:
    """Local date of the last change of each assignment's status to "diajukan", from the audit
    trail (one query). Assignments without such a record are missing from the result."""
    if not assignment_ids:
        return {}
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Assignment),
            object_id__in=assignment_ids,
            changes__status__1=Assignment.Status.SUBMITTED,
        )
        .order_by()
        .values("object_id")
        .annotate(at=Max("timestamp"))
    )
    return {e["object_id"]: timezone.localdate(e["at"]) for e in entries}


def progress_report(
    user: User | AnonymousUser,
    period: Period,
    *,
    today: date | None = None,
    province_code: str = "",
) -> ProgressReport:
    """The progress of the regencies in the user's scope; ``province_code`` narrows the matrix
    and the lagging list, the per-province summary always covers the whole scope."""
    today = today or timezone.localdate()
    assignments = scoped_assignments(user, period)
    units = [
        UnitColumn(*fields)
        for fields in period.instrument.units.order_by("order").values_list("pk", "code", "name")
    ]
    quotas: dict[int, dict[int, int]] = defaultdict(dict)
    for q in (
        Quota.objects.filter(assignment__in=assignments.values("pk"))
        .order_by()
        .values("assignment_id", "unit_id", "quota")
    ):
        quotas[q["assignment_id"]][q["unit_id"]] = q["quota"]
    filled: dict[int, dict[int, int]] = defaultdict(dict)
    counts = (
        Response.objects.filter(assignment__in=assignments.values("pk"), excluded=False)
        .order_by()
        .values("assignment_id", "unit_id")
        .annotate(n=Count("pk"))
    )
    for c in counts:
        filled[c["assignment_id"]][c["unit_id"]] = c["n"]
    loaded = list(
        assignments.select_related("regency__province", "responsible").order_by("regency__code")
    )
    submitted = [a.pk for a in loaded if a.status in SUBMITTED_STATUSES]
    dates = submission_dates(submitted)
    rows = [
        regency_progress(
            assignment=a,
            units=units,
            quotas=quotas[a.pk],
            filled=filled[a.pk],
            opens_on=period.opens_on,
            today=today,
            # Fallback when the audit trail has no submission (e.g. a status set before the
            # trail existed): updated_at, which also moves on verification, so it can only
            # make a submission look later than it was, never earlier.
            submitted_on=dates.get(a.pk) or timezone.localdate(a.updated_at),
        )
        for a in loaded
    ]
    return build_report(period, today, units, rows, province_code)


def _csv_text(value: str) -> str:
    """Keep spreadsheet programs from reading a name as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def matrix_csv_rows(report: ProgressReport) -> Iterator[list[str | int]]:
    """The matrix as spreadsheet rows: a header in the user's language, then one per regency."""
    header: list[str | int] = [
        _("Kode provinsi"),
        _("Provinsi"),
        _("Kode kabupaten/kota"),
        _("Kabupaten/kota"),
        _("Penanggung jawab"),
        _("Status penugasan"),
        _("Tenggat"),
    ]
    for unit in report.units:
        header += [
            _("%(unit)s: terisi") % {"unit": unit.name},
            _("%(unit)s: kuota") % {"unit": unit.name},
        ]
    header += [_("Total terisi"), _("Total kuota"), _("Kelengkapan (%)"), _("Keadaan")]
    yield header
    for r in report.rows:
        line: list[str | int] = [
            r.province_code,
            _csv_text(r.province_name),
            r.regency_code,
            _csv_text(r.regency_name),
            _csv_text(r.responsible),
            r.status_label,
            r.deadline.isoformat(),
        ]
        for cell in r.cells:
            line += [cell.filled, cell.quota]
        share = r.total.share
        line += [
            r.total.filled,
            r.total.quota,
            "" if share is None else f"{100 * share:.1f}",
            r.total.label,
        ]
        yield line


# --- data quality -------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    code: str
    label: str


@dataclass(frozen=True)
class FlaggedResponse:
    response: Response
    flags: tuple[Flag, ...]


def _same_institution() -> Exists:
    """Another counted response of the same regency and unit from the same institution.

    Found when the list is read, not stored at ingestion: both responses of a pair are
    flagged, and excluding one clears the flag of the other.
    """
    return Exists(
        Response.objects.filter(
            assignment=OuterRef("assignment"),
            unit=OuterRef("unit"),
            institution_name__iexact=OuterRef("institution_name"),
            excluded=False,
        )
        .exclude(institution_name="")
        .exclude(pk=OuterRef("pk"))
    )


def review_responses(user: User | AnonymousUser, period: Period) -> QuerySet[Response]:
    """Responses in scope with a quality flag, and every excluded one (kept with its reason)."""
    return (
        scope_queryset(user, Response.objects.filter(assignment__period=period))
        .annotate(duplicate_institution=_same_institution())
        .filter(Q(excluded=True) | ~Q(flags=[]) | Q(duplicate_institution=True))
        .select_related("assignment__regency", "unit")
        .order_by("excluded", "-submitted_at", "-pk")
    )


def flagged(responses: Iterable[Response]) -> list[FlaggedResponse]:
    out = []
    for r in responses:
        codes = list(r.flags or [])
        if getattr(r, "duplicate_institution", False) and not r.excluded:
            codes.append("duplicate_institution")
        labels = (Flag(code, str(FLAG_LABELS.get(code, code))) for code in dict.fromkeys(codes))
        out.append(FlaggedResponse(r, tuple(labels)))
    return out


@dataclass(frozen=True)
class RawIssue:
    raw: RawSubmission
    problems: tuple[str, ...]
    original_receipt: str  # for a conflict: the submission it contradicts
    unit: str  # its name when the code is one of the instrument's
    institution: str


def review_submissions(user: User | AnonymousUser, period: Period) -> QuerySet[RawSubmission]:
    """Invalid and conflicting raw submissions in scope. Those that could not be tied to an
    assignment (unknown link, garbage) belong to no region: only national users see them."""
    return (
        scope_queryset(
            user,
            RawSubmission.objects.filter(
                Q(assignment__period=period) | Q(assignment__isnull=True),
                status__in=[RawSubmission.Status.INVALID, RawSubmission.Status.CONFLICT],
            ),
        )
        .select_related("assignment__regency", "submitted_by")
        .order_by("-received_at", "-pk")
    )


def raw_issues(raws: Sequence[RawSubmission], period: Period) -> list[RawIssue]:
    """Problems of each raw submission as stored at ingestion (two queries at most)."""
    if not raws:
        return []
    unit_names = dict(period.instrument.units.values_list("code", "name"))
    conflicting = {r.client_uuid for r in raws if r.status == RawSubmission.Status.CONFLICT}
    originals = dict(
        RawSubmission.objects.filter(client_uuid__in=conflicting)
        .exclude(status=RawSubmission.Status.CONFLICT)
        .values_list("client_uuid", "receipt_number")
        if conflicting
        else []
    )
    issues = []
    for r in raws:
        payload = r.payload if isinstance(r.payload, dict) else {}
        problems = tuple(
            str(e.get("detail") or e.get("code", "")) if isinstance(e, dict) else str(e)
            for e in (r.errors or [])
        )
        if r.status == RawSubmission.Status.CONFLICT and not problems:
            problems = (
                _(
                    "UUID ini sudah dipakai untuk kiriman dengan isi berbeda; "
                    "kiriman pertama yang berlaku."
                ),
            )
        issues.append(
            RawIssue(
                raw=r,
                problems=problems,
                original_receipt=originals.get(r.client_uuid, ""),
                unit=unit_names.get(str(payload.get("unit")), str(payload.get("unit") or ""))[:100],
                institution=str(payload.get("institution") or "")[:200],
            )
        )
    return issues


# --- one assignment: send-backs, institutions, responses -----------------------------------


@dataclass(frozen=True)
class SendBack:
    at: datetime
    by: str
    reason: str


def send_back_history(assignment: Assignment) -> list[SendBack]:
    """Every time the assignment was sent back, newest first, with its reason.

    The assignment keeps only the reason that stands (cleared when it is submitted again);
    the audit trail records each change of it, so the history is read from there."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Assignment),
            object_id=assignment.pk,
            changes__has_key="returned_reason",
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
    history = []
    for entry in entries:
        change = entry.changes_dict.get("returned_reason")
        reason = change[1] if isinstance(change, list | tuple) and len(change) == 2 else ""
        if reason and reason != "None":
            by = entry.actor.get_full_name() or entry.actor.get_username() if entry.actor else ""
            history.append(SendBack(entry.timestamp, by, str(reason)))
    return history


INSTITUTION_STATES: dict[str, Promise] = {
    "complete": gettext_lazy("Lengkap"),
    "partial": gettext_lazy("Sebagian"),
    "none": gettext_lazy("Belum ada jawaban"),
    "no_link": gettext_lazy("Belum ada tautan"),
    "open": gettext_lazy("Tanpa batas penggunaan"),
    "received": gettext_lazy("Terisi tanpa tautan"),
}


@dataclass(frozen=True)
class InstitutionRow:
    """What one named institution or respondent link gave against what was expected of it."""

    name: str
    unit: str
    # "link"; "institution": an office of the regency without a link (e.g. a Kesbangpol not
    # yet reached); "other": every other response of a unit sent without a link
    source: str
    filled: int
    expected: int | None  # a link's use limit; None: not limited or not known

    @property
    def state(self) -> str:
        if self.source == "institution" and self.filled == 0:
            return "no_link"
        if self.filled == 0:
            return "none"
        if self.source != "link":
            return "received"
        if self.expected is None:
            return "open"
        return "complete" if self.filled >= self.expected else "partial"

    @property
    def state_label(self) -> str:
        return str(INSTITUTION_STATES[self.state])


def institution_progress(assignment: Assignment) -> list[InstitutionRow]:
    """Every respondent link (its institution or label) against its use limit, every office
    of the regency without a link (its responses found by name), then per unit the other
    responses sent without a link (enumerator, Excel, paper, ODK). Four queries."""
    from kotan.accounts.models import Organization

    counted = Response.objects.filter(assignment=assignment, excluded=False).order_by()
    by_link = dict(
        counted.filter(link__isnull=False).values_list("link_id").annotate(n=Count("pk"))
    )
    rows: list[InstitutionRow] = []
    linked_orgs: set[int] = set()
    for link in assignment.links.select_related("unit", "institution").order_by("pk"):
        if link.institution_id:
            linked_orgs.add(link.institution_id)
        name = link.institution.name if link.institution else (link.label or link.unit.name)
        rows.append(
            InstitutionRow(name, link.unit.name, "link", by_link.get(link.pk, 0), link.max_uses)
        )
    unit_names = dict(assignment.period.instrument.units.values_list("pk", "name"))
    unlinked: dict[tuple[str, int], int] = defaultdict(int)
    for name, unit_id, n in (
        counted.filter(link__isnull=True)
        .values_list("institution_name", "unit_id")
        .annotate(n=Count("pk"))
    ):
        unlinked[(name.strip().casefold(), unit_id)] += n
    offices = Organization.objects.filter(
        kind=Organization.Kind.INSTITUTION, regency=assignment.regency, is_active=True
    ).exclude(pk__in=linked_orgs)
    for office in offices.order_by("name"):
        mine = [key for key in unlinked if key[0] == office.name.casefold()]
        filled = sum(unlinked.pop(key) for key in mine)
        unit = unit_names.get(mine[0][1], "") if mine else ""
        rows.append(InstitutionRow(office.name, unit, "institution", filled, None))
    others: dict[int, int] = defaultdict(int)
    for (_name, unit_id), n in unlinked.items():
        others[unit_id] += n
    for unit_id, name in unit_names.items():
        if others.get(unit_id):
            rows.append(
                InstitutionRow(_("Lainnya, tanpa tautan"), name, "other", others[unit_id], None)
            )
    return rows


@dataclass(frozen=True)
class AnswerRow:
    code: str
    text: str
    value: str
    label: str  # the option's label; the code itself when it is not one of the options
    score: float | None


def answer_rows(response: Response) -> list[AnswerRow]:
    """A response's answers as people read them: item text and the answer's label (2 queries)."""
    labels = dict(response.assignment.period.instrument.options.values_list("code", "label"))
    return [
        AnswerRow(a.item.code, a.item.text, a.value, labels.get(a.value, a.value), a.score)
        for a in response.answers.select_related("item").order_by("item__order", "item__code")
    ]


def assignment_responses(
    assignment: Assignment, *, unit: str = "", channel: str = "", status: str = ""
) -> QuerySet[Response]:
    """The responses of an assignment for the table, filtered by unit code, channel and
    status (``included`` / ``excluded``), newest first."""
    rows = Response.objects.filter(assignment=assignment)
    if unit:
        rows = rows.filter(unit__code=unit)
    if channel:
        rows = rows.filter(channel=channel)
    if status in ("included", "excluded"):
        rows = rows.filter(excluded=status == "excluded")
    return (
        rows.annotate(duplicate_institution=_same_institution())
        .select_related("unit", "link")
        .order_by("-submitted_at", "-pk")
    )
