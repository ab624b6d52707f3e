"""Instrument spec: YAML round trip and every malformed-file rule (no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kotan.instruments.spec import (
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
    assert excinfo.value.problems[0].code == "file.syntax"
    with pytest.raises(InstrumentError):
        load_yaml("- just\n- a list\n")


def test_the_shipped_example_instrument_has_the_public_ikotan_structure() -> None:
    from pathlib import Path

    import kotan

    path = Path(kotan.__file__).parent / "instruments" / "data" / "ikotan_contoh.yaml"
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
