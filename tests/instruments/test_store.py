"""Instruments in the database: import all-or-nothing, immutable once published, copies."""

from __future__ import annotations

from dataclasses import replace

import pytest
from auditlog.models import LogEntry
from django.db import transaction

from kotan.instruments import actions
from kotan.instruments.models import ImmutableInstrument, Instrument, Item, Variable
from kotan.instruments.queries import instrument_spec
from kotan.method.spec import EXAMPLE, InstrumentError, InstrumentSpec, load_yaml
from tests.support.cast import Cast


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


# --- category schemes in the database ------------------------------------------------------


def custom_fixed(spec: InstrumentSpec) -> InstrumentSpec:
    from kotan.method.categories import Band, FixedBands

    return replace(
        spec,
        categories=FixedBands(
            "custom",
            "answer",
            (
                Band("kurang", "Kurang", 1.0, 7 / 3),  # 17 significant digits
                Band("cukup", "Cukup", 7 / 3, 3.5),
                Band("baik", "Baik", 3.5, 4.0),
            ),
        ),
    )


def test_a_custom_scheme_round_trips_through_the_database(cast: Cast, spec: InstrumentSpec) -> None:
    from kotan.method.categories import Category, EqualIntervals
    from kotan.method.spec import spec_digest

    equal = replace(
        spec,
        version=2,
        categories=EqualIntervals("custom", "answer", (Category("a", "A"), Category("b", "B"))),
    )
    for expected in (custom_fixed(spec), equal, replace(spec, version=3, categories="2022-terbit")):
        instrument = actions.import_instrument(actor=cast.ani, spec=expected)
        stored = Instrument.objects.get(pk=instrument.pk)
        assert instrument_spec(stored) == expected
        assert stored.categories == expected.categories  # what compute_run hands the engine
        assert spec_digest(instrument_spec(stored)) == spec_digest(expected)
    stored = Instrument.objects.get(version=1)
    assert stored.category_name == "custom"
    assert stored.category_definition["kind"] == "fixed"
    assert Instrument.objects.get(version=3).category_definition is None


def test_reimporting_a_preset_over_a_custom_scheme_clears_it(
    cast: Cast, spec: InstrumentSpec
) -> None:
    actions.import_instrument(actor=cast.ani, spec=custom_fixed(spec))
    instrument = actions.import_instrument(actor=cast.ani, spec=spec)
    assert (instrument.category_name, instrument.category_definition) == ("2022", None)
    assert instrument_spec(Instrument.objects.get(pk=instrument.pk)) == spec


def test_the_stored_scheme_drives_the_engine(cast: Cast, spec: InstrumentSpec) -> None:
    from kotan.method.engine import ResponseMatrix, ResponseRow, ScoringOptions, score

    instrument = actions.import_instrument(actor=cast.ani, spec=custom_fixed(spec))
    stored = instrument_spec(Instrument.objects.get(pk=instrument.pk))
    rows = [
        ResponseRow(
            f"{code}-{unit.code}",
            code,
            unit.code,
            {i.code: value for i in stored.items if unit.code in i.units},
        )
        for code, value in (("15.01", 7 / 3), ("15.02", 2.5), ("15.03", 4.0))
        for unit in stored.units
    ]
    options = ScoringOptions(min_respondents=1, scheme=Instrument.objects.get().categories)
    result = score(stored, ResponseMatrix.from_rows(rows, [i.code for i in stored.items]), options)
    # every answer equals the regency's value, so the index is that value; 7/3 is the upper
    # bound of "kurang", stored and read back to the last bit
    assert [r.index for r in result.regencies] == pytest.approx([7 / 3, 2.5, 4.0])
    assert [r.category for r in result.regencies] == ["kurang", "cukup", "baik"]


@pytest.mark.parametrize("length", [40, 41])
def test_code_lengths_are_checked_before_the_database(
    cast: Cast, spec: InstrumentSpec, length: int
) -> None:
    option = replace(spec.answer_options[0], code="K" * length, label="L" * 200)
    longest = replace(spec, answer_options=(option, *spec.answer_options[1:]), code="c" * 60)
    if length == 40:
        instrument = actions.import_instrument(actor=cast.ani, spec=longest)
        assert instrument_spec(instrument) == longest
    else:
        with pytest.raises(InstrumentError) as excinfo:
            actions.import_instrument(actor=cast.ani, spec=longest)
        assert [p.code for p in excinfo.value.problems] == ["field.too_long"]
        assert not Instrument.objects.exists()


def test_out_of_range_numbers_never_reach_the_database(cast: Cast, spec: InstrumentSpec) -> None:
    for bad in (replace(spec, year=-5), replace(spec, version=-1), replace(spec, version=2**31)):
        with pytest.raises(InstrumentError) as excinfo:
            actions.import_instrument(actor=cast.ani, spec=bad)
        assert [p.code for p in excinfo.value.problems] == ["field.range"]
    assert not Instrument.objects.exists()
