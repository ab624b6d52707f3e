"""Length limits of the Monev texts that enter the visit report.

A visit report is read and printed; no field of it needs more than a page. Every free-text field
of a visit, its team, sessions, points and follow-ups has a limit, checked in three places with
one message ("Teks terlalu panjang: paling banyak 4.000 karakter (sekarang 5.123)."):

- the forms (the model field's form field; no HTML ``maxlength``, because a browser cuts a
  pasted text at the limit without a word: the page answers with the message instead and keeps
  the text so it can be shortened),
- the actions (``full_clean`` runs the same validator; nothing is written),
- the database (a ``CheckConstraint`` on ``LENGTH(field)``, so imports, scripts and the admin
  cannot store more either).

The limits, in characters:

==================================  =====  =============================================
field                               limit  why
==================================  =====  =============================================
period label                          100  "Semester II", "Triwulan IV"
team member name and position,        200  a name with titles, a unit
follow-up owner (person)
visit title, organizer, venue         300  one heading line (the limits already in place)
other institutions                    500  a list of names
received by                         1,000  the positions of the people met
purpose, follow-up action           2,000  a paragraph
point text, follow-up note          4,000  about a page; real points are a paragraph
==================================  =====  =============================================
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Length, Replace
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

LABEL_MAX = 100
NAME_MAX = 200
LINE_MAX = 300
LIST_MAX = 500
RECEIVED_BY_MAX = 1000
PARAGRAPH_MAX = 2000
POINT_MAX = 4000
CHARACTERS_PER_LINE = 80
NOTE_MAX = 4000


def count(n: int) -> str:
    """A count as the active language writes it (4.000 / 4,000)."""
    return number_format(n, force_grouping=True)


def line_limit(limit: int) -> int:
    """Lines a multi-line text may have: one per 80 characters of its limit (4,000: 50)."""
    return limit // CHARACTERS_PER_LINE


def normal_lines(value: str) -> str:
    """Line breaks as one ``\\n`` (browsers send a textarea's as ``\\r\\n``)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


@deconstructible
class TextLimit(MaxLengthValidator):
    """Django's length check, with both numbers written in the reader's language."""

    message = _("Teks terlalu panjang: paling banyak %(limit)s karakter (sekarang %(length)s).")

    def __call__(self, value: Any) -> None:
        length = len(normal_lines(value))
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit": count(self.limit_value),
                    "length": count(length),
                    "limit_value": self.limit_value,
                    "show_value": length,
                    "value": value[:40],
                },
            )


@deconstructible
class LineLimit:
    """At most ``limit_value`` lines: a page of the report cannot be filled with empty lines."""

    message = _("Terlalu banyak baris: paling banyak %(limit)s baris (sekarang %(lines)s).")
    code = "max_lines"

    def __init__(self, limit_value: int) -> None:
        self.limit_value = limit_value

    def __call__(self, value: Any) -> None:
        lines = normal_lines(value).count("\n") + 1
        if lines > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"limit": count(self.limit_value), "lines": count(lines)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LineLimit) and other.limit_value == self.limit_value


def _limited(validators: list[Any], limit: int, multiline: bool) -> list[Any]:
    """The validators with Django's own length check replaced by ours."""
    kept = [v for v in validators if type(v) is not MaxLengthValidator]
    if not any(isinstance(v, TextLimit) for v in kept):
        kept.append(TextLimit(limit))
        if multiline:
            kept.append(LineLimit(line_limit(limit)))
    return kept


def _hint(limit: int) -> str:
    return _("Paling banyak %(n)s karakter, %(lines)s baris.") % {
        "n": count(limit),
        "lines": count(line_limit(limit)),
    }


_lazy_hint = lazy(_hint, str)


def _form_field(field: forms.Field, limit: int, multiline: bool) -> forms.Field:
    field.validators = _limited(field.validators, limit, multiline)
    field.widget.attrs.pop("maxlength", None)
    if multiline:  # form classes are built once: the hint is translated when shown
        hint = _lazy_hint(limit)
        field.help_text = format_lazy("{} {}", field.help_text, hint) if field.help_text else hint
    return field


def text_field(limit: int, rows: int = 2, **kwargs: Any) -> forms.CharField:
    """A multi-line form field (not a model's) with the same limits and messages."""
    field = forms.CharField(max_length=limit, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)
    return _form_field(field, limit, multiline=True)  # type: ignore[return-value]


class LimitedCharField(models.CharField):
    """A one-line text with ``TextLimit`` as its only length check (model and form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # CharField appends Django's MaxLengthValidator; one message is enough.
        self.__dict__["validators"] = _limited(self.validators, self.max_length or 0, False)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return _form_field(super().formfield(**kwargs), self.max_length or 0, multiline=False)  # type: ignore[arg-type]


class LimitedTextField(models.TextField):
    """A multi-line text whose ``max_length`` (required) and lines the model checks too."""

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)  # type: ignore[misc]
        self.__dict__["validators"] = _limited(self.validators, max_length, True)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normal_lines(value) if isinstance(value, str) else value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return _form_field(super().formfield(**kwargs), self.max_length or 0, multiline=True)  # type: ignore[arg-type]


def length_check(model: str, field: str, limit: int) -> models.CheckConstraint:
    """``LENGTH(field) <= limit`` in the database, named ``monev_<model>_<field>_length``."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"monev_{model}_{field}_length",
        violation_error_code="max_length",
        violation_error_message=_("Teks terlalu panjang (%(name)s)."),
    )


def line_check(model: str, field: str, limit: int) -> models.CheckConstraint:
    """At most ``line_limit(limit) - 1`` line feeds, named ``monev_<model>_<field>_lines``."""
    feeds = Length(field) - Length(Replace(field, Value("\n"), Value("")))
    return models.CheckConstraint(
        condition=LessThanOrEqual(feeds, line_limit(limit) - 1),
        name=f"monev_{model}_{field}_lines",
        violation_error_code="max_lines",
        violation_error_message=_("Terlalu banyak baris (%(name)s)."),
    )


def text_checks(model: str, field: str, limit: int) -> list[models.CheckConstraint]:
    """Both database checks of a multi-line text."""
    return [length_check(model, field, limit), line_check(model, field, limit)]
