"""The awards of a published year: the regencies that meet the run's award rule.

The rule (``kotan.scoring.models.AwardRule``) names the national top N and the top N of every
category. Ties are kept together: a regency is in the national top N when its national rank is
N or better (competition ranking, so two regencies tied at rank N are both named), and in its
category's top N when fewer than N regencies of that category rank strictly above it. Only
ranked regencies (enough data, a category) can be named.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kotan.public.queries import public_results
from kotan.scoring.models import AwardRule, IndexRun, RegencyResult


@dataclass(frozen=True)
class Entry:
    result: RegencyResult
    category: str | Promise  # the label of the result's category


@dataclass(frozen=True)
class AwardGroup:
    anchor: str
    title: str
    entries: list[Entry]


@dataclass(frozen=True)
class Awards:
    rule: AwardRule | None
    national: list[Entry]
    by_category: list[AwardGroup]  # highest category first
    n_ranked: int

    @property
    def groups(self) -> list[AwardGroup]:
        """The national top (when the rule names one), then each category's top."""
        if self.rule is None:
            return []
        national = [AwardGroup("nasional", _("Peringkat nasional teratas"), self.national)]
        return [*(national if self.rule.top_national else []), *self.by_category]


def award_rule(run: IndexRun) -> AwardRule | None:
    try:
        return AwardRule.objects.get(run=run)
    except AwardRule.DoesNotExist:
        return None


def _top(results: list[RegencyResult], n: int) -> list[RegencyResult]:
    """Those of ``results`` (sorted by national rank) with fewer than ``n`` strictly above."""
    chosen = []
    for position, result in enumerate(results):
        above = next(
            (i for i, other in enumerate(results) if other.rank_national == result.rank_national),
            position,
        )
        if above >= n:
            break
        chosen.append(result)
    return chosen


def awards(run: IndexRun) -> Awards:
    rule = award_rule(run)
    ranked = [
        r
        for r in public_results(run).filter(status=RegencyResult.Status.OK)
        if r.rank_national is not None
    ]
    ranked.sort(key=lambda r: (r.rank_national or 0, r.regency.code))
    if rule is None:
        return Awards(None, [], [], len(ranked))
    labels = run.category_labels

    def entries(results: list[RegencyResult]) -> list[Entry]:
        return [Entry(r, labels.get(r.category, "")) for r in results]

    national = entries([r for r in ranked if (r.rank_national or 0) <= rule.top_national])
    by_category = []
    if rule.top_per_category:
        for band in reversed(run.bands):
            code = band["code"]
            members = [r for r in ranked if r.category == code]
            title = _("Teratas di kategori %(label)s") % {"label": labels.get(code, code)}
            by_category.append(
                AwardGroup(f"kategori-{code}", title, entries(_top(members, rule.top_per_category)))
            )
    return Awards(rule, national, by_category, len(ranked))
