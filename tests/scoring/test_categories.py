"""Category schemes: the presets, the interval rule, and the boundary tolerance."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kotan.method.categories import (
    BOUNDARY_TOLERANCE,
    Band,
    Category,
    EqualIntervals,
    FixedBands,
    SchemeError,
    band_edges,
    classify,
    classify_array,
    equal_interval_edges,
    get_scheme,
    realise,
)

# The published 2022 range: lowest regency 2.600, highest 4.000, three classes of 1.4/3.
LOW, HIGH = 2.6, 4.0
FIRST_BOUNDARY = LOW + 1.4 / 3  # 3.0666...
SECOND_BOUNDARY = LOW + 2 * 1.4 / 3  # 3.5333...


def code_of(value: float, bands: tuple[Band, ...]) -> str | None:
    band = classify(value, bands)
    return None if band is None else band.code


@pytest.fixture
def bands_2022() -> tuple[Band, ...]:
    return realise(get_scheme("2022"), [3.1, LOW, 3.9, HIGH])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "tidak_tanggap"),
        (20.0, "tidak_tanggap"),
        (20.001, "kurang_tanggap"),
        (40.0, "kurang_tanggap"),
        (40.5, "cukup_tanggap"),
        (60.0, "cukup_tanggap"),
        (80.0, "tanggap"),
        (80.01, "sangat_tanggap"),
        (100.0, "sangat_tanggap"),
    ],
)
def test_preset_2019_has_five_bands_of_20(value: float, expected: str) -> None:
    scheme = get_scheme("2019")
    assert scheme.scale == "0-100"
    assert code_of(value, realise(scheme, [])) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "kurang_tanggap"),
        (25.0, "kurang_tanggap"),
        (25.0001, "cukup_tanggap"),
        (50.0, "cukup_tanggap"),
        (75.0, "tanggap"),
        (75.5, "sangat_tanggap"),
        (100.0, "sangat_tanggap"),
    ],
)
def test_preset_2021_has_four_bands_of_25(value: float, expected: str) -> None:
    scheme = get_scheme("2021")
    assert scheme.scale == "0-100"
    assert code_of(value, realise(scheme, [])) == expected


def test_preset_2022_is_three_equal_intervals_on_the_answer_scale(
    bands_2022: tuple[Band, ...],
) -> None:
    assert get_scheme("2022").scale == "answer"
    assert [b.code for b in bands_2022] == ["cukup_tanggap", "tanggap", "sangat_tanggap"]
    assert [b.label for b in bands_2022] == ["Cukup Tanggap", "Tanggap", "Sangat Tanggap"]
    assert bands_2022[0].lower == LOW
    assert bands_2022[-1].upper == HIGH
    widths = [b.upper - b.lower for b in bands_2022]
    assert widths == pytest.approx([1.4 / 3] * 3, abs=1e-12)
    assert round(widths[0], 4) == 0.4667
    assert bands_2022[0].upper == pytest.approx(3.066667, abs=1e-6)
    assert bands_2022[1].upper == pytest.approx(3.533333, abs=1e-6)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.6, "cukup_tanggap"),
        (3.0, "cukup_tanggap"),
        (3.0666, "cukup_tanggap"),
        (FIRST_BOUNDARY, "cukup_tanggap"),  # upper bound inclusive
        (3.06667, "tanggap"),
        (3.0667, "tanggap"),
        (3.5333, "tanggap"),
        (SECOND_BOUNDARY, "tanggap"),
        (3.53334, "sangat_tanggap"),
        (4.0, "sangat_tanggap"),
    ],
)
def test_equal_interval_boundaries_for_2600_to_4000(
    bands_2022: tuple[Band, ...], value: float, expected: str
) -> None:
    assert code_of(value, bands_2022) == expected


def test_rule_not_the_rounded_published_table_decides(bands_2022: tuple[Band, ...]) -> None:
    # The 2022 table prints 3.064 as the top of "cukup"; the equal-width rule puts it at 3.0667.
    assert code_of(3.065, bands_2022) == "cukup_tanggap"


def test_values_within_tolerance_of_a_boundary_lie_on_it(bands_2022: tuple[Band, ...]) -> None:
    half, twice = BOUNDARY_TOLERANCE / 2, BOUNDARY_TOLERANCE * 2
    assert code_of(FIRST_BOUNDARY + half, bands_2022) == "cukup_tanggap"
    assert code_of(FIRST_BOUNDARY + twice, bands_2022) == "tanggap"
    assert code_of(FIRST_BOUNDARY - twice, bands_2022) == "cukup_tanggap"
    assert code_of(LOW - half, bands_2022) == "cukup_tanggap"
    assert code_of(LOW - twice, bands_2022) is None
    assert code_of(HIGH + half, bands_2022) == "sangat_tanggap"
    assert code_of(HIGH + twice, bands_2022) is None


def test_float_noise_on_a_fixed_boundary_stays_in_the_lower_band() -> None:
    # An index of 1.6 on a 1..4 scale is 20 on paper but 20.000000000000004 in float64.
    noisy_twenty = (1.6 - 1.0) / 3.0 * 100.0
    assert noisy_twenty != 20.0
    assert code_of(noisy_twenty, realise(get_scheme("2019"), [])) == "tidak_tanggap"


def test_equal_intervals_with_a_single_value_put_it_in_the_lowest_class() -> None:
    bands = realise(get_scheme("2022"), [3.2, 3.2])
    assert code_of(3.2, bands) == "cukup_tanggap"


def test_equal_intervals_without_values_have_no_bands() -> None:
    assert realise(get_scheme("2022"), [np.nan]) == ()
    assert classify(3.0, ()) is None
    assert classify(None, realise(get_scheme("2019"), [])) is None


def test_equal_interval_edges_end_exactly_on_the_maximum() -> None:
    edges = equal_interval_edges(0.1, 0.7, 3)
    assert edges[0] == 0.1
    assert edges[-1] == 0.7
    batch = equal_interval_edges(np.array([2.6, 1.0]), np.array([4.0, 2.0]), 3)
    assert batch.shape == (2, 4)
    assert batch[1].tolist() == pytest.approx([1.0, 4 / 3, 5 / 3, 2.0])


def test_classify_array_uses_each_replicates_own_edges() -> None:
    values = np.array([[2.6, 3.2, 4.0], [2.6, 3.2, 4.0]])
    edges = equal_interval_edges(np.array([2.6, 2.0]), np.array([4.0, 3.2]), 3)
    assert classify_array(values, edges).tolist() == [[0, 1, 2], [1, 2, -1]]
    assert classify_array([np.nan], band_edges(realise(get_scheme("2019"), []))).tolist() == [-1]


def test_fixed_bands_must_meet() -> None:
    with pytest.raises(SchemeError) as error:
        FixedBands(
            name="gap",
            scale="0-100",
            bands=(Band("a", "A", 0.0, 40.0), Band("b", "B", 50.0, 100.0)),
        )
    assert error.value.code == "categories.gap"


def test_schemes_reject_unknown_names_and_scales() -> None:
    with pytest.raises(SchemeError) as unknown:
        get_scheme("2023")
    assert unknown.value.code == "categories.unknown"
    with pytest.raises(SchemeError) as scale:
        EqualIntervals(name="x", scale="percent", categories=(Category("a", "A"),))  # type: ignore[arg-type]
    assert scale.value.code == "categories.scale"


@given(
    low=st.floats(min_value=0.0, max_value=5.0),
    width=st.floats(min_value=0.0, max_value=5.0),
    fractions=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=20),
    k=st.integers(min_value=1, max_value=6),
)
def test_every_observed_value_gets_a_class_in_value_order(
    low: float, width: float, fractions: list[float], k: int
) -> None:
    values = np.sort(np.clip(low + np.array(fractions) * width, low, low + width))
    classes = classify_array(values, equal_interval_edges(values.min(), values.max(), k))
    assert (classes >= 0).all()
    assert (classes < k).all()
    assert (np.diff(classes) >= 0).all()


# --- the published 2022/23 table as fixed bands ------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.600, "cukup_tanggap"),  # the lowest class includes its lower bound
        (2.9, "cukup_tanggap"),
        (3.064, "cukup_tanggap"),
        (3.0645, "tanggap"),  # between the printed 3.064 and 3.065: (lower, upper] puts it up
        (3.065, "tanggap"),  # the equal-interval "2022" preset says cukup here (3.0667)
        (3.532, "tanggap"),
        (3.533, "sangat_tanggap"),
        (4.000, "sangat_tanggap"),
    ],
)
def test_preset_2022_terbit_reproduces_the_published_table(value: float, expected: str) -> None:
    assert code_of(value, realise(get_scheme("2022-terbit"), [])) == expected


def test_preset_2022_terbit_gives_no_category_outside_the_published_range() -> None:
    bands = realise(get_scheme("2022-terbit"), [1.0, 4.0])  # fixed: the data does not move it
    assert code_of(2.599, bands) is None
    assert code_of(1.0, bands) is None
    assert code_of(2.6 - BOUNDARY_TOLERANCE / 2, bands) == "cukup_tanggap"
    assert code_of(4.001, bands) is None
    assert classify_array([2.0, 3.0, 3.3, 3.9], band_edges(bands)).tolist() == [-1, 0, 1, 2]


def test_preset_2022_terbit_is_fixed_partial_bands_on_the_answer_scale() -> None:
    scheme = get_scheme("2022-terbit")
    assert isinstance(scheme, FixedBands)
    assert (scheme.scale, scheme.partial) == ("answer", True)
    assert [(b.code, b.lower, b.upper) for b in scheme.bands] == [
        ("cukup_tanggap", 2.6, 3.064),
        ("tanggap", 3.064, 3.532),
        ("sangat_tanggap", 3.532, 4.0),
    ]
    # the data-driven 2022 preset (the method) is unchanged beside it
    assert isinstance(get_scheme("2022"), EqualIntervals)
    assert code_of(3.065, realise(get_scheme("2022"), [LOW, HIGH])) == "cukup_tanggap"
    assert [s.partial for s in (get_scheme("2019"), get_scheme("2021"))] == [False, False]


def test_preset_names_are_read_from_one_place() -> None:
    from kotan.method.categories import CUSTOM, PRESET_NAMES, PRESETS
    from kotan.method.commands import parser
    from kotan.method.spec import CATEGORY_PRESETS

    assert PRESET_NAMES == ("2019", "2021", "2022", "2022-terbit") == CATEGORY_PRESETS
    assert CUSTOM not in PRESETS
    common = ["score", "--instrument", "i.yaml", "--responses", "r.csv", "--output", "o.json"]
    args = parser().parse_args([*common, "--categories", "2022-terbit"])
    assert args.categories == "2022-terbit"


# --- plain form of a scheme ----------------------------------------------------------------


def test_schemes_round_trip_through_their_plain_form() -> None:
    from kotan.method.categories import scheme_from_dict, scheme_to_dict

    fixed = FixedBands(
        "custom", "answer", (Band("a", "A", 1.0, 2.5), Band("b", "B", 2.5, 2.5 + (0.1 + 0.2)))
    )
    equal = EqualIntervals("custom", "0-100", (Category("a", "A"), Category("b", "B")))
    for scheme in (fixed, equal):
        assert scheme_from_dict(scheme_to_dict(scheme)) == scheme
    assert scheme_to_dict(equal) == {
        "kind": "equal_interval",
        "scale": "0-100",
        "k": 2,
        "labels": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}],
    }
    with pytest.raises(SchemeError) as error:
        scheme_from_dict({**scheme_to_dict(equal), "k": 3})
    assert error.value.code == "categories.count"
    with pytest.raises(SchemeError) as error:
        scheme_from_dict({"kind": "quantile"})
    assert error.value.code == "categories.kind"
