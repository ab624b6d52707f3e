"""Audit trail helpers (django-auditlog): masking secrets and showing entries to people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

SECRET_MASK = "(disembunyikan)"  # noqa: S105 - a placeholder, not a secret
EMPTY = "—"

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("dibuat"),
    LogEntry.Action.UPDATE: _("diubah"),
    LogEntry.Action.DELETE: _("dihapus"),
    LogEntry.Action.ACCESS: _("diakses"),
}
M2M_LABELS = {"add": _("ditambah"), "delete": _("dikurangi")}


def mask_secret(value: str) -> str:
    """Hide a secret completely in the audit trail; only the fact that it changed is kept.

    auditlog's default mask shows half of the value, which for a password hash is too much.
    """
    return value if value in ("", "None") else SECRET_MASK


def _lookup(entry: LogEntry, name: str) -> Any:
    """The model's field (or reverse relation) behind a logged name; None when it is gone."""
    model = entry.content_type.model_class()
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def _field(entry: LogEntry, name: str) -> models.Field | None:
    found = _lookup(entry, name)
    return found if isinstance(found, models.Field) else None


def _blank(value: Any) -> bool:
    return value in (None, "", "None")


def describe_entries(
    entries: Iterable[LogEntry],
) -> list[tuple[LogEntry, str, list[tuple[str, str]]]]:
    """Each entry with its action and its changes as (field label, "old → new") for display.

    Field names become their (translated) verbose names, choices their labels, and foreign
    keys the name of the object they point to: one query per related model for the page.
    """
    entries = list(entries)
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        for name, change in entry.changes_dict.items():
            field = _field(entry, name)
            if field is not None and field.is_relation and isinstance(change, list | tuple):
                wanted[field.related_model].update(str(v) for v in change if not _blank(v))  # type: ignore[index]
    names: dict[tuple[type[models.Model], str], str] = {}
    for model, pks in wanted.items():
        valid = [pk for pk in pks if pk.isdigit()]
        for obj in model._default_manager.filter(pk__in=valid):
            names[(model, str(obj.pk))] = str(obj)

    def show(field: models.Field | None, value: Any) -> str:
        if _blank(value):
            return EMPTY
        text = str(value)
        if field is None:
            return text
        if field.is_relation:
            return names.get((field.related_model, text), f"#{text}")  # type: ignore[arg-type]
        if field.choices:
            return str(dict(field.flatchoices).get(text, text))
        if isinstance(field, models.DateTimeField) and (moment := parse_datetime(text)):
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, UTC)
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        if isinstance(field, models.BooleanField):
            return str(_("ya") if text == "True" else _("tidak") if text == "False" else text)
        return text

    described = []
    for entry in entries:
        lines = []
        for name, change in entry.changes_dict.items():
            found = _lookup(entry, name)
            if found is not None and not isinstance(found, models.Field):
                continue  # a reverse relation: auditlog lists them on create, noise
            field = found
            label = str(field.verbose_name) if field is not None else name
            if isinstance(change, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
                objects = ", ".join(str(o) for o in change.get("objects", []))
                operation = str(M2M_LABELS.get(change.get("operation", ""), ""))
                lines.append((label, f"{operation} {objects}".strip()))
            elif isinstance(change, list | tuple) and len(change) == 2:
                old, new = (show(field, v) for v in change)
                lines.append((label, f"{old} → {new}"))
            else:
                lines.append((label, str(change)))
        action = str(ACTION_LABELS.get(entry.action, entry.get_action_display()))
        described.append((entry, action, lines))
    return described
