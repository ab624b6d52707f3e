"""The questionnaire form: sections (one per variable) and the form of one section.

The writes of a draft (start, save a section, send) are in ``collection.actions``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotan.collection import evidence
from kotan.collection.models import (
    Draft,
)
from kotan.instruments.models import Instrument, ObservationUnit
from kotan.instruments.queries import published_spec
from kotan.method.spec import InstrumentSpec

# --- the questionnaire of one unit, as plain data ----------------------------------------


@dataclass(frozen=True)
class Question:
    code: str
    text: str


@dataclass(frozen=True)
class Group:
    """The questions of one indicator."""

    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Section:
    number: int  # 1-based, as shown ("Bagian 2 dari 5")
    code: str
    name: str
    groups: tuple[Group, ...]

    @property
    def questions(self) -> list[Question]:
        return [q for g in self.groups for q in g.questions]


@dataclass(frozen=True)
class Questionnaire:
    title: str
    unit_code: str
    options: tuple[tuple[str, str], ...]  # (code, label)
    sections: tuple[Section, ...]

    @property
    def total(self) -> int:
        return sum(len(s.questions) for s in self.sections)

    def answered(self, answers: Mapping[str, str]) -> int:
        return sum(1 for s in self.sections for q in s.questions if answers.get(q.code))

    def section(self, number: int) -> Section:
        """The section numbered ``number``, clamped to the first and last."""
        return self.sections[min(max(number, 1), len(self.sections)) - 1]

    def resume_at(self, answers: Mapping[str, str]) -> int:
        """Where a returning respondent continues: after the last section with an answer."""
        touched = [s.number for s in self.sections if any(answers.get(q.code) for q in s.questions)]
        return min(max(touched, default=0) + 1, len(self.sections))

    def unanswered(self, answers: Mapping[str, str]) -> list[tuple[Section, list[Question]]]:
        gaps = [(s, [q for q in s.questions if not answers.get(q.code)]) for s in self.sections]
        return [(s, qs) for s, qs in gaps if qs]


def questionnaire_for_unit(spec: InstrumentSpec, unit_code: str) -> Questionnaire:
    """Only the items asked of this unit; a variable without any of them is left out."""
    sections: list[Section] = []
    for variable in spec.variables:
        groups = tuple(
            Group(
                ind.name, tuple(Question(i.code, i.text) for i in ind.items if unit_code in i.units)
            )
            for ind in variable.indicators
        )
        groups = tuple(g for g in groups if g.questions)
        if groups:
            sections.append(Section(len(sections) + 1, variable.code, variable.name, groups))
    return Questionnaire(
        title=spec.title,
        unit_code=unit_code,
        options=tuple((o.code, o.label) for o in spec.answer_options),
        sections=tuple(sections),
    )


def load_questionnaire(instrument: Instrument, unit: ObservationUnit) -> Questionnaire:
    return questionnaire_for_unit(published_spec(instrument), unit.code)


# --- the form of one section --------------------------------------------------------------

INSTITUTION = "instansi"
EVIDENCE = "bukti"
OPENED = "mulai"
_OPENED_SALT = "kotan.collection.form.opened"


def field_name(item_code: str) -> str:
    return f"q_{item_code}"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Zero or more documents, each checked by extension and content (see evidence.py)."""

    widget = MultipleFileInput

    def __init__(self, *, draft: Draft | None, **kwargs: Any) -> None:
        self.draft = draft
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        errors: list[ValidationError] = []
        for upload in uploads:
            try:
                evidence.check_upload(upload)
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        evidence.check_room(self.draft, len(uploads))
        return uploads


@dataclass(frozen=True)
class Row:
    question: Question
    field: forms.BoundField


class SectionForm(forms.Form):
    """The answers of one section; on the first, the institution and (gov) the documents."""

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        section: Section,
        draft: Draft | None,
        first: bool,
        with_evidence: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        if first:
            self.fields[INSTITUTION] = forms.CharField(
                label=_("Nama instansi"),
                max_length=200,
                required=False,
                help_text=_("Boleh dikosongkan bila Anda menjawab sebagai perorangan."),
            )
        for question in section.questions:
            self.fields[field_name(question.code)] = forms.ChoiceField(
                label=question.text,
                choices=questionnaire.options,
                required=False,
                widget=forms.RadioSelect,
            )
        if with_evidence:
            self.fields[EVIDENCE] = EvidenceField(
                draft=draft,
                label=_("Dokumen pendukung (Perda, SK, anggaran)"),
                required=False,
                help_text=_("Opsional. PDF, JPEG atau PNG, paling besar 5 MB per berkas."),
                widget=MultipleFileInput(attrs={"accept": evidence.ACCEPT}),
            )
        self.fields[OPENED] = forms.CharField(required=False, widget=forms.HiddenInput)
        for name in (INSTITUTION, EVIDENCE):
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        # Errors are known now: point the text and file inputs at their messages (radio
        # buttons get theirs on the fieldset, in the template).
        for name in (INSTITUTION, EVIDENCE):
            if name in self.errors and name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{name}-hint {name}-error"
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    @property
    def groups(self) -> list[tuple[str, list[Row]]]:
        return [
            (g.name, [Row(q, self[field_name(q.code)]) for q in g.questions])
            for g in self.section.groups
        ]

    @property
    def has_institution(self) -> bool:
        return INSTITUTION in self.fields

    @property
    def has_evidence(self) -> bool:
        return EVIDENCE in self.fields

    def summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary at the top of the page."""
        rows: list[tuple[str, str]] = []
        for name, errors in self.errors.items():
            if name not in self.fields or name == OPENED:
                continue
            if name.startswith("q_"):
                anchor, prefix = f"{self[name].auto_id}_0", f"{name[2:]}: "
            else:
                anchor, prefix = self[name].auto_id, ""
            rows.extend((anchor, f"{prefix}{message}") for message in errors)
        return rows

    def valid_answers(self) -> dict[str, str]:
        """The answers given in this section that are valid (blank: not answered yet)."""
        data = getattr(self, "cleaned_data", {})
        return {
            q.code: data[field_name(q.code)]
            for q in self.section.questions
            if data.get(field_name(q.code))
        }

    def valid_institution(self) -> str | None:
        if not self.has_institution or INSTITUTION not in getattr(self, "cleaned_data", {}):
            return None
        return str(self.cleaned_data[INSTITUTION]).strip()

    def valid_uploads(self) -> list[UploadedFile]:
        return list(getattr(self, "cleaned_data", {}).get(EVIDENCE) or [])

    def opened_at(self) -> datetime | None:
        return read_opened(getattr(self, "cleaned_data", {}).get(OPENED, ""))


def sign_opened(moment: datetime) -> str:
    """A tamper-proof 'opened at' for the hidden field of a form that has no draft yet."""
    return signing.dumps(moment.timestamp(), salt=_OPENED_SALT)


def read_opened(value: str, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    try:
        stamp = float(signing.loads(value, salt=_OPENED_SALT, max_age=timedelta(days=1)))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    moment = datetime.fromtimestamp(stamp, tz=timezone.get_current_timezone())
    return moment if moment <= now else None
