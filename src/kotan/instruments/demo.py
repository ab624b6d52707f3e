"""The example instrument, published, for the demo system."""

from __future__ import annotations

from kotan.instruments import actions
from kotan.instruments.models import Instrument
from kotan.method.spec import EXAMPLE, load_yaml


def load_demo_instrument() -> Instrument:
    """Import and publish the example instrument unless its year and version already exist."""
    spec = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    existing = Instrument.objects.filter(year=spec.year, version=spec.version).first()
    if existing is not None:
        return existing
    draft = actions.import_instrument(actor=None, spec=spec)
    return actions.publish_instrument(actor=None, instrument=draft)
