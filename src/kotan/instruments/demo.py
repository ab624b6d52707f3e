"""The example instrument, published, for the demo system (and its copies for past years)."""

from __future__ import annotations

import dataclasses

from kotan.instruments import actions
from kotan.instruments.models import Instrument
from kotan.method.spec import EXAMPLE, InstrumentSpec, load_yaml


def _published(spec: InstrumentSpec) -> Instrument:
    existing = Instrument.objects.filter(year=spec.year, version=spec.version).first()
    if existing is not None:
        return existing
    draft = actions.import_instrument(actor=None, spec=spec)
    return actions.publish_instrument(actor=None, instrument=draft)


def load_demo_instrument() -> Instrument:
    """Import and publish the example instrument unless its year and version already exist."""
    return _published(load_yaml(EXAMPLE.read_text(encoding="utf-8")))


def load_demo_instrument_of_year(year: int, categories: str) -> Instrument:
    """The example instrument as it was used in ``year``, with that year's category scheme (a
    preset name, ``kotan.method.categories.PRESETS``); imported and published once."""
    spec = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    return _published(dataclasses.replace(spec, year=year, version=1, categories=categories))
