"""The IKOTAN engine on small hand-computed cases, plus properties checked with hypothesis."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotan.method.engine import (
    ENGINE_VERSION,
    STATUS_INSUFFICIENT,
    STATUS_OK,
    ResponseMatrix,
    ResponseRow,
    ScoringError,
    ScoringOptions,
    competition_ranks,
    score,
)
from kotan.method.spec import InstrumentSpec
from tests.support.engine import (
    SINGLE,
    Indicator,
    Instrument,
    Item,
    Variable,
    everything,
    people,
    run,
    single,
    survey,
)

# --- aggregation rules ------------------------------------------------------------------


def test_missing_and_tidak_tahu_are_left_out_not_counted_as_zero() -> None:
    result = run(
        people(
            "15.04",
            [
                {"a": 4, "b": None, "c": 1, "d": 3},
                {"a": 2, "b": None, "c": None, "d": 1},  # c: "tidak tahu"
                {"a": 3, "c": 4},  # b and d not answered at all
            ],
        )
    )
    regency = result.regency("15.04")
    # Nobody answered b: I1 is a alone, (4 + 2 + 3) / 3 = 3.
    assert regency.indicators["I1"] == pytest.approx(3.0)
    # c: (1 + 4) / 2, the "tidak tahu" is not a zero.
    assert regency.indicators["I2"] == pytest.approx(2.5)
    assert regency.variables["V1"] == pytest.approx(2.75)
    assert regency.variables["V2"] == pytest.approx(2.0)
    assert regency.index == pytest.approx(0.6 * 2.75 + 0.4 * 2.0)  # 2.45
    assert regency.missing_variables == ()


def test_unavailable_indicator_gives_its_weight_to_the_others() -> None:
    result = run(people("15.04", [{"a": 4, "b": 2, "d": 1}, {"a": 2, "b": 4, "d": 1}]))
    regency = result.regency("15.04")
    assert regency.indicators["I2"] is None
    assert regency.variables["V1"] == pytest.approx(3.0)  # I1 alone, not (3 + 0) / 2
    assert regency.index == pytest.approx(0.6 * 3.0 + 0.4 * 1.0)


def test_a_missing_variable_leaves_the_regency_without_index_category_or_rank() -> None:
    # 15.04 answers V1 only. Renormalising over the available variables would give it the
    # index 4.0 (first place, and the top of the 2022 range); the method has no such index.
    rows = (
        people("15.04", [{"a": 4, "b": 4, "c": 4}])
        + people("15.01", [everything(3)])
        + people("15.02", [everything(2)])
    )
    result = run(rows, scheme="2022", bootstrap=20, seed=1)
    regency = result.regency("15.04")
    assert regency.variables == {"V1": 4.0, "V2": None}
    assert regency.indicators == {"I1": 4.0, "I2": 4.0, "I3": None}
    assert regency.missing_variables == ("V2",)
    assert regency.status == STATUS_INSUFFICIENT
    assert regency.n_respondents == 1
    assert (regency.index, regency.index_100, regency.category) == (None, None, None)
    assert (regency.rank_national, regency.rank_province, regency.rank_equal_weights) == (
        None,
        None,
        None,
    )
    assert (regency.index_ci, regency.rank_ci, regency.p_same_category) == (None, None, None)
    # The others are ranked, and the 2022 range is theirs: 2..3, not 2..4.
    assert [result.regency(c).rank_national for c in ("15.01", "15.02")] == [1, 2]
    assert result.regency("15.01").rank_province == 1
    assert (result.bands[0].lower, result.bands[-1].upper) == (2.0, 3.0)
    assert result.regency("15.01").rank_ci == (1, 1)  # not (2, 2) behind 15.04
    assert result.regency("15.02").rank_ci == (2, 2)
    assert result.to_dict()["regencies"][2]["missing_variables"] == ["V2"]


def test_explicit_item_weights_are_renormalised_over_answered_items() -> None:
    weighted = Instrument(
        1,
        4,
        (
            Variable(
                "V",
                1.0,
                (
                    Indicator(
                        "I",
                        (Item("a", weight=0.5), Item("b", weight=0.25), Item("c", weight=0.25)),
                    ),
                ),
            ),
        ),
    )
    both = run(people("15.04", [{"a": 4, "b": 1, "c": 1}]), instrument=weighted)
    assert both.regency("15.04").index == pytest.approx(0.5 * 4 + 0.25 * 1 + 0.25 * 1)
    without_c = run(people("15.04", [{"a": 4, "b": 1}]), instrument=weighted)
    assert without_c.regency("15.04").index == pytest.approx((0.5 * 4 + 0.25 * 1) / 0.75)


def test_pooled_weighs_respondents_and_unit_balanced_weighs_units() -> None:
    rows = people("15.04", [everything(4)] * 3, unit="gov") + people(
        "15.04", [everything(1)], unit="biz"
    )
    pooled = run(rows, aggregation="pooled").regency("15.04")
    balanced = run(rows, aggregation="unit-balanced").regency("15.04")
    assert pooled.index == pytest.approx((3 * 4 + 1) / 4)  # 3.25
    assert balanced.index == pytest.approx((4 + 1) / 2)  # 2.5
    assert pooled.n_by_unit == {"biz": 1, "gov": 3}


def test_unit_balanced_averages_only_the_units_that_answered() -> None:
    rows = (
        single("15.04", [4, 4])
        + people("15.04", [{"q": None}], unit="biz")
        + people("15.04", [{"q": 2}], unit="edu")
    )
    result = run(rows, instrument=SINGLE, aggregation="unit-balanced")
    assert result.regency("15.04").index == pytest.approx((4 + 2) / 2)


def test_index_100_rescales_the_answer_scale() -> None:
    five_point = Instrument(1, 5, (Variable("V", 1.0, (Indicator("I", (Item("q"),)),)),))
    result = run(single("15.01", [4]) + single("15.02", [1]) + single("15.03", [5]), five_point)
    assert [r.index_100 for r in result.regencies] == [75.0, 0.0, 100.0]


def test_index_lies_exactly_on_the_scale_when_everyone_gives_the_top_score() -> None:
    thirds = Instrument(1, 4, (Variable("V", 1.0, (Indicator("I", tuple(map(Item, "abc"))),)),))
    regency = run(people("15.04", [dict.fromkeys("abc", 4)]), thirds).regency("15.04")
    assert regency.index == 4.0
    assert regency.index_100 == 100.0


# --- categories -------------------------------------------------------------------------


def test_preset_2019_classifies_index_100() -> None:
    rows = single("15.01", [1, 1, 1, 2, 3]) + single("15.02", [4]) + single("15.03", [2.5])
    result = run(rows, instrument=SINGLE, scheme="2019")
    # 1.6 on 1..4 is 20 (in float64 20.000000000000004): still the lowest band.
    assert [r.category for r in result.regencies] == [
        "tidak_tanggap",
        "sangat_tanggap",
        "cukup_tanggap",
    ]
    assert result.method.scheme == "2019"


def test_preset_2021_classifies_index_100() -> None:
    rows = single("15.01", [1.75]) + single("15.02", [3.25]) + single("15.03", [2.5, 2.5])
    result = run(rows, instrument=SINGLE, scheme="2021")
    assert [r.category for r in result.regencies] == [
        "kurang_tanggap",
        "tanggap",
        "cukup_tanggap",
    ]


def test_preset_2022_bands_come_from_the_ranked_regencies() -> None:
    rows = (
        single("15.01", [2, 3, 3, 3, 2])  # 2.6
        + single("15.02", [3])
        + single("15.03", [3.5])
        + single("15.04", [4])
    )
    result = run(rows, instrument=SINGLE, scheme="2022")
    assert result.bands[0].lower == pytest.approx(2.6)
    assert result.bands[-1].upper == 4.0
    assert [r.category for r in result.regencies] == [
        "cukup_tanggap",
        "cukup_tanggap",
        "tanggap",
        "sangat_tanggap",
    ]


def test_fixed_bands_must_cover_the_scale_they_classify() -> None:
    from kotan.method.categories import Band, FixedBands

    narrow = FixedBands("narrow", "answer", (Band("low", "Low", 1.0, 2.0),))
    with pytest.raises(ScoringError) as error:
        run(single("15.04", [3]), instrument=SINGLE, scheme=narrow)
    assert error.value.code == "categories.coverage"


# --- ranks ------------------------------------------------------------------------------


def test_ties_share_the_rank_and_the_next_rank_is_skipped() -> None:
    rows = (
        single("15.01", [3.5])
        + single("15.02", [3, 3])
        + single("15.03", [2, 4])  # 3 by another route
        + single("15.04", [2])
    )
    result = run(rows, instrument=SINGLE)
    assert [r.rank_national for r in result.regencies] == [1, 2, 2, 4]


def test_float_noise_does_not_split_a_tie() -> None:
    ranks = competition_ranks([0.1 + 0.2, 0.3, 0.2, float("nan")])  # type: ignore[arg-type]
    assert ranks[:3].tolist() == [1.0, 1.0, 3.0]
    assert ranks[3] != ranks[3]  # NaN: no rank


def test_province_ranks_are_within_the_province() -> None:
    rows = (
        single("11.01", [3])
        + single("15.01", [2])
        + single("15.02", [3.5])
        + single("15.03", [2.5])
    )
    result = run(rows, instrument=SINGLE)
    national = {r.regency_code: r.rank_national for r in result.regencies}
    province = {r.regency_code: r.rank_province for r in result.regencies}
    assert national == {"11.01": 2, "15.01": 4, "15.02": 1, "15.03": 3}
    assert province == {"11.01": 1, "15.01": 3, "15.02": 1, "15.03": 2}
    assert result.regency("15.03").province_code == "15"


def test_too_few_respondents_give_scores_but_no_category_rank_or_range() -> None:
    rows = single("15.01", [1, 1]) + single("15.02", [2, 3, 3]) + single("15.03", [4, 4, 4])
    result = run(rows, instrument=SINGLE, min_respondents=3, scheme="2022")
    small = result.regency("15.01")
    assert small.status == STATUS_INSUFFICIENT
    assert small.index == 1.0
    assert small.category is None
    assert small.rank_national is None
    assert small.rank_province is None
    assert small.rank_equal_weights is None
    # The equal-interval range is that of the ranked regencies only: 2.667..4, not 1..4.
    assert result.bands[0].lower == pytest.approx(8 / 3)
    assert result.regency("15.02").rank_national == 2
    assert result.regency("15.02").category == "cukup_tanggap"


def test_a_listed_regency_without_respondents_is_reported_empty() -> None:
    items = ("q",)
    matrix = ResponseMatrix.from_rows(single("15.01", [3]), items, regency_codes=["15.09"])
    empty = score(SINGLE, matrix, ScoringOptions(min_respondents=1, bootstrap=5)).regency("15.09")
    assert empty.n_respondents == 0
    assert empty.status == STATUS_INSUFFICIENT
    assert empty.index is None
    assert empty.index_ci is None


# --- sensitivity ------------------------------------------------------------------------


def test_equal_variable_weights_and_rank_shift() -> None:
    two = Instrument(
        1,
        4,
        (
            Variable("V1", 0.8, (Indicator("I1", (Item("x"),)),)),
            Variable("V2", 0.2, (Indicator("I2", (Item("y"),)),)),
        ),
    )
    rows = (
        people("15.01", [{"x": 4, "y": 1}])  # 3.4, equal weights 2.5
        + people("15.02", [{"x": 3, "y": 3.5}])  # 3.1, equal weights 3.25
        + people("15.03", [{"x": 2, "y": 4}])  # 2.4, equal weights 3.0
    )
    result = run(rows, instrument=two)
    assert [r.rank_national for r in result.regencies] == [1, 2, 3]
    assert [r.rank_equal_weights for r in result.regencies] == [3, 1, 2]
    assert [r.rank_shift for r in result.regencies] == [2, -1, -1]
    assert result.max_rank_shift == 2


# --- bootstrap --------------------------------------------------------------------------


def test_bootstrap_is_reproducible_with_the_same_seed() -> None:
    first = run(survey(), bootstrap=100, seed=7, min_respondents=10)
    again = run(survey(), bootstrap=100, seed=7, min_respondents=10)
    assert first.to_dict() == again.to_dict()


def test_bootstrap_changes_with_another_seed() -> None:
    first = run(survey(), bootstrap=100, seed=7, min_respondents=10)
    other = run(survey(), bootstrap=100, seed=8, min_respondents=10)
    assert [r.index_ci for r in first.regencies] != [r.index_ci for r in other.regencies]
    assert [r.index for r in first.regencies] == [r.index for r in other.regencies]


def test_bootstrap_intervals_hold_the_point_estimate() -> None:
    result = run(survey(), bootstrap=200, seed=3, min_respondents=10, aggregation="unit-balanced")
    ranked = [r for r in result.regencies if r.status == STATUS_OK]
    assert len(ranked) == 4
    for regency in ranked:
        assert regency.index_ci is not None and regency.rank_ci is not None
        low, high = regency.index_ci
        assert low < regency.index < high  # type: ignore[operator]
        assert 1 <= regency.rank_ci[0] <= regency.rank_ci[1] <= len(ranked)
        assert regency.p_same_category is not None
        assert 0.0 <= regency.p_same_category <= 1.0
    small = result.regency("15.09")
    assert small.index_ci == (2.0, 2.0)  # one respondent: nothing to resample
    assert small.rank_ci is None
    assert small.p_same_category is None


def test_bootstrap_of_a_regency_does_not_depend_on_the_other_regencies() -> None:
    alone = run(survey(regencies=("15.01",)), bootstrap=50, seed=5)
    together = run(survey(), bootstrap=50, seed=5)
    assert alone.regency("15.01").index_ci == together.regency("15.01").index_ci


def test_without_bootstrap_there_are_no_uncertainty_figures() -> None:
    regency = run(survey()).regency("15.01")
    assert regency.index_ci is None
    assert regency.rank_ci is None
    assert regency.p_same_category is None


# --- output and input checks ------------------------------------------------------------


def test_to_dict_is_json_ready_and_records_the_method() -> None:
    result = run(survey(), bootstrap=20, seed=2, min_respondents=10)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["method"]["engine_version"] == ENGINE_VERSION
    assert data["method"]["bootstrap"] == 20
    assert data["method"]["seed"] == 2
    assert data["method"]["min_respondents"] == 10
    assert data["method"]["aggregation"] == "pooled"
    required = {
        "regency_code",
        "n_respondents",
        "status",
        "variables",
        "index",
        "index_100",
        "category",
        "rank_national",
        "rank_province",
        "index_ci",
        "rank_ci",
        "p_same_category",
    }
    for regency in data["regencies"]:
        assert required <= regency.keys()
    assert data == result.to_dict()


@pytest.mark.parametrize(
    ("instrument", "code"),
    [
        (
            Instrument(1, 4, (Variable("V", 0.9, (Indicator("I", (Item("q"),)),)),)),
            "weights.sum",
        ),
        (
            Instrument(
                1,
                4,
                (Variable("V", 1.0, (Indicator("I", (Item("q", 1.0), Item("r"))),)),),
            ),
            "weights.partial",
        ),
        (Instrument(4, 1, (Variable("V", 1.0, (Indicator("I", (Item("q"),)),)),)), "scale.order"),
        (
            Instrument(1, 4, (Variable("V", 1.0, (Indicator("V", (Item("q"),)),)),)),
            "code.duplicate",
        ),
    ],
)
def test_malformed_instruments_are_refused(instrument: Instrument, code: str) -> None:
    with pytest.raises(ScoringError) as error:
        run(single("15.04", [3]), instrument=instrument)
    assert error.value.code == code


def test_zero_is_refused_because_missing_answers_must_be_none() -> None:
    with pytest.raises(ScoringError) as error:
        run(single("15.04", [3, 0]), instrument=SINGLE)
    assert error.value.code == "answer.out_of_scale"


def test_answers_to_unknown_items_are_refused() -> None:
    with pytest.raises(ScoringError) as error:
        run(people("15.04", [{"q": 3, "zz": 2}]), instrument=SINGLE)
    assert error.value.code == "answer.unknown_item"


def test_an_answer_from_a_unit_that_is_not_asked_is_refused() -> None:
    family_only = Instrument(
        1, 4, (Variable("V", 1.0, (Indicator("I", (Item("q", units=("fam",)),)),)),)
    )
    run(people("15.04", [{"q": None}], unit="gov"), instrument=family_only)  # skipping is fine
    with pytest.raises(ScoringError) as error:
        run(people("15.04", [{"q": 3}], unit="gov"), instrument=family_only)
    assert error.value.code == "answer.wrong_unit"


def test_respondent_ids_must_be_unique() -> None:
    rows = [ResponseRow("r1", "15.04", "gov", {"q": 3}), ResponseRow("r1", "15.05", "gov", {})]
    with pytest.raises(ScoringError) as error:
        ResponseMatrix.from_rows(rows, ("q",))
    assert error.value.code == "code.duplicate"


def test_unknown_aggregation_is_refused() -> None:
    with pytest.raises(ScoringError) as error:
        ScoringOptions(aggregation="median")
    assert error.value.code == "aggregation.unknown"


def test_engine_does_not_import_django() -> None:
    code = (
        "import sys, kotan.method.engine, kotan.method.categories; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    # A fresh interpreter: under pytest-django this process has Django loaded anyway.
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0  # noqa: S603


# --- properties -------------------------------------------------------------------------


def positive_weights(draw: st.DrawFn, n: int) -> list[float | None]:
    """None everywhere (equal weights) or n positive weights adding up to 1."""
    if not draw(st.booleans()):
        return [None] * n
    raw = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    return [r / sum(raw) for r in raw]


@st.composite
def surveys(draw: st.DrawFn) -> tuple[InstrumentSpec, list[ResponseRow]]:
    low = draw(st.integers(min_value=0, max_value=2))
    high = low + draw(st.integers(min_value=1, max_value=6))
    n_variables = draw(st.integers(min_value=1, max_value=3))
    raw = draw(st.lists(st.integers(1, 5), min_size=n_variables, max_size=n_variables))
    variables = []
    item_codes = []
    for v in range(n_variables):
        indicators = []
        n_indicators = draw(st.integers(min_value=1, max_value=2))
        for d, d_weight in enumerate(positive_weights(draw, n_indicators)):
            n_items = draw(st.integers(min_value=1, max_value=3))
            items = []
            for i, i_weight in enumerate(positive_weights(draw, n_items)):
                items.append(Item(f"q{v}{d}{i}", weight=i_weight))
                item_codes.append(f"q{v}{d}{i}")
            indicators.append(Indicator(f"I{v}{d}", tuple(items), weight=d_weight))
        variables.append(Variable(f"V{v}", raw[v] / sum(raw), tuple(indicators)))
    instrument = Instrument(low, high, tuple(variables))
    score_value = st.one_of(
        st.none(),
        st.integers(min_value=low, max_value=high).map(float),
        st.floats(min_value=low, max_value=high),
    )
    rows = []
    for n in range(draw(st.integers(min_value=1, max_value=25))):
        answers = {code: draw(score_value) for code in item_codes}
        rows.append(
            ResponseRow(
                respondent_id=f"r{n}",
                regency_code=draw(st.sampled_from(["11.01", "15.01", "15.02", "15.04"])),
                unit_code=draw(st.sampled_from(["gov", "com", "fam"])),
                answers=answers,
            )
        )
    return instrument, rows


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def item_means(rows: Sequence[ResponseRow], regency: str, balanced: bool) -> dict[str, float]:
    """Item scores of one regency computed plainly, by the rule, for the properties below."""
    by_item: dict[str, dict[str, list[float]]] = {}
    for row in rows:
        if row.regency_code != regency:
            continue
        for code, value in row.answers.items():
            if value is not None:
                by_item.setdefault(code, {}).setdefault(row.unit_code, []).append(value)
    means = {}
    for code, units in by_item.items():
        if balanced:
            unit_means = [sum(v) / len(v) for v in units.values()]
            means[code] = sum(unit_means) / len(unit_means)
        else:
            values = [x for v in units.values() for x in v]
            means[code] = sum(values) / len(values)
    return means


def within(value: float | None, bounds: Sequence[float]) -> bool:
    """``value`` in [min, max] of ``bounds``, give or take float rounding (1e-12 relative)."""
    if value is None:
        return not bounds
    slack = 1e-12 * max(1.0, *map(abs, bounds))
    return min(bounds) - slack <= value <= max(bounds) + slack


@FAST
@given(case=surveys(), aggregation=st.sampled_from(["pooled", "unit-balanced"]))
def test_every_level_lies_within_the_item_scores_below_it(
    case: tuple[InstrumentSpec, list[ResponseRow]], aggregation: str
) -> None:
    # A weighted mean with positive weights lies between the values it averages: tighter than
    # the answer scale, so the engine's final clip to the scale cannot make this hold.
    instrument, rows = case
    result = run(rows, instrument=instrument, min_respondents=2, aggregation=aggregation)
    for regency in result.regencies:
        means = item_means(rows, regency.regency_code, aggregation == "unit-balanced")
        all_items = []
        for variable in instrument.variables:
            variable_items = []
            for indicator in variable.indicators:
                answered = [means[i.code] for i in indicator.items if i.code in means]
                assert within(regency.indicators[indicator.code], answered)
                variable_items += answered
            assert within(regency.variables[variable.code], variable_items)
            all_items += variable_items
        if regency.index is not None:
            assert within(regency.index, all_items)
            assert regency.missing_variables == ()
        else:
            assert regency.missing_variables
        assert regency.index_100 is None or 0.0 <= regency.index_100 <= 100.0


@FAST
@given(
    case=surveys(),
    order=st.randoms(use_true_random=False),
    aggregation=st.sampled_from(["pooled", "unit-balanced"]),
)
def test_results_do_not_depend_on_row_order(
    case: tuple[InstrumentSpec, list[ResponseRow]], order: random.Random, aggregation: str
) -> None:
    instrument, rows = case
    shuffled = list(rows)
    order.shuffle(shuffled)
    options = {"min_respondents": 2, "bootstrap": 8, "seed": 11, "aggregation": aggregation}
    first = run(rows, instrument=instrument, **options)
    second = run(shuffled, instrument=instrument, **options)
    assert first.to_dict() == second.to_dict()
