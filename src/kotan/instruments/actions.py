"""Every write to instruments: import, publish, lock, copy. Atomic and audited."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotan.accounts.actions import acting_as
from kotan.accounts.models import User
from kotan.instruments.models import (
    AnswerOption,
    ImmutableInstrument,
    Indicator,
    Instrument,
    Item,
    ObservationUnit,
    Variable,
)
from kotan.instruments.queries import instrument_spec
from kotan.method.spec import InstrumentError, InstrumentSpec, validate


def _write_parts(instrument: Instrument, spec: InstrumentSpec) -> None:
    for n, o in enumerate(spec.answer_options):
        AnswerOption.objects.create(
            instrument=instrument, order=n, code=o.code, label=o.label, score=o.score
        )
    units = {}
    for n, u in enumerate(spec.units):
        units[u.code] = ObservationUnit.objects.create(
            instrument=instrument, order=n, code=u.code, name=u.name, quota=u.quota
        )
    order = 0
    for vn, v in enumerate(spec.variables):
        variable = Variable.objects.create(
            instrument=instrument, order=vn, code=v.code, name=v.name, weight=v.weight
        )
        for dn, d in enumerate(v.indicators):
            indicator = Indicator.objects.create(
                instrument=instrument,
                variable=variable,
                order=dn,
                code=d.code,
                name=d.name,
                weight=d.weight,
            )
            for i in d.items:
                item = Item.objects.create(
                    instrument=instrument,
                    indicator=indicator,
                    order=order,
                    code=i.code,
                    text=i.text,
                    weight=i.weight,
                )
                item.units.set([units[u] for u in i.units])
                order += 1


@transaction.atomic
def import_instrument(*, actor: User | None, spec: InstrumentSpec) -> Instrument:
    """Store a validated spec as a draft; an existing draft of the same year and version is
    replaced, a published one is refused. All or nothing."""
    problems = validate(spec)
    if problems:
        raise InstrumentError(problems)
    with acting_as(actor):
        existing = (
            Instrument.objects.select_for_update()
            .filter(year=spec.year, version=spec.version)
            .first()
        )
        if existing is not None and not existing.is_draft:
            raise ImmutableInstrument(
                _("Instrumen %(year)s versi %(version)s sudah terbit; buat versi baru.")
                % {"year": spec.year, "version": spec.version}
            )
        if existing is not None:
            for part in (
                *existing.items.all(),
                *existing.indicators.all(),
                *existing.variables.all(),
                *existing.units.all(),
                *existing.options.all(),
            ):
                part.delete()
            instrument = existing
        else:
            instrument = Instrument(year=spec.year, version=spec.version)
        for name in (
            "code",
            "title",
            "description",
            "is_example",
            "scale_min",
            "scale_max",
            "aggregation",
            "min_respondents",
            "categories",
        ):
            setattr(instrument, name, getattr(spec, name))
        instrument.save()
        _write_parts(instrument, spec)
    return instrument


@transaction.atomic
def publish_instrument(*, actor: User | None, instrument: Instrument) -> Instrument:
    """Draft → published: from now on nothing in it can change. The status moves through
    ``save()``, the one path the model allows for it (one step forward)."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if not instrument.is_draft:
        raise ImmutableInstrument(_("Hanya instrumen berstatus draf yang dapat diterbitkan."))
    problems = validate(instrument_spec(instrument))
    if problems:
        raise InstrumentError(problems)
    instrument.status = Instrument.Status.PUBLISHED
    instrument.published_at = timezone.now()
    with acting_as(actor):
        instrument.save(update_fields=["status", "published_at"])
    return instrument


@transaction.atomic
def lock_instrument(*, actor: User | None, instrument: Instrument) -> Instrument:
    """Published → locked (a final index run used it)."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.status != Instrument.Status.PUBLISHED:
        raise ImmutableInstrument(_("Hanya instrumen yang sudah terbit yang dapat dikunci."))
    instrument.status = Instrument.Status.LOCKED
    with acting_as(actor):
        instrument.save(update_fields=["status"])
    return instrument


@transaction.atomic
def copy_instrument(*, actor: User | None, instrument: Instrument, year: int) -> Instrument:
    """Start a new year (or a new version of the same year) as a draft copy."""
    taken = Instrument.objects.filter(year=year).order_by("-version").first()
    version = taken.version + 1 if taken else 1
    spec = replace(instrument_spec(instrument), year=year, version=version)
    copy = import_instrument(actor=actor, spec=spec)
    copy.copied_from = instrument
    with acting_as(actor):
        copy.save(update_fields=["copied_from"])
    return copy
