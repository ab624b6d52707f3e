"""The engine's counting, ranking, category and bootstrap rules on cases small enough to compute
by hand (or, for the bootstrap, by replaying the documented per-regency generator)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from kotan.method import engine
from kotan.method.categories import Band, FixedBands
from kotan.method.engine import (
    CI_PERCENTILES,
    STATUS_INSUFFICIENT,
    STATUS_OK,
    ResponseMatrix,
    ResponseRow,
    ScoringOptions,
    ScoringResult,
    score,
)
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


def rows_of(regency: str, unit: str, values: Sequence[float | None]) -> list[ResponseRow]:
    return people(regency, [{"q": v} for v in values], unit=unit)


# --- respondents without any scored answer ------------------------------------------------


def test_rows_without_a_scored_answer_are_not_respondents() -> None:
    # 15.01: one real respondent and 29 blank rows (nothing filled in, or "tidak tahu"
    # everywhere). With a minimum of 2 it must not be ranked on that one respondent.
    blank: list[dict[str, float | None]] = [{}] * 14 + [dict.fromkeys("abcd")] * 15
    rows = (
        people("15.01", [everything(4), *blank[:20]], unit="gov")
        + people("15.01", blank[20:], unit="com")
        + people("15.02", [everything(2), {"d": 3}], unit="gov")  # d alone is an answer
    )
    assert sum(r.regency_code == "15.01" for r in rows) == 30
    result = run(rows, min_respondents=2)
    short = result.regency("15.01")
    assert (short.n_respondents, short.n_rows) == (1, 30)
    assert short.n_by_unit == {"gov": 1}  # com sent only blank rows
    assert short.status == STATUS_INSUFFICIENT
    assert short.index == 4.0  # reported, not ranked
    assert short.rank_national is None and short.category is None
    counted = result.regency("15.02")
    assert (counted.n_respondents, counted.n_rows, counted.status) == (2, 2, STATUS_OK)
    assert counted.rank_national == 1
    assert result.to_dict()["regencies"][0]["n_rows"] == 30


def test_blank_rows_change_nothing_but_the_row_count() -> None:
    # Blank rows in a stratum would be drawn by the bootstrap and thin out its replicates.
    base = survey()
    blanks = people("15.01", [{}] * 5, unit="gov") + people("15.01", [{"a": None}] * 4, "biz")
    options: dict[str, Any] = {
        "bootstrap": 60,
        "seed": 4,
        "min_respondents": 10,
        "aggregation": "unit-balanced",
    }
    without = run(base, **options).to_dict()
    with_blanks = run(base + blanks, **options).to_dict()
    changed = next(r for r in with_blanks["regencies"] if r["regency_code"] == "15.01")
    assert (changed["n_rows"], changed["n_respondents"]) == (24 + 9, 24)
    changed["n_rows"] = 24
    assert with_blanks == without


# --- a variable can vanish from a bootstrap replicate --------------------------------------


def test_a_replicate_without_a_variable_has_no_index_there() -> None:
    # 15.04, one stratum of four: only respondent 0 answers d (the only item of V2). A
    # replicate that does not draw respondent 0 has no V2 and so no index; everyone answers 4
    # otherwise, so the index is 4.0 whenever it exists ("sangat tanggap" in 2021).
    rows = people("15.04", [{"a": 4, "d": 4}, {"a": 4}, {"a": 4}, {"a": 4}])
    b, seed = 400, 9
    result = run(rows, bootstrap=b, seed=seed, scheme="2021")
    regency = result.regency("15.04")
    assert regency.index == 4.0 and regency.category == "sangat_tanggap"
    # Replay: one generator per regency, one (B x stratum size) draw per stratum; rows are
    # in respondent id order, so respondent 0 is row 0.
    rng = np.random.default_rng([seed, zlib.crc32(b"15.04")])
    draws = rng.integers(0, 4, size=(b, 4))
    has_v2 = (draws == 0).any(axis=1)
    assert 0.5 < has_v2.mean() < 0.85  # 1 - (3/4)^4 = 0.684 expected
    assert regency.p_same_category == has_v2.mean()  # a replicate without index: a change
    assert regency.index_ci == (4.0, 4.0)  # percentiles of the replicates with an index
    assert regency.rank_ci == (1, 1)


# --- the bootstrap keeps every stratum's size ---------------------------------------------


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("unit-balanced", (4 + 1) / 2), ("pooled", (3 * 4 + 2 * 1) / 5)],
)
def test_bootstrap_keeps_each_units_count(aggregation: str, expected: float) -> None:
    # Every gov answers 4, every com answers 1. Resampling within (regency, unit) keeps three
    # gov and two com in every replicate, so the index never moves: unit-balanced 2.5, pooled
    # 14/5. Resampling the regency as a whole would mix 0..5 gov per replicate.
    rows = rows_of("15.04", "gov", [4, 4, 4]) + rows_of("15.04", "com", [1, 1])
    regency = run(rows, instrument=SINGLE, bootstrap=200, seed=3, aggregation=aggregation).regency(
        "15.04"
    )
    assert regency.index == pytest.approx(expected)
    assert regency.index_ci == (regency.index, regency.index)
    assert regency.p_same_category == 1.0


# --- percentiles of the rank, and the probability of keeping the category --------------------


def test_identical_replicates_give_point_intervals_and_certainty() -> None:
    # Every respondent of a regency gives the same answer: every replicate is the data itself.
    rows = (
        single("15.01", [3, 3, 3])
        + single("15.02", [2, 2])
        + single("15.03", [3])
        + single("11.01", [1, 1])
    )
    result = run(rows, instrument=SINGLE, bootstrap=50, seed=1, scheme="2022")
    assert [r.rank_national for r in result.regencies] == [4, 1, 3, 1]
    for regency in result.regencies:
        assert regency.rank_national is not None
        assert regency.rank_ci == (regency.rank_national, regency.rank_national)
        assert regency.index_ci == (regency.index, regency.index)
        assert regency.p_same_category == 1.0


def test_rank_interval_is_the_5th_to_95th_percentile_of_the_replicated_ranks() -> None:
    # 15.01 has two respondents, 1 and 4: a replicate draws two of them, so its index is 1, 2.5
    # or 4 (probability 1/4, 1/2, 1/4). 15.02 is always 2.5 and 15.03 always 2.
    #   15.01 = 4   -> ranks 15.01: 1, 15.02: 2, 15.03: 3
    #   15.01 = 2.5 -> ranks 1, 1, 3 (a tie)
    #   15.01 = 1   -> ranks 3, 1, 2
    # Every outcome has far more than 5 % of 200 replicates, so the 5th-95th percentile of the
    # rank ("lower" and "higher" methods: ranks stay whole) spans all of it.
    rows = single("15.01", [1, 4]) + single("15.02", [2.5, 2.5]) + single("15.03", [2, 2])
    b, seed = 200, 5
    result = run(rows, instrument=SINGLE, bootstrap=b, seed=seed, scheme="2021")
    assert CI_PERCENTILES == (5.0, 95.0)
    assert [r.rank_national for r in result.regencies] == [1, 1, 3]
    assert [r.rank_ci for r in result.regencies] == [(1, 3), (1, 2), (2, 3)]
    varying = result.regency("15.01")
    assert varying.index_ci == (1.0, 4.0)
    # 2.5 is 50 on 0-100: "cukup tanggap" (25, 50]; 1 and 4 are other categories. Replaying
    # the documented generator gives the exact share of replicates that stay at 2.5.
    draws = np.random.default_rng([seed, zlib.crc32(b"15.01")]).integers(0, 2, size=(b, 2))
    replicated = np.array([1.0, 4.0])[draws].mean(axis=1)
    assert varying.p_same_category == np.mean(replicated == 2.5)
    low, high = np.percentile(replicated, CI_PERCENTILES)
    assert varying.index_ci == (low, high)
    assert result.regency("15.02").p_same_category == 1.0
    assert result.regency("15.03").p_same_category == 1.0


def test_intervals_are_the_5th_and_95th_percentiles_of_the_replicates() -> None:
    # 15.01: ten different answers, so its replicated index takes many values (steps of
    # 0.025); six regencies with one fixed answer each, off that grid, spread its rank over
    # 1..7. Replaying the generator gives every replicate; the intervals must be its 5th and
    # 95th percentiles (linear for the index, "lower"/"higher" for the whole-number rank).
    answers = [1.0, 1.5, 2.0, 2.25, 2.5, 3.0, 3.25, 3.5, 3.75, 4.0]
    fixed = {"15.02": 2.2137, "15.03": 2.4511, "15.04": 2.6023, "15.05": 2.7489}
    fixed |= {"15.06": 2.9017, "15.07": 3.1503}
    rows = single("15.01", answers)
    for code, value in fixed.items():
        rows += single(code, [value])
    b, seed = 1000, 12
    regency = run(rows, instrument=SINGLE, bootstrap=b, seed=seed).regency("15.01")
    draws = np.random.default_rng([seed, zlib.crc32(b"15.01")]).integers(0, 10, size=(b, 10))
    replicated = np.array(answers)[draws].mean(axis=1)
    ranks = 1 + (np.array(list(fixed.values()))[None, :] > replicated[:, None]).sum(axis=1)
    assert regency.index_ci == pytest.approx(tuple(np.percentile(replicated, [5, 95])), abs=1e-12)
    assert regency.rank_ci == (
        int(np.percentile(ranks, 5, method="lower")),
        int(np.percentile(ranks, 95, method="higher")),
    )
    # The case tells those percentiles from their neighbours.
    assert np.percentile(replicated, 2.5) < np.percentile(replicated, 5)
    assert np.percentile(replicated, 95) < np.percentile(replicated, 97.5)
    assert regency.rank_ci[0] < regency.rank_ci[1]  # type: ignore[index]


# --- fixed bands on the answer scale ------------------------------------------------------


def test_fixed_bands_on_the_answer_scale_classify_the_index_itself() -> None:
    bands = FixedBands(
        "jawaban",
        "answer",
        (
            Band("rendah", "Rendah", 1.0, 2.0),
            Band("sedang", "Sedang", 2.0, 3.0),
            Band("tinggi", "Tinggi", 3.0, 4.0),
        ),
    )
    values: dict[str, list[float]] = {
        "15.01": [1],
        "15.02": [2],
        "15.03": [2, 3],
        "15.04": [2, 4],
        "15.05": [3.5, 4],
    }
    rows = [row for code, v in values.items() for row in single(code, v)]
    result = run(rows, instrument=SINGLE, scheme=bands)
    # (lower, upper], the lowest band with its lower bound; 2.5 is not rescaled to 50.
    assert {r.regency_code: r.category for r in result.regencies} == {
        "15.01": "rendah",
        "15.02": "rendah",
        "15.03": "sedang",
        "15.04": "sedang",
        "15.05": "tinggi",
    }
    assert result.method.scheme_scale == "answer"
    assert [(b.lower, b.upper) for b in result.bands] == [(1.0, 2.0), (2.0, 3.0), (3.0, 4.0)]


# --- ranks within a province ------------------------------------------------------------------


def test_ties_within_a_province_share_the_province_rank() -> None:
    rows = (
        single("15.01", [3])
        + single("15.02", [2, 4])  # 3 as well
        + single("15.03", [3.5])
        + single("15.04", [1])
        + single("11.01", [4])
    )
    result = run(rows, instrument=SINGLE)
    national = {r.regency_code: r.rank_national for r in result.regencies}
    province = {r.regency_code: r.rank_province for r in result.regencies}
    assert national == {"11.01": 1, "15.03": 2, "15.01": 3, "15.02": 3, "15.04": 5}
    assert province == {"11.01": 1, "15.03": 1, "15.01": 2, "15.02": 2, "15.04": 4}


# --- BLAS threads -------------------------------------------------------------------------


def test_bootstrap_runs_with_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    from threadpoolctl import threadpool_info

    if not any(pool["user_api"] == "blas" for pool in threadpool_info()):
        pytest.skip("numpy is not linked to a BLAS that threadpoolctl can see")
    seen: list[int] = []
    original = engine._bootstrap_index

    def spy(*args: Any) -> Any:
        seen.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return original(*args)

    monkeypatch.setattr(engine, "_bootstrap_index", spy)
    run(survey(), bootstrap=5, seed=1)
    assert seen and set(seen) == {1}


# --- the matrix entry points keep working with the new counts ------------------------------


def test_a_regency_listed_without_rows_has_no_rows_and_no_respondents() -> None:
    matrix = ResponseMatrix.from_rows(single("15.01", [3]), ("q",), regency_codes=["15.09"])
    result: ScoringResult = score(SINGLE, matrix, ScoringOptions(min_respondents=1))
    empty = result.regency("15.09")
    assert (empty.n_respondents, empty.n_rows, empty.n_by_unit) == (0, 0, {})
    assert empty.missing_variables == ("V",)


def test_missing_variables_are_named_in_instrument_order() -> None:
    three = Instrument(
        1,
        4,
        (
            Variable("X", 0.5, (Indicator("IX", (Item("x"),)),)),
            Variable("Y", 0.25, (Indicator("IY", (Item("y"),)),)),
            Variable("Z", 0.25, (Indicator("IZ", (Item("z"),)),)),
        ),
    )
    regency = run(people("15.04", [{"y": 2}]), instrument=three).regency("15.04")
    assert regency.missing_variables == ("X", "Z")
    assert regency.variables == {"X": None, "Y": 2.0, "Z": None}
    assert regency.status == STATUS_INSUFFICIENT and regency.index is None


def test_partial_fixed_bands_leave_values_outside_without_category_but_ranked() -> None:
    # A published table over the observed range only (2.6-4.0 on a 1-4 scale): not refused
    # for leaving 1-2.6 uncovered; an index there is scored and ranked, with no category.
    table = FixedBands(
        "tabel",
        "answer",
        (Band("cukup", "Cukup", 2.6, 3.064), Band("tanggap", "Tanggap", 3.064, 4.0)),
        partial=True,
    )
    rows = single("15.01", [2, 3]) + single("15.02", [3]) + single("15.03", [3, 4])
    result = run(rows, instrument=SINGLE, scheme=table, bootstrap=10, seed=1)
    assert [r.category for r in result.regencies] == [None, "cukup", "tanggap"]
    assert [r.rank_national for r in result.regencies] == [3, 2, 1]
    assert result.regency("15.01").status == STATUS_OK
