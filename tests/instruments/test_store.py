"""Instruments in the database: import all-or-nothing, immutable once published, copies."""

from __future__ import annotations

from dataclasses import replace

import pytest
from auditlog.models import LogEntry
from django.db import transaction

from kotan.instruments import actions
from kotan.instruments.models import ImmutableInstrument, Instrument, Item, Variable
from kotan.instruments.queries import instrument_spec
from kotan.instruments.spec import EXAMPLE, InstrumentError, InstrumentSpec, load_yaml
from tests.conftest import Cast


@pytest.fixture
def spec() -> InstrumentSpec:
    return load_yaml(EXAMPLE.read_text(encoding="utf-8"))


def test_import_then_export_gives_the_same_spec(cast: Cast, spec: InstrumentSpec) -> None:
    instrument = actions.import_instrument(actor=cast.ani, spec=spec)
    assert instrument.status == "draft"
    assert instrument_spec(instrument) == spec
    assert Item.objects.filter(instrument=instrument).count() == 60


def test_import_is_audited_with_the_actor(cast: Cast, spec: InstrumentSpec) -> None:
    instrument = actions.import_instrument(actor=cast.ani, spec=spec)
    entry = LogEntry.objects.get_for_object(instrument).get()
    assert entry.actor == cast.ani
    assert LogEntry.objects.filter(actor=cast.ani).count() > 60  # every row of it


def test_a_malformed_spec_imports_nothing(cast: Cast, spec: InstrumentSpec) -> None:
    bad = replace(spec, variables=(replace(spec.variables[0], weight=0.5), *spec.variables[1:]))
    with pytest.raises(InstrumentError):
        actions.import_instrument(actor=cast.ani, spec=bad)
    assert not Instrument.objects.exists()
    assert not Item.objects.exists()


def test_reimporting_a_draft_replaces_it(cast: Cast, spec: InstrumentSpec) -> None:
    first = actions.import_instrument(actor=cast.ani, spec=spec)
    changed = replace(spec, title="Judul baru")
    second = actions.import_instrument(actor=cast.ani, spec=changed)
    assert second.pk == first.pk
    assert instrument_spec(second) == changed
    assert Item.objects.count() == 60


def test_a_published_instrument_is_immutable(cast: Cast, spec: InstrumentSpec) -> None:
    instrument = actions.publish_instrument(
        actor=cast.ani, instrument=actions.import_instrument(actor=cast.ani, spec=spec)
    )
    assert instrument.status == "published" and instrument.published_at is not None
    with pytest.raises(ImmutableInstrument):
        actions.import_instrument(actor=cast.ani, spec=spec)
    instrument.title = "Diubah"
    with pytest.raises(ImmutableInstrument):
        instrument.save()
    variable = Variable.objects.filter(instrument=instrument).first()
    assert variable is not None
    variable.weight = 0.3
    with pytest.raises(ImmutableInstrument):
        variable.save()
    with pytest.raises(ImmutableInstrument):
        variable.delete()
    item = Item.objects.filter(instrument=instrument).first()
    assert item is not None
    with pytest.raises(ImmutableInstrument), transaction.atomic():
        item.units.clear()
    assert instrument_spec(Instrument.objects.get(pk=instrument.pk)) == spec


def test_publish_and_lock_follow_the_order(cast: Cast, spec: InstrumentSpec) -> None:
    draft = actions.import_instrument(actor=cast.ani, spec=spec)
    with pytest.raises(ImmutableInstrument):
        actions.lock_instrument(actor=cast.ani, instrument=draft)
    published = actions.publish_instrument(actor=cast.ani, instrument=draft)
    with pytest.raises(ImmutableInstrument):
        actions.publish_instrument(actor=cast.ani, instrument=published)
    locked = actions.lock_instrument(actor=cast.ani, instrument=published)
    assert locked.status == "locked"


def test_a_new_year_starts_as_a_draft_copy(cast: Cast, spec: InstrumentSpec) -> None:
    published = actions.publish_instrument(
        actor=cast.ani, instrument=actions.import_instrument(actor=cast.ani, spec=spec)
    )
    copy = actions.copy_instrument(actor=cast.ani, instrument=published, year=2027)
    assert (copy.year, copy.version, copy.status) == (2027, 1, "draft")
    assert copy.copied_from == published
    assert instrument_spec(copy) == replace(spec, year=2027)
    again = actions.copy_instrument(actor=cast.ani, instrument=published, year=2027)
    assert again.version == 2
