"""Reading instruments back as plain specs (for export and for the scoring engine)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from kotan.instruments.models import Instrument
from kotan.method.spec import (
    AnswerOption,
    Indicator,
    InstrumentSpec,
    Item,
    Unit,
    Variable,
)


def instrument_spec(instrument: Instrument) -> InstrumentSpec:
    """The stored instrument as a spec; equal to the spec it was imported from. Six queries."""
    items_by_indicator: dict[int, list[Item]] = defaultdict(list)
    for item in instrument.items.order_by("order").prefetch_related("units"):
        units = tuple(u.code for u in sorted(item.units.all(), key=lambda u: u.order))
        items_by_indicator[item.indicator_id].append(
            Item(code=item.code, text=item.text, units=units, weight=item.weight)
        )
    indicators_by_variable: dict[int, list[Indicator]] = defaultdict(list)
    for ind in instrument.indicators.order_by("order"):
        indicators_by_variable[ind.variable_id].append(
            Indicator(
                code=ind.code,
                name=ind.name,
                weight=ind.weight,
                items=tuple(items_by_indicator[ind.pk]),
            )
        )
    return InstrumentSpec(
        code=instrument.code,
        year=instrument.year,
        version=instrument.version,
        title=instrument.title,
        description=instrument.description,
        is_example=instrument.is_example,
        scale_min=instrument.scale_min,
        scale_max=instrument.scale_max,
        aggregation=instrument.aggregation,
        min_respondents=instrument.min_respondents,
        categories=instrument.categories,
        answer_options=tuple(
            AnswerOption(code=o.code, label=o.label, score=o.score)
            for o in instrument.options.order_by("order")
        ),
        units=tuple(
            Unit(code=u.code, name=u.name, quota=u.quota)
            for u in instrument.units.order_by("order")
        ),
        variables=tuple(
            Variable(
                code=v.code,
                name=v.name,
                weight=v.weight,
                indicators=tuple(indicators_by_variable[v.pk]),
            )
            for v in instrument.variables.order_by("order")
        ),
    )


def published_spec(instrument: Instrument) -> InstrumentSpec:
    """The instrument as a spec, cached per process once it is published.

    A published instrument cannot change (instruments/models.py refuses it), so every channel
    (ingestion, ODK, the web form, Excel) and the index run share one copy instead of six
    queries per page. The publication time is part of the key, so a database where ids are
    reused (tests, restores) is never served another instrument. A draft is read fresh.
    """
    if instrument.published_at is None:
        return instrument_spec(instrument)
    key = (instrument.pk, instrument.published_at)
    spec = _PUBLISHED.get(key)
    if spec is None:
        spec = _PUBLISHED[key] = instrument_spec(instrument)
        while len(_PUBLISHED) > _PUBLISHED_KEPT:
            del _PUBLISHED[next(iter(_PUBLISHED))]  # the oldest first
    return spec


_PUBLISHED_KEPT = 16  # instruments of a few years, each a few hundred kilobytes at most
_PUBLISHED: dict[tuple[int, datetime], InstrumentSpec] = {}
