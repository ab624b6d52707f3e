"""Monev analytics in the user's scope: which obstacles recur where, who is late, and each
regency's points next to its weakest IKOTAN variables. A fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from kotan.accounts.models import User
from kotan.accounts.scoping import scope_queryset
from kotan.instruments.models import Variable
from kotan.method.engine import rescale_100
from kotan.monev.models import FollowUp, Point, Theme
from kotan.regions.models import Province, Regency
from kotan.scoring.models import IndexRun, RegencyResult

WEAKEST = 2  # variables shown per regency
UNTAGGED = ""


@dataclass(frozen=True)
class ThemeRow:
    code: str
    name: str
    total: int
    by_column: list[int]  # counts per year or province, in the order of the columns
    n_visits: int


@dataclass(frozen=True)
class ThemeTable:
    columns: list[str]
    rows: list[ThemeRow]


@dataclass(frozen=True)
class OverdueRow:
    owner: str
    province: str
    n_overdue: int
    n_open: int


@dataclass(frozen=True)
class WeakVariable:
    code: str
    name: str
    score_100: float | None


@dataclass
class RegencyRow:
    regency: Regency
    kinds: Counter[str] = field(default_factory=Counter)
    points: list[Point] = field(default_factory=list)
    weakest: list[WeakVariable] = field(default_factory=list)
    index_100: float | None = None

    @property
    def weak_codes(self) -> set[str]:
        return {w.code for w in self.weakest}


def _obstacles(user: User, year: int | None, province: Province | None) -> QuerySet[Point]:
    points = scope_queryset(user, Point.objects.filter(kind=Point.Kind.OBSTACLE))
    if year:
        points = points.filter(session__visit__year=year)
    if province:
        points = points.filter(session__visit__province=province)
    return points


def theme_table(user: User, by: str, year: int | None, province: Province | None) -> ThemeTable:
    """Obstacle points per theme, per year (``by="year"``) or per province."""
    column_field = "session__visit__year" if by == "year" else "session__visit__province__name"
    points = _obstacles(user, year, province)
    rows = (
        points.order_by()
        .values_list("themes__code", column_field)
        .annotate(n=Count("pk", distinct=True))
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    columns: set[str] = set()
    for code, column, n in rows:
        counts[code or UNTAGGED][str(column)] = n
        columns.add(str(column))
    visits = dict(
        points.order_by()
        .values_list("themes__code")
        .annotate(v=Count("session__visit", distinct=True))
    )
    ordered = sorted(columns, reverse=by == "year")
    names = [(t.code, t.name) for t in Theme.objects.all()]
    if UNTAGGED in counts:
        names.append((UNTAGGED, "—"))
    table = [
        ThemeRow(
            code,
            name,
            sum(counts[code].values()),
            [counts[code].get(c, 0) for c in ordered],
            visits.get(code or None, 0),
        )
        for code, name in names
        if counts.get(code)
    ]
    table.sort(key=lambda r: (-r.total, r.name))
    return ThemeTable(ordered, table)


def overdue_by_owner(user: User, year: int | None, province: Province | None) -> list[OverdueRow]:
    follow_ups = scope_queryset(user, FollowUp.objects.all())
    if year:
        follow_ups = follow_ups.filter(point__session__visit__year=year)
    if province:
        follow_ups = follow_ups.filter(point__session__visit__province=province)
    rows = (
        follow_ups.filter(status__in=FollowUp.ACTIVE)
        .order_by()
        .values_list("owner__name", "point__session__visit__province__name")
        .annotate(n_overdue=Count("pk", filter=FollowUp.overdue_q()), n_open=Count("pk"))
        .filter(n_overdue__gt=0)
    )
    result = [OverdueRow(*row) for row in rows]
    result.sort(key=lambda r: (-r.n_overdue, r.province, r.owner))
    return result


def latest_run() -> IndexRun | None:
    """The latest final index run, else the latest provisional one."""
    runs = IndexRun.objects.select_related("instrument", "period")
    return runs.filter(kind=IndexRun.Kind.FINAL).first() or runs.first()


def regency_rows(
    user: User, year: int | None, province: Province | None
) -> tuple[list[RegencyRow], IndexRun | None]:
    points = scope_queryset(
        user, Point.objects.filter(regency__isnull=False).select_related("regency", "session")
    )
    if year:
        points = points.filter(session__visit__year=year)
    if province:
        points = points.filter(session__visit__province=province)
    by_regency: dict[int, RegencyRow] = {}
    for point in points.order_by("regency__code", "-session__held_on", "order"):
        assert point.regency is not None
        row = by_regency.setdefault(point.regency_id or 0, RegencyRow(point.regency))
        row.kinds[point.kind] += 1
        row.points.append(point)
    run = latest_run()
    if run is not None and by_regency:
        names = dict(
            Variable.objects.filter(instrument=run.instrument_id).values_list("code", "name")
        )
        # Scoped on its own: a BNNK reads its province's Monev but only its regencies' results.
        results = scope_queryset(
            user,
            RegencyResult.objects.filter(
                Q(run=run) & Q(regency__in=list(by_regency)) & Q(status=RegencyResult.Status.OK)
            ),
        )
        low, high = run.instrument.scale_min, run.instrument.scale_max
        for result in results:
            scored = [(s, c) for c, s in result.variables.items() if s is not None]
            row = by_regency[result.regency_id]
            row.index_100 = result.index_100
            row.weakest = [
                WeakVariable(c, names.get(c, c), rescale_100(s, low, high))
                for s, c in sorted(scored)[:WEAKEST]
            ]
    return list(by_regency.values()), run
