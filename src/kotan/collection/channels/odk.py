"""ODK Collect / KoboCollect: a period's questionnaire as an XLSForm and an XForm, and a
submitted instance read back into the payload every channel sends (``collection.payload``).

One form per (period, observation unit), ``kotan-<year>-<unit>``. The form is the same for
every user: its MD5 is its identity in the OpenRosa form list, so its labels are fixed
Indonesian text (not translated per request) and the regency list holds the regencies of the
period in the user's scope (the sender's scope is checked again when the submission is
ingested). The version is a digest of the form's content: the instrument is immutable once
published, so the version changes only when the instrument, the period's regencies or the
user's scope do.

The building and parsing functions take plain data; the few queries that gather it are at the
end. No views here (``views_odk``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
import pyxform
from defusedxml import DefusedXmlException
from django.core.cache import cache
from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font
from pyxform.xls2xform import convert

from kotan.accounts.models import User
from kotan.accounts.scoping import scope_queryset
from kotan.collection.models import Assignment, Period
from kotan.collection.payload import MAX_ANSWERS
from kotan.instruments.queries import published_spec
from kotan.method.problems import Problem, ProblemsError, register_messages
from kotan.method.spec import InstrumentSpec

FORM_ID = re.compile(r"kotan-(?P<year>\d{4})-(?P<unit>[^\s/]+)")
REGENCY_LIST = "kabupaten_kota"
ANSWER_LIST = "jawaban"
# Top-level fields of the instance that are not answers; items are every other leaf.
FIELDS = ("start", "end", "regency", "institution")
MAX_XML_BYTES = 1024 * 1024  # an instance of 100 answers is about 5 KB
CACHE_SECONDS = 24 * 3600
REQUIRED_ANSWER = "Pilih satu jawaban; pilih 'Tidak tahu' bila responden tidak tahu."

SURVEY_HEADER = ("type", "name", "label", "hint", "required", "required_message", "appearance")
CHOICES_HEADER = ("list_name", "name", "label")
SETTINGS_HEADER = ("form_title", "form_id", "version", "instance_name")

register_messages(
    {
        "odk.xml_malformed": (
            "XML kiriman rusak atau tidak lengkap (baris {line}, kolom {column}); "
            "tidak ada yang disimpan.",
            "The submitted XML is broken or incomplete (line {line}, column {column}); "
            "nothing was stored.",
        ),
        "odk.xml_forbidden": (
            "XML kiriman memuat DTD atau deklarasi entitas, yang ditolak demi keamanan; "
            "tidak ada yang disimpan.",
            "The submitted XML contains a DTD or entity declarations, refused for security; "
            "nothing was stored.",
        ),
        "odk.form_unknown": (
            "Formulir '{form_id}' bukan formulir SI-KOTAN. Unduh formulir dari server SI-KOTAN.",
            "Form '{form_id}' is not a SI-KOTAN form. Download the form from the SI-KOTAN server.",
        ),
        "odk.no_instance": (
            "Kiriman tidak memuat bagian 'xml_submission_file'.",
            "The submission has no 'xml_submission_file' part.",
        ),
        "odk.multipart": (
            "Kiriman bukan multipart/form-data yang sah.",
            "The submission is not valid multipart/form-data.",
        ),
        "odk.too_large": (
            "Kiriman terlalu besar (paling besar {limit} KB).",
            "The submission is too large (at most {limit} KB).",
        ),
    }
)


def form_id(year: int, unit_code: str) -> str:
    return f"kotan-{year}-{unit_code}"


def parse_form_id(value: str) -> tuple[int, str] | None:
    """(year, unit code) of a SI-KOTAN form id, or None for any other form."""
    match = FORM_ID.fullmatch(value)
    return (int(match["year"]), match["unit"]) if match else None


@dataclass(frozen=True)
class OdkForm:
    """The XLSForm of one (period, unit) as rows, header first; the XForm is built from it."""

    year: int
    unit_code: str
    unit_name: str
    title: str
    form_id: str
    version: str
    item_count: int
    survey: tuple[tuple[str, ...], ...]
    choices: tuple[tuple[str, ...], ...]
    settings: tuple[tuple[str, ...], ...]

    def xlsform_bytes(self) -> bytes:
        """The XLSForm workbook: sheets survey, choices and settings."""
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in (
            ("survey", self.survey),
            ("choices", self.choices),
            ("settings", self.settings),
        ):
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # an item text like "=…" stays text
            for cell in ws[1]:
                cell.font = Font(bold=True)
            ws.freeze_panes = "A2"
        buffer = BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


def build_form(
    spec: InstrumentSpec,
    *,
    year: int,
    period_name: str,
    unit_code: str,
    regencies: list[tuple[str, str]],
) -> OdkForm:
    """The form for one unit: regency (Kemendagri code), institution, then one select_one per
    item the unit answers, in a group per variable and a screen (field-list) per indicator."""
    unit = next(u for u in spec.units if u.code == unit_code)

    def row(
        kind: str,
        name: str = "",
        label: str = "",
        hint: str = "",
        required: str = "",
        required_message: str = "",
        appearance: str = "",
    ) -> tuple[str, ...]:  # in the order of SURVEY_HEADER
        return (kind, name, label, hint, required, required_message, appearance)

    survey = [
        SURVEY_HEADER,
        row("start", "start"),
        row("end", "end"),
        row(
            f"select_one {REGENCY_LIST}",
            "regency",
            "Kabupaten/Kota",
            "Ketik sebagian nama untuk mencari.",
            "yes",
            "Pilih kabupaten/kota tempat responden.",
            "autocomplete",
        ),
        row(
            "text",
            "institution",
            "Nama instansi",
            "Boleh dikosongkan bila responden menjawab sebagai perorangan.",
        ),
    ]
    items = 0
    for variable in spec.variables:
        groups = [
            (indicator, [i for i in indicator.items if unit_code in i.units])
            for indicator in variable.indicators
        ]
        groups = [(indicator, asked) for indicator, asked in groups if asked]
        if not groups:
            continue
        survey.append(row("begin_group", variable.code, variable.name))
        for indicator, asked in groups:
            survey.append(
                row("begin_group", indicator.code, indicator.name, appearance="field-list")
            )
            for item in asked:
                survey.append(
                    row(
                        f"select_one {ANSWER_LIST}",
                        item.code,
                        item.text,
                        required="yes",
                        required_message=REQUIRED_ANSWER,
                    )
                )
                items += 1
            survey.append(row("end_group"))
        survey.append(row("end_group"))
    choices = [
        CHOICES_HEADER,
        *((REGENCY_LIST, code, label) for code, label in regencies),
        *((ANSWER_LIST, o.code, o.label) for o in spec.answer_options),
    ]
    title = f"{period_name} · {unit.name}"
    the_id = form_id(year, unit_code)
    instance_name = "concat(jr:choice-name(${regency}, '${regency}'), ' · ', ${institution})"
    digest = hashlib.sha256(
        json.dumps(
            [survey, choices, [title, the_id, instance_name], pyxform.__version__],
            ensure_ascii=False,
        ).encode("utf-8")
    ).hexdigest()
    version = f"{spec.year}.{spec.version}-{digest[:8]}"
    return OdkForm(
        year=year,
        unit_code=unit_code,
        unit_name=unit.name,
        title=title,
        form_id=the_id,
        version=version,
        item_count=items,
        survey=tuple(survey),
        choices=tuple(choices),
        settings=(SETTINGS_HEADER, (title, the_id, version, instance_name)),
    )


def xform_text(form: OdkForm) -> str:
    """The XForm that pyxform makes of the XLSForm; cached by version (a content digest)."""
    key = f"kotan:odk:xform:{form.form_id}:{form.version}"
    text: str | None = cache.get(key)
    if text is None:
        text = convert(form.xlsform_bytes(), file_type=".xlsx").xform
        cache.set(key, text, CACHE_SECONDS)
    return text


def xform_md5(text: str) -> str:
    """The hash of the form list (``md5:`` + this), of the bytes the download serves."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def collect_settings_code(server_url: str, username: str) -> str:
    """What a Collect/KoboCollect configuration QR code carries: base64 of the zlib-compressed
    JSON settings. No password: the enumerator types it on the phone."""
    settings = {
        "general": {"server_url": server_url, "username": username},
        "admin": {},
        "project": {"name": "SI-KOTAN", "icon": "K", "color": "#0b3b70"},
    }
    packed = zlib.compress(json.dumps(settings).encode("utf-8"))
    return base64.b64encode(packed).decode("ascii")


# --- a submitted instance ---------------------------------------------------------------------


def _name(element: Element) -> str:
    """The tag without its namespace: Collect may or may not qualify the instance's tags."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def parse_instance(data: bytes) -> dict[str, Any]:
    """The payload of ``collection.payload`` from an instance's XML; ProblemsError when it is
    too large, unreadable, carries a DTD or entities (never expanded), or is no SI-KOTAN form.

    Checking the answers is left to ``ingest_submission``, which keeps what it refuses.
    """
    where = "xml_submission_file"
    if len(data) > MAX_XML_BYTES:
        raise ProblemsError([Problem("odk.too_large", where, {"limit": MAX_XML_BYTES // 1024})])
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ProblemsError([Problem("odk.xml_forbidden", where)]) from exc
    except ParseError as exc:
        line, column = exc.position
        problem = Problem("odk.xml_malformed", where, {"line": line, "column": column})
        raise ProblemsError([problem]) from exc
    parsed = parse_form_id(root.get("id", ""))
    if parsed is None:
        problem = Problem("odk.form_unknown", where, {"form_id": root.get("id", "")[:80]})
        raise ProblemsError([problem])
    year, unit = parsed
    fields: dict[str, Element] = {}
    answers: dict[str, str] = {}
    for child in root:
        name = _name(child)
        if name in FIELDS or name == "meta":
            fields.setdefault(name, child)
            continue
        for leaf in child.iter():
            if len(leaf) == 0 and _text(leaf) and len(answers) <= MAX_ANSWERS:
                answers[_name(leaf)] = _text(leaf)
    meta = fields.get("meta")
    instance_id = next(
        (_text(e) for e in (meta if meta is not None else ()) if _name(e) == "instanceID"), ""
    )
    return {
        "uuid": instance_id.removeprefix("uuid:"),
        "period": year,
        "regency": _text(fields.get("regency")),
        "unit": unit,
        "institution": _text(fields.get("institution")),
        "started_at": _text(fields.get("start")),
        "submitted_at": _text(fields.get("end")),
        "answers": answers,
        "form_version": root.get("version", ""),
    }


# --- the forms of periods, from the database -------------------------------------------------


def periods_in_scope(user: User) -> QuerySet[Period]:
    """Periods with at least one assignment in the user's region."""
    in_scope = scope_queryset(user, Assignment.objects.all()).values("period_id")
    return Period.objects.filter(pk__in=in_scope).select_related("instrument")


def fillable_periods(user: User) -> QuerySet[Period]:
    """Open periods with an assignment in the user's region that still takes answers."""
    in_scope = scope_queryset(user, Assignment.objects.collecting())
    return Period.objects.filter(
        status=Period.Status.OPEN, pk__in=in_scope.values("period_id")
    ).select_related("instrument")


def period_forms(period: Period, user: User) -> list[OdkForm]:
    """One form per observation unit that answers at least one item, listing the regencies of
    the period in the user's scope only (a form names no region the user may not see)."""
    spec = published_spec(period.instrument)
    regencies = [
        (code, f"{name} ({province})")
        for code, name, province in scope_queryset(user, Assignment.objects.filter(period=period))
        .order_by("regency__code")
        .values_list("regency__code", "regency__name", "regency__province__name")
    ]
    forms = [
        build_form(
            spec,
            year=period.year,
            period_name=period.name,
            unit_code=unit.code,
            regencies=regencies,
        )
        for unit in spec.units
    ]
    return [f for f in forms if f.item_count]
