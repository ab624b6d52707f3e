"""Small instruments and answers for the engine's tests, written by hand.

The engine scores an ``InstrumentSpec``; ``Instrument``, ``Variable``, ``Indicator`` and
``Item`` here build one with only what the engine reads (codes, weights, units, the scale).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from kotan.method import spec
from kotan.method.engine import ResponseMatrix, ResponseRow, ScoringOptions, ScoringResult, score


def Item(code: str, weight: float | None = None, units: Sequence[str] = ()) -> spec.Item:
    return spec.Item(code=code, text=code, units=tuple(units), weight=weight)


def Indicator(
    code: str, items: tuple[spec.Item, ...], weight: float | None = None
) -> spec.Indicator:
    return spec.Indicator(code=code, name=code, items=items, weight=weight)


def Variable(code: str, weight: float, indicators: tuple[spec.Indicator, ...]) -> spec.Variable:
    return spec.Variable(code=code, name=code, weight=weight, indicators=indicators)


def Instrument(
    scale_min: float, scale_max: float, variables: tuple[spec.Variable, ...]
) -> spec.InstrumentSpec:
    return spec.InstrumentSpec(
        code="UJI",
        year=2026,
        version=1,
        title="Instrumen uji",
        scale_min=scale_min,
        scale_max=scale_max,
        answer_options=(),
        units=(),
        variables=variables,
    )


# V1 (0.6): I1 = items a, b; I2 = item c.  V2 (0.4): I3 = item d.  Answers 1..4.
INSTRUMENT = Instrument(
    scale_min=1,
    scale_max=4,
    variables=(
        Variable(
            "V1", 0.6, (Indicator("I1", (Item("a"), Item("b"))), Indicator("I2", (Item("c"),)))
        ),
        Variable("V2", 0.4, (Indicator("I3", (Item("d"),)),)),
    ),
)
ITEMS = ("a", "b", "c", "d")
# One item, so a regency's index is the mean of its answers.
SINGLE = Instrument(1, 4, (Variable("V", 1.0, (Indicator("I", (Item("q"),)),)),))

Answers = dict[str, float | None]


def people(regency: str, answers: Sequence[Answers], unit: str = "gov") -> list[ResponseRow]:
    return [ResponseRow(f"{regency}/{unit}/{n}", regency, unit, a) for n, a in enumerate(answers)]


def everything(value: float) -> Answers:
    return dict.fromkeys(ITEMS, value)


def single(regency: str, values: Sequence[float]) -> list[ResponseRow]:
    return people(regency, [{"q": v} for v in values])


def run(
    rows: Sequence[ResponseRow],
    instrument: spec.InstrumentSpec = INSTRUMENT,
    **options: object,
) -> ScoringResult:
    items = [i.code for v in instrument.variables for d in v.indicators for i in d.items]
    options.setdefault("min_respondents", 1)
    matrix = ResponseMatrix.from_rows(rows, items)
    return score(instrument, matrix, ScoringOptions(**options))  # type: ignore[arg-type]


def survey(
    seed: int = 1, regencies: Sequence[str] = ("15.01", "15.02", "15.03", "11.01")
) -> list[ResponseRow]:
    """Some regencies of 24 respondents in three units, with 10% of answers missing."""
    rng = random.Random(seed)
    rows = []
    for level, regency in enumerate(regencies):
        for n in range(24):
            answers: Answers = {
                item: None if rng.random() < 0.1 else min(4, max(1, level % 3 + rng.choice([1, 2])))
                for item in ITEMS
            }
            rows.append(
                ResponseRow(f"{regency}-{n:02d}", regency, ("gov", "edu", "fam")[n % 3], answers)
            )
    rows += people("15.09", [everything(2)])  # too few respondents
    return rows
