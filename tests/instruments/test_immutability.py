"""A published instrument cannot change through any path: save, delete, the status moving
backwards, the querysets' bulk paths, or the item–unit link table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from kotan.instruments import actions
from kotan.instruments.models import (
    AnswerOption,
    ImmutableInstrument,
    Indicator,
    Instrument,
    Item,
    ItemUnit,
    ObservationUnit,
    Variable,
)
from kotan.instruments.queries import instrument_spec
from kotan.method.spec import EXAMPLE, InstrumentSpec, load_yaml, spec_digest
from tests.support.cast import Cast


@pytest.fixture
def spec() -> InstrumentSpec:
    return load_yaml(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def published(cast: Cast, spec: InstrumentSpec) -> Instrument:
    draft = actions.import_instrument(actor=cast.ani, spec=spec)
    return actions.publish_instrument(actor=cast.ani, instrument=draft)


@pytest.fixture
def locked(cast: Cast, published: Instrument) -> Instrument:
    return actions.lock_instrument(actor=cast.ani, instrument=published)


def refused(change: Callable[[], Any]) -> None:
    """``change`` raises ImmutableInstrument and leaves the database as it was."""
    with pytest.raises(ImmutableInstrument), transaction.atomic():
        change()


def unchanged(instrument: Instrument, spec: InstrumentSpec) -> bool:
    stored = Instrument.objects.get(pk=instrument.pk)
    return stored.status == instrument.status and instrument_spec(stored) == spec


# --- the status moves forward only ------------------------------------------------------


@pytest.mark.parametrize("back_to", ["draft"])
def test_a_published_instrument_cannot_go_back_to_draft(
    cast: Cast, spec: InstrumentSpec, published: Instrument, back_to: str
) -> None:
    published.status = back_to
    refused(published.save)
    assert Instrument.objects.get(pk=published.pk).status == "published"
    # ... so importing the same year and version still cannot replace its content
    with pytest.raises(ImmutableInstrument):
        actions.import_instrument(actor=cast.ani, spec=spec)
    assert unchanged(Instrument.objects.get(pk=published.pk), spec)


@pytest.mark.parametrize("back_to", ["draft", "published"])
def test_a_locked_instrument_cannot_go_back(
    spec: InstrumentSpec, locked: Instrument, back_to: str
) -> None:
    locked.status = back_to
    refused(locked.save)
    assert Instrument.objects.get(pk=locked.pk).status == "locked"
    refused(lambda: locked.save(update_fields=["status"]))
    assert unchanged(Instrument.objects.get(pk=locked.pk), spec)


def test_a_draft_cannot_skip_publishing(cast: Cast, spec: InstrumentSpec) -> None:
    draft = actions.import_instrument(actor=cast.ani, spec=spec)
    draft.status = "locked"
    refused(draft.save)
    assert Instrument.objects.get(pk=draft.pk).status == "draft"


def test_published_at_is_fixed_once_published(published: Instrument) -> None:
    published.published_at = None
    refused(published.save)


def test_publish_and_lock_still_move_the_status(cast: Cast, spec: InstrumentSpec) -> None:
    draft = actions.import_instrument(actor=cast.ani, spec=spec)
    published = actions.publish_instrument(actor=cast.ani, instrument=draft)
    assert Instrument.objects.get(pk=draft.pk).status == "published"
    locked = actions.lock_instrument(actor=cast.ani, instrument=published)
    assert Instrument.objects.get(pk=draft.pk).status == "locked"
    assert locked.published_at == published.published_at


# --- delete -----------------------------------------------------------------------------


def test_only_a_draft_can_be_deleted(
    cast: Cast, spec: InstrumentSpec, published: Instrument
) -> None:
    refused(published.delete)
    stale = Instrument.objects.get(pk=published.pk)
    stale.status = "draft"  # the stored status decides, not the one in memory
    refused(stale.delete)
    assert unchanged(published, spec)
    from dataclasses import replace

    draft = actions.import_instrument(actor=cast.ani, spec=replace(spec, version=2))
    draft.delete()
    assert not Instrument.objects.filter(pk=draft.pk).exists()
    assert not Item.objects.filter(instrument_id=draft.pk).exists()


# --- querysets ----------------------------------------------------------------------------


def test_bulk_paths_of_the_content_are_refused(published: Instrument, spec: InstrumentSpec) -> None:
    mine = {"instrument": published}
    first_variable = Variable.objects.filter(**mine).first()
    first_option = AnswerOption.objects.filter(**mine).first()
    assert first_variable is not None and first_option is not None
    paths: list[Callable[[], Any]] = [
        lambda: Variable.objects.filter(**mine).update(weight=0.3),
        lambda: published.variables.update(name="Diubah"),
        lambda: Item.objects.filter(**mine).delete(),
        lambda: Indicator.objects.filter(**mine).delete(),
        lambda: ObservationUnit.objects.filter(**mine).update(quota=1),
        lambda: AnswerOption.objects.bulk_create(
            [AnswerOption(instrument=published, order=9, code="X", label="Baru", score=2.0)]
        ),
        lambda: AnswerOption.objects.bulk_update([first_option], ["label"]),
        lambda: Variable.objects.bulk_update([first_variable], ["weight"]),
    ]
    for path in paths:
        refused(path)
    assert unchanged(published, spec)


def test_moving_rows_into_a_published_instrument_is_refused(
    cast: Cast, spec: InstrumentSpec, published: Instrument
) -> None:
    from dataclasses import replace

    draft = actions.import_instrument(actor=cast.ani, spec=replace(spec, version=2))
    refused(lambda: AnswerOption.objects.filter(instrument=draft).update(instrument=published))
    option = AnswerOption.objects.filter(instrument=draft).first()
    assert option is not None
    option.instrument = published
    refused(lambda: AnswerOption.objects.bulk_update([option], ["instrument"]))
    assert unchanged(published, spec)


def test_bulk_paths_of_the_instrument_row_are_refused(
    published: Instrument, spec: InstrumentSpec
) -> None:
    same = Instrument.objects.filter(pk=published.pk)
    refused(lambda: same.update(scale_max=5))
    refused(lambda: same.update(status="draft"))
    refused(same.delete)
    published.title = "Diubah"
    refused(lambda: Instrument.objects.bulk_update([published], ["title"]))
    clash = Instrument(code="x", year=published.year, version=published.version, title="x")
    clash.scale_min, clash.scale_max = 0.0, 1.0
    refused(
        lambda: Instrument.objects.bulk_create(
            [clash],
            update_conflicts=True,
            unique_fields=["year", "version"],
            update_fields=["title"],
        )
    )
    assert unchanged(Instrument.objects.get(pk=published.pk), spec)


def test_the_status_never_moves_through_a_queryset(cast: Cast, spec: InstrumentSpec) -> None:
    draft = actions.import_instrument(actor=cast.ani, spec=spec)
    refused(lambda: Instrument.objects.filter(pk=draft.pk).update(status="published"))
    draft.status = "published"
    refused(lambda: Instrument.objects.bulk_update([draft], ["status"]))
    assert Instrument.objects.get(pk=draft.pk).status == "draft"


def test_a_drafts_content_still_changes_in_bulk(cast: Cast, spec: InstrumentSpec) -> None:
    draft = actions.import_instrument(actor=cast.ani, spec=spec)
    assert Variable.objects.filter(instrument=draft).update(name="Baru") == 5
    Instrument.objects.filter(pk=draft.pk).update(title="Judul baru")
    item = Item.objects.filter(instrument=draft).first()
    assert item is not None
    item.units.clear()
    assert ItemUnit.objects.filter(item=item).count() == 0
    assert Instrument.objects.get(pk=draft.pk).title == "Judul baru"


# --- the item–unit links ------------------------------------------------------------------


def test_item_unit_links_are_refused_on_every_path(
    cast: Cast, spec: InstrumentSpec, published: Instrument
) -> None:
    from dataclasses import replace

    item = Item.objects.filter(instrument=published).first()
    unit = ObservationUnit.objects.filter(instrument=published).first()
    assert item is not None and unit is not None
    links = ItemUnit.objects.filter(item__instrument=published)
    assert Item.units.through is ItemUnit
    draft = actions.import_instrument(actor=cast.ani, spec=replace(spec, version=2))
    draft_item = Item.objects.filter(instrument=draft).first()
    draft_unit = ObservationUnit.objects.filter(instrument=draft).first()
    assert draft_item is not None and draft_unit is not None
    link = links.first()
    assert link is not None
    paths: list[Callable[[], Any]] = [
        lambda: Item.units.through.objects.filter(item__instrument=published).delete(),
        lambda: links.update(observationunit=unit),
        lambda: ItemUnit.objects.bulk_create([ItemUnit(item=item, observationunit=unit)]),
        lambda: ItemUnit.objects.bulk_update([link], ["observationunit"]),
        link.delete,
        lambda: item.units.clear(),
        lambda: item.units.remove(unit),
        lambda: item.units.set([]),
        lambda: unit.items.clear(),  # the other side of the same table
        # a draft's item cannot be linked to a published unit, nor the other way round
        lambda: draft_item.units.add(unit),
        lambda: draft_unit.items.add(item),
        lambda: ItemUnit.objects.create(item=draft_item, observationunit=unit),
        lambda: ItemUnit.objects.filter(item=draft_item).update(observationunit=unit),
    ]
    for path in paths:
        refused(path)
    assert unchanged(published, spec)


def test_the_digest_of_a_published_instrument_stays(
    published: Instrument, spec: InstrumentSpec
) -> None:
    before = spec_digest(instrument_spec(published))
    refused(lambda: Variable.objects.filter(instrument=published).update(weight=0.2))
    assert spec_digest(instrument_spec(Instrument.objects.get(pk=published.pk))) == before
    assert before == spec_digest(spec)
