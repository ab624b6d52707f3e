"""An instrument (questionnaire + method) as plain data, its validation and its YAML form.

No Django here: the same spec is read from YAML or XLSX, stored in the database, and handed to
the scoring engine. Every problem in a file is collected (never only the first one) with a
stable code, where it is, and a message in Bahasa Indonesia (English available).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kotan.core.problems import Problem, ProblemsError, register_messages

EXAMPLE = Path(__file__).resolve().parent / "data" / "ikotan_contoh.yaml"
AGGREGATIONS = ("pooled", "unit-balanced")
CATEGORY_PRESETS = ("2019", "2021", "2022")
WEIGHT_TOLERANCE = 1e-9

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (Bahasa Indonesia, English)
    "file.syntax": ("Berkas tidak dapat dibaca: {detail}", "The file cannot be read: {detail}"),
    "field.missing": ("Kolom '{field}' wajib diisi.", "Field '{field}' is required."),
    "field.type": (
        "Kolom '{field}' harus berupa {expected}, bukan {got!r}.",
        "Field '{field}' must be {expected}, not {got!r}.",
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
    "item.no_unit": (
        "Butir '{code}' tidak memiliki unit observasi yang menjawabnya.",
        "Item '{code}' has no observation unit that answers it.",
    ),
    "item.unknown_unit": (
        "Butir '{code}' merujuk unit observasi yang tidak ada: '{unit}'.",
        "Item '{code}' refers to an unknown observation unit: '{unit}'.",
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
    categories: str = "2022"

    @property
    def items(self) -> list[Item]:
        return [i for v in self.variables for ind in v.indicators for i in ind.items]


# --- reading plain data (from YAML or a spreadsheet) -------------------------------------


class _Reader:
    """Collects problems while converting loosely typed data into the spec."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, code: str, location: str, **params: Any) -> None:
        self.problems.append(Problem(code, location, params))

    def get(self, data: Any, key: str, location: str, kind: type, required: bool = True) -> Any:
        if not isinstance(data, dict) or data.get(key) is None or data.get(key) == "":
            if required:
                self.problem("field.missing", location, field=key)
            return None
        value = data[key]
        expected = {
            str: "teks",
            int: "bilangan bulat",
            float: "angka",
            list: "daftar",
            bool: "ya/tidak",
        }
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem("field.type", location, field=key, expected=expected[kind], got=value)
            return None
        return value

    def weight(self, data: Any, location: str, required: bool) -> float | None:
        value = self.get(data, "weight", location, float, required=required)
        if value is not None and (value < 0 or math.isnan(value)):
            self.problem("weights.negative", location, value=value)
        return value


def spec_from_dict(data: Any) -> InstrumentSpec:
    """Build and validate a spec; raise InstrumentError listing every problem."""
    r = _Reader()
    if not isinstance(data, dict):
        raise InstrumentError(
            [Problem("file.syntax", "", {"detail": "bukan sebuah pemetaan (mapping)"})]
        )
    scale = data.get("scale") if isinstance(data.get("scale"), dict) else {}
    options = []
    for n, raw in enumerate(data.get("answer_options") or [], start=1):
        loc = f"answer_options[{n}]"
        score = raw.get("score") if isinstance(raw, dict) else None
        if score is not None and not isinstance(score, int | float):
            r.problem("field.type", loc, field="score", expected="angka atau kosong", got=score)
            score = None
        options.append(
            AnswerOption(
                code=r.get(raw, "code", loc, str) or "",
                label=r.get(raw, "label", loc, str) or "",
                score=None if score is None else float(score),
            )
        )
    units = []
    for n, raw in enumerate(data.get("units") or [], start=1):
        loc = f"units[{n}]"
        units.append(
            Unit(
                code=r.get(raw, "code", loc, str) or "",
                name=r.get(raw, "name", loc, str) or "",
                quota=r.get(raw, "quota", loc, int) or 0,
            )
        )
    variables = []
    for vn, raw_v in enumerate(data.get("variables") or [], start=1):
        vloc = f"variables[{vn}]"
        indicators = []
        for dn, raw_d in enumerate((raw_v or {}).get("indicators") or [], start=1):
            dloc = f"{vloc}.indicators[{dn}]"
            items = []
            for itn, raw_i in enumerate((raw_d or {}).get("items") or [], start=1):
                iloc = f"{dloc}.items[{itn}]"
                raw_units = (raw_i or {}).get("units") or []
                if isinstance(raw_units, str):
                    raw_units = [u.strip() for u in raw_units.split(",") if u.strip()]
                items.append(
                    Item(
                        code=r.get(raw_i, "code", iloc, str) or "",
                        text=r.get(raw_i, "text", iloc, str) or "",
                        units=tuple(str(u) for u in raw_units),
                        weight=r.weight(raw_i, iloc, required=False),
                    )
                )
            indicators.append(
                Indicator(
                    code=r.get(raw_d, "code", dloc, str) or "",
                    name=r.get(raw_d, "name", dloc, str) or "",
                    items=tuple(items),
                    weight=r.weight(raw_d, dloc, required=False),
                )
            )
        variables.append(
            Variable(
                code=r.get(raw_v, "code", vloc, str) or "",
                name=r.get(raw_v, "name", vloc, str) or "",
                weight=r.weight(raw_v, vloc, required=True) or 0.0,
                indicators=tuple(indicators),
            )
        )
    spec = InstrumentSpec(
        code=r.get(data, "code", "", str) or "",
        year=r.get(data, "year", "", int) or 0,
        version=r.get(data, "version", "", int) or 1,
        title=r.get(data, "title", "", str) or "",
        description=r.get(data, "description", "", str, required=False) or "",
        is_example=bool(data.get("is_example", False)),
        scale_min=r.get(scale, "min", "scale", float) or 0.0,
        scale_max=r.get(scale, "max", "scale", float) or 0.0,
        aggregation=r.get(data, "aggregation", "", str, required=False) or "pooled",
        min_respondents=r.get(data, "min_respondents", "", int, required=False) or 30,
        categories=r.get(data, "categories", "", str, required=False) or "2022",
        answer_options=tuple(options),
        units=tuple(units),
        variables=tuple(variables),
    )
    problems = r.problems + validate(spec)
    if problems:
        raise InstrumentError(problems)
    return spec


def _weights_problem(
    weights: list[float | None], what: str, location: str, required: bool
) -> list[Problem]:
    given = [w for w in weights if w is not None]
    if not weights or (not given and not required):
        return []
    if len(given) != len(weights):
        return [Problem("weights.partial", location, {"what": what})]
    total = sum(given)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        return [Problem("weights.sum", location, {"what": what, "total": round(total, 6)})]
    return []


def validate(spec: InstrumentSpec) -> list[Problem]:
    """Every structural problem of a spec (empty list: the spec is sound)."""
    problems: list[Problem] = []
    add = problems.append
    if spec.scale_min >= spec.scale_max:
        add(Problem("scale.order", "scale", {"min": spec.scale_min, "max": spec.scale_max}))
    if spec.aggregation not in AGGREGATIONS:
        add(
            Problem(
                "aggregation.unknown",
                "aggregation",
                {"value": spec.aggregation, "allowed": ", ".join(AGGREGATIONS)},
            )
        )
    if spec.categories not in CATEGORY_PRESETS:
        add(
            Problem(
                "categories.unknown",
                "categories",
                {"value": spec.categories, "allowed": ", ".join(CATEGORY_PRESETS)},
            )
        )
    if not spec.answer_options:
        add(Problem("options.empty", "answer_options"))
    for o in spec.answer_options:
        if o.score is not None and not spec.scale_min <= o.score <= spec.scale_max:
            add(
                Problem(
                    "option.out_of_scale",
                    "answer_options",
                    {
                        "code": o.code,
                        "score": o.score,
                        "min": spec.scale_min,
                        "max": spec.scale_max,
                    },
                )
            )
    for what, codes in [
        ("answer_options", [o.code for o in spec.answer_options]),
        ("units", [u.code for u in spec.units]),
        (
            "variables/indicators/items",
            [v.code for v in spec.variables]
            + [d.code for v in spec.variables for d in v.indicators]
            + [i.code for i in spec.items],
        ),
    ]:
        for code, count in Counter(codes).items():
            if count > 1 and code:
                add(Problem("code.duplicate", what, {"code": code}))
    if not spec.units:
        add(Problem("empty", "units", {"what": "Unit observasi"}))
    for u in spec.units:
        if u.quota <= 0:
            add(Problem("unit.quota", "units", {"code": u.code, "quota": u.quota}))
    if not spec.variables:
        add(Problem("empty", "variables", {"what": "Variabel"}))
    problems += _weights_problem(
        [v.weight for v in spec.variables], "variabel", "variables", required=True
    )
    unit_codes = {u.code for u in spec.units}
    for v in spec.variables:
        if not v.indicators:
            add(Problem("empty", v.code, {"what": "Indikator"}))
        problems += _weights_problem(
            [d.weight for d in v.indicators], f"indikator {v.code}", v.code, required=False
        )
        for d in v.indicators:
            if not d.items:
                add(Problem("empty", d.code, {"what": "Butir"}))
            problems += _weights_problem(
                [i.weight for i in d.items], f"butir {d.code}", d.code, required=False
            )
            for i in d.items:
                if not i.units:
                    add(Problem("item.no_unit", i.code, {"code": i.code}))
                for unit in i.units:
                    if unit not in unit_codes:
                        add(Problem("item.unknown_unit", i.code, {"code": i.code, "unit": unit}))
    return problems


# --- writing ----------------------------------------------------------------------------


def _clean(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


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
        "categories": spec.categories,
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
    except yaml.YAMLError as exc:
        raise InstrumentError(
            [Problem("file.syntax", "", {"detail": str(exc).splitlines()[0]})]
        ) from exc
    return spec_from_dict(data)


def dump_yaml(spec: InstrumentSpec) -> str:
    return yaml.safe_dump(spec_to_dict(spec), allow_unicode=True, sort_keys=False, width=100)
