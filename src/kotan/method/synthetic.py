"""A deterministic synthetic response set for demos, tests and benchmarks (no real people).

Answers come from a latent score with effects per province, regency, regency × variable,
observation unit and item, plus respondent noise, turned into the answer option with the
nearest score; some answers are left empty (missing) and some are "tidak tahu". The spreads
are set for a 1–4 scale and stretched to the range of the option scores, so the instrument's
declared scale is never used (it may be unusable: the engine refuses it then, not the demo).
The same seed gives the same file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from kotan.method.problems import Problem, ProblemsError, register_messages
from kotan.method.spec import InstrumentSpec

register_messages(
    {
        "demo.no_scores": (
            "Instrumen tidak memiliki pilihan jawaban yang bernilai: tidak ada yang dapat dibuat.",
            "The instrument has no answer option with a score: there is nothing to generate.",
        ),
    }
)


@dataclass(frozen=True)
class SyntheticSettings:
    regencies: Sequence[str]
    respondents: int = 180
    seed: int = 1
    missing_rate: float = 0.04
    dont_know_rate: float = 0.03


def pick_regencies(all_codes: Sequence[str], n: int) -> list[str]:
    """``n`` regencies spread evenly over the code list (all of them when n >= len)."""
    codes = sorted(all_codes)
    if n >= len(codes):
        return codes
    step = len(codes) / n
    return [codes[int(i * step)] for i in range(n)]


def allocate(total: int, quotas: Sequence[int]) -> list[int]:
    """Split ``total`` respondents over units in proportion to their quotas (largest remainder)."""
    weight = sum(quotas)
    raw = [total * q / weight for q in quotas]
    counts = [math.floor(x) for x in raw]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _options(spec: InstrumentSpec) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Option scores (ascending), their codes, and the code of "tidak tahu" (if any)."""
    scored = sorted((o.score, o.code) for o in spec.answer_options if o.score is not None)
    if not scored:
        raise ProblemsError([Problem("demo.no_scores", "")])
    scores = np.array([score for score, _code in scored], dtype=np.float64)
    codes = np.array([code for _score, code in scored], dtype=object)
    dont_know = next((o.code for o in spec.answer_options if o.score is None), None)
    return scores, codes, dont_know


def header(spec: InstrumentSpec) -> list[str]:
    return ["response_id", "regency_code", "unit_code", *(i.code for i in spec.items)]


def generate_rows(spec: InstrumentSpec, settings: SyntheticSettings) -> Iterator[list[str]]:
    """Rows of the wide response table (strings, "" = missing), regency by regency."""
    rng = np.random.default_rng(settings.seed)
    items = spec.items
    variable_of = np.array(
        [vi for vi, v in enumerate(spec.variables) for d in v.indicators for _ in d.items]
    )
    n_items, n_variables = len(items), len(spec.variables)
    unit_codes = [u.code for u in spec.units]
    asked = np.array([[u in item.units for item in items] for u in unit_codes])
    option_scores, option_codes, dont_know = _options(spec)
    low, high = float(option_scores[0]), float(option_scores[-1])
    spread = (high - low) / 3 if high > low else 1.0  # 1.0 on a 1-4 scale: the tuned values
    middle = (low + high) / 2 + 0.35 * spread  # most regencies sit above the middle
    # Midpoints between neighbouring option scores: the nearest option by searchsorted.
    cuts = (option_scores[1:] + option_scores[:-1]) / 2
    item_effect = rng.normal(0.0, 0.3 * spread, n_items)
    unit_effect = rng.normal(0.0, 0.2 * spread, len(unit_codes))
    provinces = sorted({code.split(".")[0] for code in settings.regencies})
    province_effect = dict(
        zip(provinces, rng.normal(0.0, 0.25 * spread, len(provinces)), strict=True)
    )
    counts = allocate(settings.respondents, [u.quota for u in spec.units])
    for regency in settings.regencies:
        regency_effect = rng.normal(0.0, 0.35 * spread) + province_effect[regency.split(".")[0]]
        variable_effect = rng.normal(0.0, 0.3 * spread, n_variables)[variable_of]
        serial = 0
        for u, (unit, n) in enumerate(zip(unit_codes, counts, strict=True)):
            latent = (
                middle
                + regency_effect
                + variable_effect
                + unit_effect[u]
                + item_effect
                + rng.normal(0.0, 0.7 * spread, (n, n_items))
            )
            draw = rng.random((n, n_items))
            cells = option_codes[np.searchsorted(cuts, latent)]
            if dont_know:
                cells = np.where(
                    draw < settings.missing_rate + settings.dont_know_rate, dont_know, cells
                )
            cells = np.where((draw < settings.missing_rate) | ~asked[u], "", cells)
            for row in cells.tolist():
                serial += 1
                yield [f"R{regency}-{serial:04d}", regency, unit, *row]
