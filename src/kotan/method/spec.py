"""An instrument (questionnaire + method) as plain data, its validation and its YAML form.

No Django here: the same spec is read from YAML or XLSX, stored in the database, and handed to
the scoring engine. Every problem in a file is collected (never only the first one) with a
stable code, where it is, and a message in Bahasa Indonesia (English available).

Reading (``spec_from_dict``) checks the shape and the types: every list is a list, every entry a
mapping with known keys, numbers are numbers (never booleans), flags are booleans. Only a
missing key takes its default (``version`` 1, ``min_respondents`` 30, ``categories`` "2022");
a given 0 is an error. ``validate`` checks the values of a built spec, wherever it came from
(file, database, code): ranges, lengths the database columns hold, weights, references,
duplicates and the category scheme.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kotan.method.categories import (
    BOUNDARY_TOLERANCE,
    CUSTOM,
    KINDS,
    PRESET_NAMES,
    PRESETS,
    SCALES,
    Band,
    Category,
    CategoryScheme,
    FixedBands,
    SchemeError,
    scheme_from_dict,
    scheme_to_dict,
)
from kotan.method.problems import Problem, ProblemsError, register_messages

EXAMPLE = Path(__file__).resolve().parent / "data" / "ikotan_contoh.yaml"
AGGREGATIONS = ("pooled", "unit-balanced")
CATEGORY_PRESETS = PRESET_NAMES
WEIGHT_TOLERANCE = 1e-9  # weights must add up to 1 within this (spec and engine)
YEAR_RANGE = (2000, 2100)
INT_MAX = 2**31 - 1  # PositiveIntegerField on PostgreSQL is a 4-byte integer
MAX_ENTRIES = 50_000  # list entries read from one file (YAML aliases can repeat a list cheaply)

# Longest text per field: what the database columns hold (models.py uses the same numbers).
INSTRUMENT_CODE_LENGTH = 60
CODE_LENGTH = 40  # answer options, units, variables, indicators, items
TITLE_LENGTH = 200
LABEL_LENGTH = 200  # answer option labels and category labels
NAME_LENGTH = 200  # variables and indicators
UNIT_NAME_LENGTH = 100
CATEGORY_CODE_LENGTH = 40  # scoring.RegencyResult.category
CATEGORIES_NAME_LENGTH = 20

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (Bahasa Indonesia, English)
    "file.yaml": (
        "Berkas tidak dapat dibaca: bukan YAML yang sah.",
        "The file cannot be read: it is not valid YAML.",
    ),
    "file.yaml_at": (
        "Berkas tidak dapat dibaca: YAML tidak sah di baris {line} kolom {column}.",
        "The file cannot be read: invalid YAML at line {line}, column {column}.",
    ),
    "file.not_mapping": (
        "Berkas tidak dapat dibaca: isinya harus berupa pemetaan 'kunci: nilai'.",
        "The file cannot be read: it must hold a 'key: value' mapping.",
    ),
    "file.too_many_entries": (
        "Berkas berisi lebih dari {limit} entri.",
        "The file holds more than {limit} entries.",
    ),
    "field.missing": ("Kolom '{field}' wajib diisi.", "Field '{field}' is required."),
    "field.type": (
        "Kolom '{field}' harus berupa {expected}, bukan {got!r}.",
        "Field '{field}' must be {expected}, not {got!r}.",
    ),
    "field.unknown": (
        "Kolom '{field}' tidak dikenal (pilih: {allowed}).",
        "Unknown field '{field}' (choose: {allowed}).",
    ),
    "field.too_long": (
        "Kolom '{field}' paling banyak {limit} karakter, bukan {length}.",
        "Field '{field}' holds at most {limit} characters, not {length}.",
    ),
    "field.nul": (
        "Kolom '{field}' berisi karakter NUL yang tidak diperbolehkan.",
        "Field '{field}' contains a NUL character, which is not allowed.",
    ),
    "field.range": (
        "Kolom '{field}' harus antara {min} dan {max}, bukan {value}.",
        "Field '{field}' must be between {min} and {max}, not {value}.",
    ),
    "field.finite": (
        "Kolom '{field}' harus berupa angka terhingga, bukan {value}.",
        "Field '{field}' must be a finite number, not {value}.",
    ),
    "entry.type": (
        "Entri harus berupa pemetaan 'kunci: nilai', bukan {got!r}.",
        "An entry must be a 'key: value' mapping, not {got!r}.",
    ),
    "scale.order": (
        "Skala jawaban: nilai minimum ({min}) harus lebih kecil dari maksimum ({max}).",
        "Answer scale: the minimum ({min}) must be below the maximum ({max}).",
    ),
    "weights.sum": (
        "Bobot {what} berjumlah {total}, seharusnya 1.",
        "The weights of {what} add up to {total}, they must add up to 1.",
    ),
    "weights.negative": (
        "Bobot tidak boleh negatif ({value}).",
        "A weight cannot be negative ({value}).",
    ),
    "weights.partial": (
        "Bobot {what} harus diisi untuk semua atau tidak sama sekali.",
        "The weights of {what} must be given for all or for none.",
    ),
    "code.duplicate": (
        "Kode '{code}' dipakai lebih dari sekali.",
        "Code '{code}' is used more than once.",
    ),
    "label.duplicate": (
        "Label '{label}' dipakai lebih dari sekali.",
        "Label '{label}' is used more than once.",
    ),
    "item.no_unit": (
        "Butir '{code}' tidak memiliki unit observasi yang menjawabnya.",
        "Item '{code}' has no observation unit that answers it.",
    ),
    "item.unknown_unit": (
        "Butir '{code}' merujuk unit observasi yang tidak ada: '{unit}'.",
        "Item '{code}' refers to an unknown observation unit: '{unit}'.",
    ),
    "item.duplicate_unit": (
        "Butir '{code}' menyebut unit observasi '{unit}' lebih dari sekali.",
        "Item '{code}' names observation unit '{unit}' more than once.",
    ),
    "option.out_of_scale": (
        "Skor pilihan jawaban '{code}' ({score}) berada di luar skala {min}–{max}.",
        "The score of answer option '{code}' ({score}) is outside the scale {min}–{max}.",
    ),
    "options.empty": ("Tidak ada pilihan jawaban.", "There are no answer options."),
    "unit.quota": (
        "Kuota unit '{code}' harus bilangan bulat positif ({quota}).",
        "The quota of unit '{code}' must be a positive whole number ({quota}).",
    ),
    "aggregation.unknown": (
        "Metode agregasi '{value}' tidak dikenal (pilih: {allowed}).",
        "Unknown aggregation '{value}' (choose: {allowed}).",
    ),
    "categories.unknown": (
        "Skema kategori '{value}' tidak dikenal (pilih: {allowed}).",
        "Unknown category scheme '{value}' (choose: {allowed}).",
    ),
    "categories.kind": (
        "Jenis skema kategori '{value}' tidak dikenal (pilih: {allowed}).",
        "Unknown kind of category scheme '{value}' (choose: {allowed}).",
    ),
    "categories.scale": (
        "Skala skema kategori '{value}' tidak dikenal (pilih: {allowed}).",
        "Unknown scale of the category scheme '{value}' (choose: {allowed}).",
    ),
    "categories.too_few": (
        "Skema kategori memerlukan paling sedikit 2 kelas, bukan {count}.",
        "A category scheme needs at least 2 classes, not {count}.",
    ),
    "categories.count": (
        "Jumlah label ({count}) harus sama dengan k ({k}).",
        "The number of labels ({count}) must equal k ({k}).",
    ),
    "categories.band_order": (
        "Kelas '{code}': batas bawah ({lower}) harus lebih kecil dari batas atas ({upper}).",
        "Class '{code}': the lower bound ({lower}) must be below the upper bound ({upper}).",
    ),
    "categories.gap": (
        "Kelas '{code}' harus dimulai tepat pada batas atas kelas sebelumnya ({previous}), "
        "bukan {lower}.",
        "Class '{code}' must start exactly at the upper bound of the class before it "
        "({previous}), not {lower}.",
    ),
    "categories.coverage": (
        "Kelas kategori harus mencakup seluruh skala {min}–{max}, bukan {lower}–{upper}.",
        "The classes must cover the whole scale {min}–{max}, not {lower}–{upper}.",
    ),
    "categories.outside": (
        "Skema kategori '{name}' ({lower}–{upper}) berada di luar skala jawaban {min}–{max}.",
        "Category scheme '{name}' ({lower}–{upper}) lies outside the answer scale {min}–{max}.",
    ),
    "empty": ("{what} tidak boleh kosong.", "{what} cannot be empty."),
}


register_messages(MESSAGES)


class InstrumentError(ProblemsError):
    """A malformed instrument; ``problems`` lists every problem found."""


@dataclass(frozen=True)
class AnswerOption:
    code: str
    label: str
    score: float | None  # None: "tidak tahu", counted as missing, never as zero


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    quota: int


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    units: tuple[str, ...]
    weight: float | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    items: tuple[Item, ...]
    weight: float | None = None


@dataclass(frozen=True)
class Variable:
    code: str
    name: str
    weight: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class InstrumentSpec:
    code: str
    year: int
    version: int
    title: str
    scale_min: float
    scale_max: float
    answer_options: tuple[AnswerOption, ...]
    units: tuple[Unit, ...]
    variables: tuple[Variable, ...]
    description: str = ""
    is_example: bool = False
    aggregation: str = "pooled"
    min_respondents: int = 30
    # A preset name, or a scheme defined in the file (named CUSTOM); the engine takes either.
    categories: str | CategoryScheme = "2022"

    @property
    def items(self) -> list[Item]:
        return [i for v in self.variables for ind in v.indicators for i in ind.items]


# --- reading plain data (from YAML or a spreadsheet) -------------------------------------

TOP_KEYS = (
    "code",
    "year",
    "version",
    "title",
    "description",
    "is_example",
    "scale",
    "aggregation",
    "min_respondents",
    "categories",
    "answer_options",
    "units",
    "variables",
)
OPTION_KEYS = ("code", "label", "score")
UNIT_KEYS = ("code", "name", "quota")
VARIABLE_KEYS = ("code", "name", "weight", "indicators")
INDICATOR_KEYS = ("code", "name", "weight", "items")
ITEM_KEYS = ("code", "text", "units", "weight")
BAND_KEYS = ("code", "label", "lower", "upper")
LABEL_KEYS = ("code", "label")
SCHEME_KEYS = {
    "fixed": ("kind", "scale", "bands"),
    "equal_interval": ("kind", "scale", "k", "labels"),
}
EXPECTED = {
    str: "teks",
    int: "bilangan bulat",
    float: "angka",
    list: "daftar",
    dict: "pemetaan 'kunci: nilai'",
    bool: "true atau false",
}


def _shown(value: Any) -> Any:
    """A value as a problem quotes it: short, never a whole nested structure."""
    text = repr(value)
    if len(text) > 60:
        return text[:57] + "..."
    return value if isinstance(value, str | int | float | bool) or value is None else text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Reader:
    """Collects problems while converting loosely typed data into the spec."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.where: dict[int, str] = {}  # id(spec entry) -> location in the file
        self.entries = 0

    def problem(self, code: str, location: str, /, **params: Any) -> None:
        self.problems.append(Problem(code, location, params))

    def get(self, data: Any, key: str, location: str, kind: type, required: bool = True) -> Any:
        """``data[key]`` as ``kind``; None when missing (reported if required) or mistyped."""
        if not isinstance(data, dict) or data.get(key) is None or data.get(key) == "":
            if required:
                self.problem("field.missing", location, field=key)
            return None
        value = data[key]
        if kind is float and _is_number(value):
            return float(value)
        if kind is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind is str and _is_number(value):
            return str(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            self.problem("field.type", location, field=key, expected=EXPECTED[kind], got=value)
            return None
        return value

    def mapping(self, data: Any, location: str, allowed: Iterable[str]) -> dict[str, Any] | None:
        """``data`` when it is a mapping (unknown keys reported), else None (reported)."""
        if not isinstance(data, dict):
            self.problem("entry.type", location, got=_shown(data))
            return None
        allowed = tuple(allowed)
        for key in data:
            if key not in allowed:
                self.problem("field.unknown", location, field=str(key), allowed=", ".join(allowed))
        return data

    def entries_of(
        self, data: dict[str, Any], key: str, location: str, allowed: Iterable[str]
    ) -> list[tuple[str, dict[str, Any]]]:
        """The mappings listed under ``key``, each with its location; a missing list is empty."""
        raw = data.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem("field.type", location, field=key, expected="daftar", got=_shown(raw))
            return []
        self.entries += len(raw)
        if self.entries > MAX_ENTRIES:
            raise InstrumentError([Problem("file.too_many_entries", "", {"limit": MAX_ENTRIES})])
        prefix = f"{location}.{key}" if location else key
        found = []
        for n, entry in enumerate(raw, start=1):
            where = f"{prefix}[{n}]"
            checked = self.mapping(entry, where, allowed)
            if checked is not None:
                found.append((where, checked))
        return found

    def text(self, data: dict[str, Any], key: str, location: str, required: bool = True) -> str:
        value = self.get(data, key, location, str, required=required)
        return "" if value is None else value

    def number(self, data: dict[str, Any], key: str, location: str) -> float | None:
        return self.get(data, key, location, float, required=False)

    def located(self, entry: Any, location: str) -> Any:
        self.where[id(entry)] = location
        return entry

    def units(self, raw: dict[str, Any], location: str) -> tuple[str, ...]:
        value = raw.get("units")
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            return tuple(u.strip() for u in value.split(",") if u.strip())
        if isinstance(value, list) and all(isinstance(u, str) or _is_number(u) for u in value):
            return tuple(str(u).strip() for u in value)
        expected = "daftar kode unit observasi"
        self.problem("field.type", location, field="units", expected=expected, got=_shown(value))
        return ()

    def categories(self, data: dict[str, Any]) -> str | CategoryScheme:
        value = data.get("categories")
        if value is None or value == "":
            return "2022"
        if isinstance(value, str):
            return value.strip()
        if _is_number(value):  # categories: 2022 without quotes
            return str(value)
        if not isinstance(value, dict):
            expected = "nama skema atau pemetaan (kind: fixed/equal_interval)"
            self.problem("field.type", "", field="categories", expected=expected, got=value)
            return "2022"
        return self.scheme(value)

    def scheme(self, data: dict[str, Any]) -> str | CategoryScheme:
        """A scheme defined in the file; the default preset (problems reported) if it is wrong."""
        loc = "categories"
        before = len(self.problems)
        kind = self.get(data, "kind", loc, str)
        if kind is not None and kind not in KINDS:
            self.problem("categories.kind", loc, field="kind", value=kind, allowed=", ".join(KINDS))
            kind = None
        if kind is None:
            return "2022"
        self.mapping(data, loc, SCHEME_KEYS[kind])
        scale = self.get(data, "scale", loc, str, required=kind == "fixed") or "answer"
        if scale not in SCALES:
            allowed = ", ".join(SCALES)
            self.problem("categories.scale", loc, field="scale", value=scale, allowed=allowed)
        plain: dict[str, Any] = {"kind": kind, "scale": scale}
        codes: set[str] = set()
        labels: set[str] = set()

        def named(where: str, raw: dict[str, Any]) -> dict[str, Any]:
            code = self.text(raw, "code", where)
            label = self.text(raw, "label", where)
            if code and code in codes:
                self.problem("code.duplicate", where, code=code)
            if label and label.strip().casefold() in labels:
                self.problem("label.duplicate", where, label=label)
            codes.add(code)
            labels.add(label.strip().casefold())
            return {"code": code, "label": label}

        if kind == "fixed":
            if "bands" not in data:
                self.problem("field.missing", loc, field="bands")
            bands = []
            previous: float | None = None
            for where, raw in self.entries_of(data, "bands", loc, BAND_KEYS):
                band = named(where, raw)
                lower = self.get(raw, "lower", where, float)
                upper = self.get(raw, "upper", where, float)
                for key, bound in (("lower", lower), ("upper", upper)):
                    if bound is not None and not math.isfinite(bound):
                        self.problem("field.finite", where, field=key, value=bound)
                if lower is not None and upper is not None and not lower < upper:
                    self.problem(
                        "categories.band_order", where, code=band["code"], lower=lower, upper=upper
                    )
                if previous is not None and lower is not None and lower != previous:
                    self.problem(
                        "categories.gap",
                        where,
                        field="lower",
                        code=band["code"],
                        previous=previous,
                        lower=lower,
                    )
                previous = upper
                bands.append({**band, "lower": lower, "upper": upper})
            plain["bands"] = bands
        else:
            k = self.get(data, "k", loc, int)
            entries = self.entries_of(data, "labels", loc, LABEL_KEYS)
            if "labels" not in data:
                self.problem("field.missing", loc, field="labels")
            plain["labels"] = [named(where, raw) for where, raw in entries]
            if k is not None and k != len(entries):
                self.problem("categories.count", loc, field="k", count=len(entries), k=k)
            plain["k"] = len(entries)
        key = "bands" if kind == "fixed" else "labels"
        count = len(plain[key])
        if key in data and count < 2:
            self.problem("categories.too_few", loc, count=count)
        if len(self.problems) > before:
            return "2022"
        try:
            return scheme_from_dict(plain)
        except SchemeError:  # pragma: no cover - every rule of the constructors is checked above
            self.problem("categories.kind", loc, field="kind", value=kind, allowed=", ".join(KINDS))
            return "2022"


def spec_from_dict(data: Any) -> InstrumentSpec:
    """Build and validate a spec; raise InstrumentError listing every problem."""
    r = _Reader()
    if not isinstance(data, dict):
        raise InstrumentError([Problem("file.not_mapping", "")])
    r.mapping(data, "", TOP_KEYS)
    code = r.text(data, "code", "")
    year = r.get(data, "year", "", int)
    version = r.get(data, "version", "", int, required=False)
    title = r.text(data, "title", "")
    description = r.text(data, "description", "", required=False)
    is_example = r.get(data, "is_example", "", bool, required=False)
    scale_min = scale_max = None
    scale = r.get(data, "scale", "", dict)
    if scale is not None:
        r.mapping(scale, "scale", ("min", "max"))
        scale_min = r.get(scale, "min", "scale", float)
        scale_max = r.get(scale, "max", "scale", float)
    aggregation = r.get(data, "aggregation", "", str, required=False)
    min_respondents = r.get(data, "min_respondents", "", int, required=False)
    categories = r.categories(data)
    options = []
    for loc, raw in r.entries_of(data, "answer_options", "", OPTION_KEYS):
        score = raw.get("score")
        if score is not None and not _is_number(score):
            r.problem("field.type", loc, field="score", expected="angka atau kosong", got=score)
            score = None
        option = AnswerOption(
            code=r.text(raw, "code", loc),
            label=r.text(raw, "label", loc),
            score=None if score is None else float(score),
        )
        options.append(r.located(option, loc))
    units = []
    for loc, raw in r.entries_of(data, "units", "", UNIT_KEYS):
        quota = r.get(raw, "quota", loc, int)
        unit = Unit(
            code=r.text(raw, "code", loc),
            name=r.text(raw, "name", loc),
            quota=1 if quota is None else quota,  # a placeholder: the problem is reported
        )
        units.append(r.located(unit, loc))
    variables = []
    for vloc, raw_v in r.entries_of(data, "variables", "", VARIABLE_KEYS):
        indicators = []
        for dloc, raw_d in r.entries_of(raw_v, "indicators", vloc, INDICATOR_KEYS):
            items = []
            for iloc, raw_i in r.entries_of(raw_d, "items", dloc, ITEM_KEYS):
                item = Item(
                    code=r.text(raw_i, "code", iloc),
                    text=r.text(raw_i, "text", iloc),
                    units=r.units(raw_i, iloc),
                    weight=r.number(raw_i, "weight", iloc),
                )
                items.append(r.located(item, iloc))
            indicator = Indicator(
                code=r.text(raw_d, "code", dloc),
                name=r.text(raw_d, "name", dloc),
                items=tuple(items),
                weight=r.number(raw_d, "weight", dloc),
            )
            indicators.append(r.located(indicator, dloc))
        weight = r.get(raw_v, "weight", vloc, float)
        variable = Variable(
            code=r.text(raw_v, "code", vloc),
            name=r.text(raw_v, "name", vloc),
            weight=0.0 if weight is None else weight,
            indicators=tuple(indicators),
        )
        variables.append(r.located(variable, vloc))
    spec = InstrumentSpec(
        code=code,
        year=0 if year is None else year,
        version=1 if version is None else version,
        title=title,
        description=description,
        is_example=bool(is_example),
        scale_min=0.0 if scale_min is None else scale_min,
        scale_max=1.0 if scale_max is None else scale_max,
        aggregation="pooled" if aggregation is None else aggregation,
        min_respondents=30 if min_respondents is None else min_respondents,
        categories=categories,
        answer_options=tuple(options),
        units=tuple(units),
        variables=tuple(variables),
    )
    # A value the reader already refused is not reported a second time by validate.
    reported = {(p.location, p.params.get("field")) for p in r.problems}
    problems = r.problems + _validate(spec, r.where, reported)
    if problems:
        raise InstrumentError(problems)
    return spec


# --- validating a built spec ------------------------------------------------------------


def _weights_problem(
    weights: list[float | None], what: str, location: str, required: bool
) -> list[Problem]:
    given = [w for w in weights if w is not None]
    if not weights or (not given and not required):
        return []
    if len(given) != len(weights):
        return [Problem("weights.partial", location, {"what": what})]
    total = sum(given)
    if math.isfinite(total) and abs(total - 1.0) > WEIGHT_TOLERANCE:
        return [Problem("weights.sum", location, {"what": what, "total": round(total, 6)})]
    return []


class _Checks:
    """The problems of a built spec; a (location, field) the reader refused is skipped."""

    def __init__(self, where: dict[int, str], reported: set[tuple[str, Any]]) -> None:
        self.problems: list[Problem] = []
        self.where = where
        self.reported = reported

    def at(self, entry: Any, default: str) -> str:
        return self.where.get(id(entry), default)

    def add(self, code: str, location: str, /, **params: Any) -> None:
        if (location, params.get("field")) not in self.reported or "field" not in params:
            self.problems.append(Problem(code, location, params))

    def text(self, value: str, location: str, field: str, limit: int | None) -> None:
        if (location, field) in self.reported:
            return
        if limit is not None and len(value) > limit:
            self.add("field.too_long", location, field=field, limit=limit, length=len(value))
        if "\x00" in value:
            self.add("field.nul", location, field=field)

    def whole(self, value: int, location: str, field: str, low: int, high: int) -> None:
        if (location, field) not in self.reported and not low <= value <= high:
            self.add("field.range", location, field=field, min=low, max=high, value=value)

    def weight(self, value: float | None, location: str) -> None:
        if value is None or (location, "weight") in self.reported:
            return
        if not math.isfinite(value):
            self.add("field.finite", location, field="weight", value=value)
        elif value < 0:
            self.problems.append(Problem("weights.negative", location, {"value": value}))

    def duplicates(self, entries: list[tuple[str, str]], code: str, param: str) -> None:
        """``entries``: (location, value); every repeat of a value is reported where it is."""
        seen: set[str] = set()
        for location, value in entries:
            key = value.strip().casefold() if param == "label" else value
            if value and key in seen:
                self.problems.append(Problem(code, location, {param: value}))
            seen.add(key)


def validate(spec: InstrumentSpec) -> list[Problem]:
    """Every problem of a spec (empty list: the spec is sound). Entries are located by their
    position, e.g. ``variables[1].indicators[2].items[3]``."""
    return _validate(spec, {}, set())


def _validate(
    spec: InstrumentSpec, where: dict[int, str], reported: set[tuple[str, Any]]
) -> list[Problem]:
    c = _Checks(where, reported)
    add = c.add
    c.text(spec.code, "", "code", INSTRUMENT_CODE_LENGTH)
    c.text(spec.title, "", "title", TITLE_LENGTH)
    c.text(spec.description, "", "description", None)
    c.whole(spec.year, "", "year", *YEAR_RANGE)
    c.whole(spec.version, "", "version", 1, INT_MAX)
    c.whole(spec.min_respondents, "", "min_respondents", 1, INT_MAX)
    finite_scale = True
    for field, value in (("min", spec.scale_min), ("max", spec.scale_max)):
        if not math.isfinite(value):
            finite_scale = False
            add("field.finite", "scale", field=field, value=value)
    if finite_scale and spec.scale_min >= spec.scale_max:
        add("scale.order", "scale", min=spec.scale_min, max=spec.scale_max)
    if spec.aggregation not in AGGREGATIONS:
        add(
            "aggregation.unknown",
            "aggregation",
            value=spec.aggregation,
            allowed=", ".join(AGGREGATIONS),
        )
    _check_categories(spec, c, scale_ok=finite_scale and spec.scale_min < spec.scale_max)

    if not spec.answer_options:
        add("options.empty", "answer_options")
    option_codes, option_labels = [], []
    for n, o in enumerate(spec.answer_options, start=1):
        loc = c.at(o, f"answer_options[{n}]")
        c.text(o.code, loc, "code", CODE_LENGTH)
        c.text(o.label, loc, "label", LABEL_LENGTH)
        if o.score is not None and not spec.scale_min <= o.score <= spec.scale_max:
            add(
                "option.out_of_scale",
                loc,
                code=o.code,
                score=o.score,
                min=spec.scale_min,
                max=spec.scale_max,
            )
        option_codes.append((loc, o.code))
        option_labels.append((loc, o.label))
    c.duplicates(option_codes, "code.duplicate", "code")
    c.duplicates(option_labels, "label.duplicate", "label")

    if not spec.units:
        add("empty", "units", what="Unit observasi")
    unit_codes = []
    for n, u in enumerate(spec.units, start=1):
        loc = c.at(u, f"units[{n}]")
        c.text(u.code, loc, "code", CODE_LENGTH)
        c.text(u.name, loc, "name", UNIT_NAME_LENGTH)
        if (loc, "quota") not in reported:
            if u.quota <= 0:
                add("unit.quota", loc, code=u.code, quota=u.quota)
            else:
                c.whole(u.quota, loc, "quota", 1, INT_MAX)
        unit_codes.append((loc, u.code))
    c.duplicates(unit_codes, "code.duplicate", "code")

    if not spec.variables:
        add("empty", "variables", what="Variabel")
    c.problems += _weights_problem(
        [v.weight for v in spec.variables], "variabel", "variables", required=True
    )
    known_units = {u.code for u in spec.units}
    codes: list[tuple[str, str]] = []
    item_codes: list[tuple[str, str]] = []
    for vn, v in enumerate(spec.variables, start=1):
        vloc = c.at(v, f"variables[{vn}]")
        c.text(v.code, vloc, "code", CODE_LENGTH)
        c.text(v.name, vloc, "name", NAME_LENGTH)
        c.weight(v.weight, vloc)
        codes.append((vloc, v.code))
        if not v.indicators:
            add("empty", vloc, what="Indikator")
        c.problems += _weights_problem(
            [d.weight for d in v.indicators], f"indikator {v.code}", vloc, required=False
        )
        for dn, d in enumerate(v.indicators, start=1):
            dloc = c.at(d, f"{vloc}.indicators[{dn}]")
            c.text(d.code, dloc, "code", CODE_LENGTH)
            c.text(d.name, dloc, "name", NAME_LENGTH)
            c.weight(d.weight, dloc)
            codes.append((dloc, d.code))
            if not d.items:
                add("empty", dloc, what="Butir")
            c.problems += _weights_problem(
                [i.weight for i in d.items], f"butir {d.code}", dloc, required=False
            )
            for n, i in enumerate(d.items, start=1):
                iloc = c.at(i, f"{dloc}.items[{n}]")
                c.text(i.code, iloc, "code", CODE_LENGTH)
                c.text(i.text, iloc, "text", None)
                c.weight(i.weight, iloc)
                item_codes.append((iloc, i.code))
                if not i.units and (iloc, "units") not in reported:
                    add("item.no_unit", iloc, code=i.code)
                seen: set[str] = set()
                for unit in i.units:
                    if unit in seen:
                        add("item.duplicate_unit", iloc, code=i.code, unit=unit)
                    elif unit not in known_units:
                        add("item.unknown_unit", iloc, code=i.code, unit=unit)
                    seen.add(unit)
    # one code space for variables, indicators and items (the engine and answer files use it)
    c.duplicates(codes + item_codes, "code.duplicate", "code")
    return c.problems


def _check_categories(spec: InstrumentSpec, c: _Checks, scale_ok: bool) -> None:
    value = spec.categories
    if isinstance(value, str):
        if ("", "categories") in c.reported:
            return
        if value not in PRESETS:
            allowed = ", ".join(CATEGORY_PRESETS)
            c.add("categories.unknown", "categories", value=value, allowed=allowed)
            return
        scheme = PRESETS[value]
    else:
        scheme = value
        if scheme.name != CUSTOM:
            c.add("categories.unknown", "categories", value=scheme.name, allowed=CUSTOM)
        classes: tuple[Band | Category, ...] = (
            scheme.bands if isinstance(scheme, FixedBands) else scheme.categories
        )
        if len(classes) < 2:
            c.add("categories.too_few", "categories", count=len(classes))
        key = "bands" if isinstance(scheme, FixedBands) else "labels"
        for n, entry in enumerate(classes, start=1):
            loc = f"categories.{key}[{n}]"
            c.text(entry.code, loc, "code", CATEGORY_CODE_LENGTH)
            c.text(entry.label, loc, "label", LABEL_LENGTH)
    if not isinstance(scheme, FixedBands) or not scale_ok:
        return
    low, high = (spec.scale_min, spec.scale_max) if scheme.scale == "answer" else (0.0, 100.0)
    lower, upper = scheme.bands[0].lower, scheme.bands[-1].upper
    bounds = {"min": low, "max": high, "lower": lower, "upper": upper}
    if scheme.partial:
        if lower < low - BOUNDARY_TOLERANCE or upper > high + BOUNDARY_TOLERANCE:
            c.add("categories.outside", "categories", name=scheme.name, **bounds)
    elif abs(lower - low) > BOUNDARY_TOLERANCE or abs(upper - high) > BOUNDARY_TOLERANCE:
        c.add("categories.coverage", "categories", **bounds)


# --- writing ----------------------------------------------------------------------------


def _clean(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


def categories_to_plain(categories: str | CategoryScheme) -> str | dict[str, Any]:
    """A preset name as it is, a custom scheme as its mapping."""
    return categories if isinstance(categories, str) else scheme_to_dict(categories)


def spec_to_dict(spec: InstrumentSpec) -> dict[str, Any]:
    """Plain data that spec_from_dict reads back to an equal spec."""
    return {
        "code": spec.code,
        "year": spec.year,
        "version": spec.version,
        "title": spec.title,
        "description": spec.description,
        "is_example": spec.is_example,
        "scale": {"min": spec.scale_min, "max": spec.scale_max},
        "aggregation": spec.aggregation,
        "min_respondents": spec.min_respondents,
        "categories": categories_to_plain(spec.categories),
        "answer_options": [
            {"code": o.code, "label": o.label, "score": o.score} for o in spec.answer_options
        ],
        "units": [{"code": u.code, "name": u.name, "quota": u.quota} for u in spec.units],
        "variables": [
            {
                "code": v.code,
                "name": v.name,
                "weight": v.weight,
                "indicators": [
                    _clean(
                        {
                            "code": d.code,
                            "name": d.name,
                            "weight": d.weight,
                            "items": [
                                _clean(
                                    {
                                        "code": i.code,
                                        "text": i.text,
                                        "units": list(i.units),
                                        "weight": i.weight,
                                    }
                                )
                                for i in d.items
                            ],
                        }
                    )
                    for d in v.indicators
                ],
            }
            for v in spec.variables
        ],
    }


def load_yaml(text: str) -> InstrumentSpec:
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is None:
            raise InstrumentError([Problem("file.yaml", "")]) from exc
        params = {"line": mark.line + 1, "column": mark.column + 1}
        raise InstrumentError([Problem("file.yaml_at", "", params)]) from exc
    except (yaml.YAMLError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise InstrumentError([Problem("file.yaml", "")]) from exc
    return spec_from_dict(data)


def dump_yaml(spec: InstrumentSpec) -> str:
    return yaml.safe_dump(spec_to_dict(spec), allow_unicode=True, sort_keys=False, width=100)


def spec_digest(spec: InstrumentSpec) -> str:
    """SHA-256 (64 hex digits) of the instrument's canonical YAML export (``dump_yaml``, UTF-8).

    It names the exact content a result was computed with: equal specs have equal digests, and
    the digest survives every round trip (YAML, XLSX, database). It changes with any change of
    content or metadata (title, year, version included), and with the export format itself.
    """
    return hashlib.sha256(dump_yaml(spec).encode("utf-8")).hexdigest()
