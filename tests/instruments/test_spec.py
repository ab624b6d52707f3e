"""Instrument spec: YAML round trip and every malformed-file rule (no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kotan.method.spec import (
    InstrumentError,
    dump_yaml,
    load_yaml,
    spec_from_dict,
    spec_to_dict,
)


def small() -> dict[str, Any]:
    return {
        "code": "uji",
        "year": 2026,
        "version": 1,
        "title": "Instrumen uji",
        "scale": {"min": 1, "max": 4},
        "answer_options": [
            {"code": "1", "label": "Tidak pernah", "score": 1},
            {"code": "4", "label": "Selalu", "score": 4},
            {"code": "TT", "label": "Tidak tahu", "score": None},
        ],
        "units": [
            {"code": "gov", "name": "Pemerintah", "quota": 40},
            {"code": "fam", "name": "Keluarga", "quota": 50},
        ],
        "variables": [
            {
                "code": "MAS",
                "name": "Masyarakat",
                "weight": 0.6,
                "indicators": [
                    {
                        "code": "MAS1",
                        "name": "Partisipasi",
                        "items": [
                            {"code": "MAS1_01", "text": "Satu", "units": ["gov"]},
                            {"code": "MAS1_02", "text": "Dua", "units": ["gov", "fam"]},
                        ],
                    },
                ],
            },
            {
                "code": "KEL",
                "name": "Keluarga",
                "weight": 0.4,
                "indicators": [
                    {
                        "code": "KEL1",
                        "name": "Keharmonisan",
                        "weight": 1.0,
                        "items": [
                            {"code": "KEL1_01", "text": "Tiga", "units": ["fam"], "weight": 0.5},
                            {"code": "KEL1_02", "text": "Empat", "units": ["fam"], "weight": 0.5},
                        ],
                    },
                ],
            },
        ],
    }


def problem_codes(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InstrumentError) as excinfo:
        spec_from_dict(data)
    return [p.code for p in excinfo.value.problems]


def test_yaml_round_trip_is_exact() -> None:
    spec = spec_from_dict(small())
    text = dump_yaml(spec)
    assert load_yaml(text) == spec
    assert dump_yaml(load_yaml(text)) == text
    assert spec_from_dict(spec_to_dict(spec)) == spec


def test_tidak_tahu_has_no_score() -> None:
    spec = spec_from_dict(small())
    assert [o.score for o in spec.answer_options] == [1.0, 4.0, None]


def test_weights_not_summing_to_one() -> None:
    data = small()
    data["variables"][0]["weight"] = 0.5
    with pytest.raises(InstrumentError) as excinfo:
        spec_from_dict(data)
    [problem] = excinfo.value.problems
    assert problem.code == "weights.sum"
    assert "berjumlah 0.9, seharusnya 1" in problem.message()
    assert "add up to 0.9" in problem.message("en")


def test_duplicate_codes() -> None:
    data = small()
    data["variables"][1]["indicators"][0]["items"][1]["code"] = "MAS1_01"
    assert problem_codes(data) == ["code.duplicate"]


def test_item_without_unit_and_unknown_unit() -> None:
    data = small()
    data["variables"][0]["indicators"][0]["items"][0]["units"] = []
    data["variables"][0]["indicators"][0]["items"][1]["units"] = ["edu"]
    assert problem_codes(data) == ["item.no_unit", "item.unknown_unit"]


def test_partial_item_weights() -> None:
    data = small()
    del data["variables"][1]["indicators"][0]["items"][1]["weight"]
    assert problem_codes(data) == ["weights.partial"]


def test_every_problem_is_reported_at_once() -> None:
    data = copy.deepcopy(small())
    data["scale"] = {"min": 4, "max": 1}
    data["aggregation"] = "median"
    data["categories"] = "2030"
    data["units"][0]["quota"] = 0
    data["variables"][0]["weight"] = "banyak"
    codes = problem_codes(data)
    for code in (
        "scale.order",
        "aggregation.unknown",
        "categories.unknown",
        "unit.quota",
        "field.type",
        "weights.sum",
    ):
        assert code in codes


def test_option_score_outside_the_scale() -> None:
    data = small()
    data["answer_options"][1]["score"] = 5
    assert problem_codes(data) == ["option.out_of_scale"]


def test_broken_yaml_is_a_clear_error() -> None:
    with pytest.raises(InstrumentError) as excinfo:
        load_yaml("code: [unclosed")
    [problem] = excinfo.value.problems
    assert problem.code == "file.yaml_at"
    # PyYAML's own (English) explanation never reaches the Indonesian message
    assert problem.message("id") == (
        "Berkas tidak dapat dibaca: YAML tidak sah di baris 1 kolom 16."
    )
    assert problem.message("en") == "The file cannot be read: invalid YAML at line 1, column 16."
    with pytest.raises(InstrumentError) as excinfo:
        load_yaml("- just\n- a list\n")
    assert [p.code for p in excinfo.value.problems] == ["file.not_mapping"]


def test_the_shipped_example_instrument_has_the_public_ikotan_structure() -> None:
    from pathlib import Path

    import kotan

    path = Path(kotan.__file__).parent / "method" / "data" / "ikotan_contoh.yaml"
    spec = load_yaml(path.read_text(encoding="utf-8"))
    assert spec.is_example and "CONTOH" in spec.title
    weights = {v.code: v.weight for v in spec.variables}
    assert weights == {"MAS": 0.25, "WIL": 0.20, "LEM": 0.25, "HUK": 0.20, "KEL": 0.10}
    assert sum(len(v.indicators) for v in spec.variables) == 16
    assert all(i.text.startswith("[CONTOH] ") for i in spec.items)
    assert sum(u.quota for u in spec.units) == 180
    family = next(v for v in spec.variables if v.code == "KEL")
    assert {u for d in family.indicators for i in d.items for u in i.units} == {"fam"}
    assert [o.score for o in spec.answer_options][-1] is None  # "tidak tahu"


# --- shapes that used to end in a traceback ---------------------------------------------


def located(data: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(code, location, field) of every problem."""
    with pytest.raises(InstrumentError) as excinfo:
        spec_from_dict(data)
    return [(p.code, p.location, p.params.get("field")) for p in excinfo.value.problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.__setitem__("variables", "abc"), ("field.type", "", "variables")),
        (lambda d: d.__setitem__("units", {"gov": 40}), ("field.type", "", "units")),
        (lambda d: d.__setitem__("answer_options", 5), ("field.type", "", "answer_options")),
        (
            lambda d: d["variables"][0].__setitem__("indicators", "abc"),
            ("field.type", "variables[1]", "indicators"),
        ),
        (
            lambda d: d["variables"][1]["indicators"][0].__setitem__("items", ["x", "y"]),
            ("entry.type", "variables[2].indicators[1].items[1]", None),
        ),
        (
            lambda d: d["variables"][0].__setitem__("indicators", [None]),
            ("entry.type", "variables[1].indicators[1]", None),
        ),
        (
            lambda d: d["variables"][0]["indicators"][0]["items"][0].__setitem__("units", 5),
            ("field.type", "variables[1].indicators[1].items[1]", "units"),
        ),
        (
            lambda d: d["variables"][0]["indicators"][0]["items"][0].__setitem__(
                "units", [{"gov": 1}]
            ),
            ("field.type", "variables[1].indicators[1].items[1]", "units"),
        ),
        (lambda d: d.__setitem__("scale", 5), ("field.type", "", "scale")),
        (lambda d: d.__setitem__("categories", ["2022"]), ("field.type", "", "categories")),
    ],
)
def test_a_wrong_shape_is_a_located_problem_not_a_traceback(
    change: Any, expected: tuple[str, str, str | None]
) -> None:
    data = small()
    change(data)
    assert expected in located(data)


def test_a_file_that_is_not_a_mapping() -> None:
    for data in (None, [1, 2], "teks", 5):
        assert [p[0] for p in located(data)] == ["file.not_mapping"]  # type: ignore[arg-type]


def test_unknown_keys_are_refused_not_ignored() -> None:
    data = small()
    data["min_respondent"] = 25  # misspelt: never silently the default of 30
    data["variables"][0]["indicators"][0]["items"][0]["weigth"] = 0.5
    assert located(data) == [
        ("field.unknown", "", "min_respondent"),
        ("field.unknown", "variables[1].indicators[1].items[1]", "weigth"),
    ]


def test_an_alias_bomb_is_refused_before_it_is_walked() -> None:
    k = 100  # 100 variables x 100 indicators x 100 items from a few kilobytes of aliases
    text = (
        "it: &it {code: I, text: t, units: [gov]}\n"
        f"items: &items [{', '.join(['*it'] * k)}]\n"
        "ind: &ind {code: D, name: d, items: *items}\n"
        f"inds: &inds [{', '.join(['*ind'] * k)}]\n"
        "var: &var {code: V, name: v, weight: 1, indicators: *inds}\n"
        f"variables: [{', '.join(['*var'] * k)}]\n"
    )
    assert len(text) < 10_000
    with pytest.raises(InstrumentError) as excinfo:
        load_yaml(text)
    assert [p.code for p in excinfo.value.problems] == ["file.too_many_entries"]


# --- numbers the database would refuse ---------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("year", -5),
        ("year", 0),
        ("year", 1999),
        ("year", 2101),
        ("version", -1),
        ("version", 0),
        ("version", 2**31),
        ("min_respondents", 0),
        ("min_respondents", -3),
    ],
)
def test_year_version_and_min_respondents_must_be_in_range(key: str, value: int) -> None:
    data = small()
    data[key] = value
    with pytest.raises(InstrumentError) as excinfo:
        spec_from_dict(data)
    [problem] = excinfo.value.problems
    assert (problem.code, problem.params["field"], problem.params["value"]) == (
        "field.range",
        key,
        value,
    )
    assert f"bukan {value}" in problem.message()


def test_only_a_missing_key_takes_the_default() -> None:
    data = small()
    for key in ("version", "min_respondents", "categories", "is_example", "aggregation"):
        data.pop(key, None)
    spec = spec_from_dict(data)
    assert (spec.version, spec.min_respondents, spec.categories) == (1, 30, "2022")
    assert (spec.is_example, spec.aggregation) == (False, "pooled")


@pytest.mark.parametrize("bound", [float("nan"), float("inf"), float("-inf")])
def test_the_scale_must_be_finite(bound: float) -> None:
    data = small()
    data["scale"] = {"min": 1, "max": bound}
    assert ("field.finite", "scale", "max") in located(data)


def test_the_scale_minimum_must_be_below_the_maximum() -> None:
    data = small()
    data["scale"] = {"min": 4, "max": 4}
    assert ("scale.order", "scale", None) in located(data)


def test_quota_too_large_for_the_database() -> None:
    data = small()
    data["units"][0]["quota"] = 2**31
    assert located(data) == [("field.range", "units[1]", "quota")]


def test_nan_weight_is_not_a_number_the_engine_can_use() -> None:
    data = small()
    data["variables"][1]["indicators"][0]["items"][0]["weight"] = float("nan")
    assert ("field.finite", "variables[2].indicators[1].items[1]", "weight") in located(data)


# --- values that used to be accepted or changed silently ---------------------------------


@pytest.mark.parametrize("value", ["tidak", "false", "ya", "no!", 0, 1, "True"])
def test_is_example_takes_a_real_boolean_only(value: Any) -> None:
    data = small()
    data["is_example"] = value
    [problem] = located(data)
    assert problem == ("field.type", "", "is_example")


def test_yaml_booleans_are_booleans() -> None:
    assert load_yaml(dump_yaml(spec_from_dict(small()))).is_example is False
    text = dump_yaml(spec_from_dict(small())).replace("is_example: false", "is_example: true")
    assert load_yaml(text).is_example is True


@pytest.mark.parametrize("key", ["version", "min_respondents", "year"])
def test_a_boolean_is_not_a_whole_number(key: str) -> None:
    data = small()
    data[key] = True
    assert located(data) == [("field.type", "", key)]


def test_a_boolean_is_not_a_score_nor_a_weight() -> None:
    data = small()
    data["answer_options"][1]["score"] = True
    data["variables"][1]["weight"] = True
    found = located(data)
    assert ("field.type", "answer_options[2]", "score") in found
    assert ("field.type", "variables[2]", "weight") in found


def test_an_item_naming_a_unit_twice() -> None:
    data = small()
    data["variables"][0]["indicators"][0]["items"][1]["units"] = ["gov", "fam", "gov"]
    with pytest.raises(InstrumentError) as excinfo:
        spec_from_dict(data)
    [problem] = excinfo.value.problems
    assert (problem.code, problem.location) == (
        "item.duplicate_unit",
        "variables[1].indicators[1].items[2]",
    )
    assert problem.message() == (
        "variables[1].indicators[1].items[2]: "
        "Butir 'MAS1_02' menyebut unit observasi 'gov' lebih dari sekali."
    )


def test_two_answer_options_with_the_same_label_or_code() -> None:
    data = small()
    data["answer_options"].append({"code": "TT2", "label": "tidak tahu ", "score": None})
    data["answer_options"].append({"code": "4", "label": "Empat", "score": 4})
    assert located(data) == [
        ("code.duplicate", "answer_options[5]", None),
        ("label.duplicate", "answer_options[4]", None),
    ]


def test_duplicates_are_reported_where_they_repeat() -> None:
    data = small()
    data["variables"][1]["indicators"][0]["items"][1]["code"] = "MAS1_01"
    data["units"][1]["code"] = "gov"
    found = located(data)
    assert ("code.duplicate", "units[2]", None) in found
    assert ("code.duplicate", "variables[2].indicators[1].items[2]", None) in found


@pytest.mark.parametrize(
    ("path", "key", "limit"),
    [
        ((), "code", 60),
        ((), "title", 200),
        (("answer_options", 0), "code", 40),
        (("answer_options", 0), "label", 200),
        (("units", 0), "name", 100),
        (("variables", 0), "code", 40),
        (("variables", 0), "name", 200),
    ],
)
def test_text_longer_than_its_database_column(path: tuple[Any, ...], key: str, limit: int) -> None:
    data = small()
    target: Any = data
    for step in path:
        target = target[step]
    target[key] = "x" * limit
    spec_from_dict(data)  # exactly at the limit: fine
    target[key] = "x" * (limit + 1)
    with pytest.raises(InstrumentError) as excinfo:
        spec_from_dict(data)
    too_long = [p for p in excinfo.value.problems if p.code == "field.too_long"]
    assert [(p.params["field"], p.params["limit"], p.params["length"]) for p in too_long] == [
        (key, limit, limit + 1)
    ]


def test_an_item_code_longer_than_its_column() -> None:
    data = small()
    data["variables"][0]["indicators"][0]["items"][0]["code"] = "B" * 41
    assert located(data) == [("field.too_long", "variables[1].indicators[1].items[1]", "code")]


def test_the_spec_limits_are_the_database_columns() -> None:
    from kotan.instruments import models
    from kotan.method import spec as limits

    def length(model: Any, field: str) -> int:
        return int(model._meta.get_field(field).max_length)

    assert length(models.Instrument, "code") == limits.INSTRUMENT_CODE_LENGTH
    assert length(models.Instrument, "title") == limits.TITLE_LENGTH
    assert length(models.Instrument, "category_name") == limits.CATEGORIES_NAME_LENGTH
    for model in (models.AnswerOption, models.ObservationUnit, models.Variable, models.Item):
        assert length(model, "code") == limits.CODE_LENGTH
    assert length(models.AnswerOption, "label") == limits.LABEL_LENGTH
    assert length(models.ObservationUnit, "name") == limits.UNIT_NAME_LENGTH
    assert length(models.Variable, "name") == limits.NAME_LENGTH
    assert length(models.Indicator, "name") == limits.NAME_LENGTH
    from kotan.scoring.models import RegencyResult

    assert length(RegencyResult, "category") == limits.CATEGORY_CODE_LENGTH
    assert max(len(name) for name in limits.CATEGORY_PRESETS) <= limits.CATEGORIES_NAME_LENGTH


def test_a_nul_character_is_refused() -> None:
    data = small()
    data["title"] = "Judul\x00"
    assert located(data) == [("field.nul", "", "title")]


# --- category schemes in the file --------------------------------------------------------


def fixed_scheme() -> dict[str, Any]:
    return {
        "kind": "fixed",
        "scale": "answer",
        "bands": [
            {"code": "kurang", "label": "Kurang Tanggap", "lower": 1, "upper": 2.5},
            {"code": "cukup", "label": "Cukup Tanggap", "lower": 2.5, "upper": 3.25},
            {"code": "tanggap", "label": "Tanggap", "lower": 3.25, "upper": 4},
        ],
    }


def equal_scheme() -> dict[str, Any]:
    return {
        "kind": "equal_interval",
        "k": 2,
        "labels": [
            {"code": "rendah", "label": "Rendah"},
            {"code": "tinggi", "label": "Tinggi"},
        ],
    }


def test_the_new_published_preset_is_a_known_name() -> None:
    data = small()
    data["categories"] = "2022-terbit"
    assert spec_from_dict(data).categories == "2022-terbit"
    data["categories"] = 2022  # unquoted in YAML
    assert spec_from_dict(data).categories == "2022"


def test_custom_schemes_round_trip_through_yaml_exactly() -> None:
    from kotan.method.categories import EqualIntervals, FixedBands

    for scheme in (fixed_scheme(), equal_scheme()):
        data = small()
        data["categories"] = scheme
        spec = spec_from_dict(data)
        assert isinstance(spec.categories, FixedBands | EqualIntervals)
        assert spec.categories.name == "custom"
        text = dump_yaml(spec)
        assert load_yaml(text) == spec
        assert dump_yaml(load_yaml(text)) == text
    assert spec_from_dict(data).categories.scale == "answer"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s.__setitem__("kind", "quantile"), ("categories.kind", "categories", "kind")),
        (lambda s: s.__setitem__("scale", "percent"), ("categories.scale", "categories", "scale")),
        (lambda s: s.pop("scale"), ("field.missing", "categories", "scale")),
        (
            lambda s: s["bands"][1].__setitem__("lower", 2.4),
            ("categories.gap", "categories.bands[2]", "lower"),
        ),
        (
            lambda s: s["bands"][2].__setitem__("upper", 3.0),
            ("categories.band_order", "categories.bands[3]", None),
        ),
        (
            lambda s: s["bands"][2].__setitem__("code", "cukup"),
            ("code.duplicate", "categories.bands[3]", None),
        ),
        (
            lambda s: s["bands"][2].__setitem__("lower", True),
            ("field.type", "categories.bands[3]", "lower"),
        ),
        (
            lambda s: s.__setitem__("bands", s["bands"][:1]),
            ("categories.too_few", "categories", None),
        ),
        (
            lambda s: s["bands"][2].__setitem__("upper", 4.5),
            ("categories.coverage", "categories", None),
        ),
        (
            lambda s: s["bands"][0].__setitem__("lower", 1.5),
            ("categories.coverage", "categories", None),
        ),
        (
            lambda s: s["bands"][0].__setitem__("code", "k" * 41),
            ("field.too_long", "categories.bands[1]", "code"),
        ),
        (lambda s: s.__setitem__("name", "2022"), ("field.unknown", "categories", "name")),
    ],
)
def test_a_fixed_scheme_is_fully_validated(
    change: Any, expected: tuple[str, str, str | None]
) -> None:
    data = small()
    scheme = fixed_scheme()
    change(scheme)
    data["categories"] = scheme
    assert located(data) == [expected]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s.__setitem__("k", 3), ("categories.count", "categories", "k")),
        (
            lambda s: (s.__setitem__("k", 1), s.__setitem__("labels", s["labels"][:1])),
            ("categories.too_few", "categories", None),
        ),
        (lambda s: s.pop("k"), ("field.missing", "categories", "k")),
        (
            lambda s: s["labels"][1].__setitem__("code", "rendah"),
            ("code.duplicate", "categories.labels[2]", None),
        ),
        (
            lambda s: s["labels"][1].__setitem__("label", "rendah"),
            ("label.duplicate", "categories.labels[2]", None),
        ),
        (lambda s: s.__setitem__("bands", []), ("field.unknown", "categories", "bands")),
    ],
)
def test_an_equal_interval_scheme_is_fully_validated(
    change: Any, expected: tuple[str, str, str | None]
) -> None:
    data = small()
    scheme = equal_scheme()
    change(scheme)
    data["categories"] = scheme
    assert located(data) == [expected]


def test_a_fixed_scheme_on_the_0_100_scale_covers_0_to_100() -> None:
    data = small()
    data["categories"] = {
        "kind": "fixed",
        "scale": "0-100",
        "bands": [
            {"code": "a", "label": "A", "lower": 0, "upper": 50},
            {"code": "b", "label": "B", "lower": 50, "upper": 100},
        ],
    }
    assert spec_from_dict(data).categories.scale == "0-100"  # type: ignore[union-attr]
    data["categories"]["bands"][1]["upper"] = 4
    data["categories"]["bands"][0]["upper"] = 2
    data["categories"]["bands"][1]["lower"] = 2
    assert located(data) == [("categories.coverage", "categories", None)]


def test_the_published_2022_table_must_lie_on_the_answer_scale() -> None:
    data = small()
    data["categories"] = "2022-terbit"
    data["scale"] = {"min": 0, "max": 3}
    data["answer_options"][1]["score"] = 3
    assert located(data) == [("categories.outside", "categories", None)]


def test_a_custom_scheme_is_usable_by_the_engine() -> None:
    from kotan.method.engine import ResponseMatrix, ResponseRow, ScoringOptions, score

    data = small()
    data["categories"] = fixed_scheme()
    spec = spec_from_dict(data)
    codes = [i.code for i in spec.items]

    def answers(regency: str, value: float) -> list[ResponseRow]:
        return [
            ResponseRow(
                f"{regency}-{unit}",
                regency,
                unit,
                {i.code: value for i in spec.items if unit in i.units},
            )
            for unit in ("gov", "fam")
        ]

    rows = answers("15.01", 2.5) + answers("15.02", 3.0) + answers("15.03", 4.0)
    matrix = ResponseMatrix.from_rows(rows, codes)
    result = score(spec, matrix, ScoringOptions(min_respondents=1, scheme=spec.categories))
    # every item answered with the same value: the index is that value
    assert [r.category for r in result.regencies] == ["kurang", "cukup", "tanggap"]
    assert result.method.scheme == "custom"


# --- digest ------------------------------------------------------------------------------


def test_spec_digest_names_the_exact_content() -> None:
    import hashlib

    from kotan.method.spec import spec_digest

    spec = spec_from_dict(small())
    digest = spec_digest(spec)
    assert digest == hashlib.sha256(dump_yaml(spec).encode("utf-8")).hexdigest()
    assert len(digest) == 64
    assert spec_digest(load_yaml(dump_yaml(spec))) == digest
    data = small()
    data["variables"][0]["weight"], data["variables"][1]["weight"] = 0.4, 0.6
    assert spec_digest(spec_from_dict(data)) != digest
