"""Index runs: read a period's answers from the database, score them, store the snapshot.

Reading is vectorised: the answers come out of one ``values_list`` query straight into a
numpy record array (response id, item id, score), and ids become rows and columns with
``np.unique``/``np.searchsorted``; no Python object per answer is ever built.

The input digest proves what a run read. Per regency it is the SHA-256 of::

    b"kotan-input-v1\\n" + "<regency code>\\n" + "<item codes, tab-separated>\\n"
    + one "<receipt number>\\t<unit code>\\n" per counted response, by receipt number
    + the score matrix of those responses (little-endian float64, row-major, NaN = no score)
    + the answer-row matrix (one byte per cell: 1 = an answer row exists, "tidak tahu" too)

and the run's digest is the SHA-256 of ``b"kotan-run-input-v1\\n"`` followed by one
"<regency code> <regency digest>\\n" per assigned regency, by code. Excluded responses are not
part of it; excluding one changes the digest of its regency and of the run.

Decisions:
- Only national admins compute runs, provisional or final: the ranking is national, so a
  run by a province would move every other province's ranks. Everyone with a region scope
  reads the results of their region.
- A final run needs either every assignment of the period to be ``final`` (verified by the
  province and finalised nationally) or the period to be ``locked``. A ``closed`` period is
  not enough: filling has stopped but verification (and exclusions) may still be under way.
- The bootstrap seed defaults to the period's year, so anyone can reproduce a published run
  from the method printed with it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from kotan.accounts.actions import acting_as
from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, has_capability
from kotan.collection.models import Answer, Assignment, Period, Response
from kotan.instruments.models import Instrument, Item
from kotan.instruments.queries import published_spec
from kotan.method.categories import CUSTOM, SchemeError
from kotan.method.engine import (
    FLAT_COLUMNS,
    ResponseMatrix,
    ScoringError,
    ScoringOptions,
    ScoringResult,
    score,
)
from kotan.method.problems import Problem, ProblemsError, register_messages
from kotan.method.spec import InstrumentSpec
from kotan.method.tables import scoring_problem
from kotan.regions.models import Regency
from kotan.scoring.models import IndexRun, RegencyResult

DIGEST_VERSION = b"kotan-input-v1\n"
RUN_DIGEST_VERSION = b"kotan-run-input-v1\n"
READ_CHUNK = 50_000
_ANSWER_ROW = np.dtype([("response", np.int64), ("item", np.int64), ("score", np.float64)])

register_messages(
    {
        "run.role": (
            "Hanya admin nasional yang dapat menghitung indeks.",
            "Only national admins can compute the index.",
        ),
        "run.final_not_allowed": (
            "Perhitungan final hanya dapat dilakukan bila semua penugasan berstatus final atau "
            "periode sudah dikunci ({final} dari {total} penugasan final; status periode: "
            "{status}).",
            "A final run needs every assignment to be final or the period to be locked "
            "({final} of {total} assignments final; period status: {status}).",
        ),
        "run.no_assignments": (
            "Periode ini belum menugaskan kabupaten/kota mana pun.",
            "This period has no assigned regencies/cities yet.",
        ),
        "run.foreign_item": (
            "Indeks tidak dapat dihitung: ada jawaban untuk butir dari instrumen lain.",
            "The index cannot be computed: an answer names an item of another instrument.",
        ),
    }
)


class RunError(ProblemsError):
    """A run that may not (or cannot) be computed."""


def default_seed(period: Period) -> int:
    """The bootstrap seed of a period's runs unless one is given: its year."""
    return period.year


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RunInput:
    """What a run reads: the matrix, its digests and the counts shown with the results."""

    matrix: ResponseMatrix
    digest: str
    regency_digests: Mapping[str, str]
    n_answers: Mapping[str, int]  # answers with a score, per regency
    n_excluded: Mapping[str, int]  # excluded responses (not counted), per regency


def response_matrix(
    period: Period, spec: InstrumentSpec | None = None
) -> tuple[ResponseMatrix, str]:
    """Every counted (not excluded) response of the period, and the digest of that input."""
    data = read_input(period, spec)
    return data.matrix, data.digest


def read_input(
    period: Period,
    spec: InstrumentSpec | None = None,
    *,
    instrument: Instrument | None = None,
    regency: Regency | None = None,
) -> RunInput:
    """Read the answers of ``period`` (of one ``regency`` only, if given) into arrays.

    Every assigned regency is listed, with or without responses. The answers are read in one
    statement, so they are one consistent snapshot; responses are never deleted, so the
    second query (receipt numbers, units, regencies) always finds the ones the answers name.
    """
    instrument = instrument or period.instrument
    spec = spec or published_spec(instrument)
    item_codes = tuple(i.code for i in spec.items)
    assignments = Assignment.objects.filter(period=period).order_by()
    if regency is not None:
        assignments = assignments.filter(regency=regency)
    assigned = sorted(assignments.values_list("regency__code", "pk"))
    regency_codes = np.array([code for code, _pk in assigned], dtype=str)
    assignment_ids = [pk for _code, pk in assigned]
    # By assignment id rather than through the period: one join fewer over every answer.
    answers = Answer.objects.filter(
        response__assignment_id__in=assignment_ids, response__excluded=False
    )
    responses = Response.objects.filter(assignment_id__in=assignment_ids).order_by()

    rows = answers.order_by().values_list("response_id", "item_id", "score")
    table = np.fromiter(rows.iterator(chunk_size=READ_CHUNK), dtype=_ANSWER_ROW)
    response_ids, row = np.unique(table["response"], return_inverse=True)

    column_of_code = {code: j for j, code in enumerate(item_codes)}
    item_pairs = sorted(Item.objects.filter(instrument=instrument).values_list("pk", "code"))
    item_ids = np.array([pk for pk, _code in item_pairs], dtype=np.int64)
    column_of_id = np.array([column_of_code[code] for _pk, code in item_pairs], dtype=np.intp)
    at = np.searchsorted(item_ids, table["item"])
    if len(table) and (at.max() >= len(item_ids) or (item_ids[at] != table["item"]).any()):
        raise RunError([Problem("run.foreign_item", "")])
    column = column_of_id[at]

    # Receipt number, regency and unit of every response of the period (excluded ones too:
    # they are counted for display, and a superset is what the answers need).
    meta = sorted(
        responses.values_list(
            "pk", "receipt_number", "assignment__regency__code", "unit__code", "excluded"
        )
    )
    pks, receipt_col, regency_col, unit_col, excluded_col = (
        tuple(zip(*meta, strict=True)) if meta else ((), (), (), (), ())
    )
    at_meta = np.searchsorted(np.array(pks, dtype=np.int64), response_ids)
    receipts = np.array(receipt_col, dtype=str)[at_meta]
    regency_of = np.array(regency_col, dtype=str)
    unit_of = np.array(unit_col, dtype=str)[at_meta]
    excluded = np.array(excluded_col, dtype=bool)

    # Canonical row order: regency code, then receipt number.
    respondent_regency = regency_of[at_meta]
    order = np.lexsort((receipts, respondent_regency))
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    row = rank[row]
    receipts, unit_of, respondent_regency = (
        receipts[order],
        unit_of[order],
        respondent_regency[order],
    )

    scores = np.full((len(order), len(item_codes)), np.nan)
    present = np.zeros((len(order), len(item_codes)), dtype=np.uint8)
    scored = ~np.isnan(table["score"])
    scores[row[scored], column[scored]] = table["score"][scored]
    present[row, column] = 1

    unit_codes, unit_index = np.unique(unit_of, return_inverse=True)
    regency_index = np.searchsorted(regency_codes, respondent_regency)
    matrix = ResponseMatrix(
        item_codes=item_codes,
        regency_codes=tuple(regency_codes.tolist()),
        unit_codes=tuple(unit_codes.tolist()),
        respondent_ids=tuple(receipts.tolist()),
        scores=scores,
        regency_index=regency_index,
        unit_index=unit_index,
    )
    answered = np.isfinite(scores).sum(axis=1)
    n_regencies = len(regency_codes)
    n_answers = np.bincount(regency_index, weights=answered, minlength=n_regencies)
    excluded_at = np.searchsorted(regency_codes, regency_of[excluded])
    n_excluded = np.bincount(excluded_at, minlength=n_regencies)

    bounds = np.searchsorted(respondent_regency, regency_codes, side="left")
    ends = np.searchsorted(respondent_regency, regency_codes, side="right")
    header = "\t".join(item_codes).encode() + b"\n"
    regency_digests = {}
    for code, start, end in zip(regency_codes.tolist(), bounds, ends, strict=True):
        regency_digests[code] = _regency_digest(
            code,
            header,
            receipts[start:end],
            unit_of[start:end],
            scores[start:end],
            present[start:end],
        )
    run_digest = hashlib.sha256(RUN_DIGEST_VERSION)
    for code in regency_codes.tolist():
        run_digest.update(f"{code} {regency_digests[code]}\n".encode())
    return RunInput(
        matrix=matrix,
        digest=run_digest.hexdigest(),
        regency_digests=regency_digests,
        n_answers=dict(zip(regency_codes.tolist(), n_answers.astype(int).tolist(), strict=True)),
        n_excluded=dict(zip(regency_codes.tolist(), n_excluded.tolist(), strict=True)),
    )


def _regency_digest(
    code: str,
    header: bytes,
    receipts: NDArray[np.str_],
    units: NDArray[np.str_],
    scores: NDArray[np.float64],
    present: NDArray[np.uint8],
) -> str:
    digest = hashlib.sha256(DIGEST_VERSION)
    digest.update(f"{code}\n".encode())
    digest.update(header)
    digest.update(
        "".join(
            f"{r}\t{u}\n" for r, u in zip(receipts.tolist(), units.tolist(), strict=True)
        ).encode()
    )
    digest.update(np.ascontiguousarray(scores, dtype="<f8").tobytes())
    digest.update(np.ascontiguousarray(present, dtype=np.uint8).tobytes())
    return digest.hexdigest()


# --- computing and storing -----------------------------------------------------------------


@dataclass(frozen=True)
class FinalReadiness:
    allowed: bool
    n_final: int
    n_total: int
    period_status: str


def final_readiness(period: Period) -> FinalReadiness:
    """Whether a final run may be computed now (the rule is in the module docstring)."""
    statuses = list(
        Assignment.objects.filter(period=period).order_by().values_list("status", flat=True)
    )
    n_final = sum(1 for s in statuses if s == Assignment.Status.FINAL)
    allowed = bool(statuses) and (n_final == len(statuses) or period.status == Period.Status.LOCKED)
    return FinalReadiness(allowed, n_final, len(statuses), period.status)


def _json(value: Any) -> Any:
    """The JSON round trip every stored JSON value goes through (and recompute compares)."""
    return json.loads(json.dumps(value, allow_nan=False))


def _options(method: Mapping[str, Any], instrument: Instrument) -> ScoringOptions:
    # A scheme defined in the instrument file is stored as "custom": it is the run's
    # instrument's own, which cannot change once published.
    scheme = instrument.categories if method["scheme"] == CUSTOM else method["scheme"]
    return ScoringOptions(
        aggregation=method["aggregation"],
        min_respondents=method["min_respondents"],
        scheme=scheme,
        bootstrap=method["bootstrap"],
        seed=method["seed"],
    )


def _method_only(result: ScoringResult) -> dict[str, Any]:
    m = result.method
    return {
        "engine_version": m.engine_version,
        "aggregation": m.aggregation,
        "scheme": m.scheme,
        "scheme_scale": m.scheme_scale,
        "min_respondents": m.min_respondents,
        "bootstrap": m.bootstrap,
        "seed": m.seed,
        "ci_percentiles": list(m.ci_percentiles),
        "rank_decimals": m.rank_decimals,
        "boundary_tolerance": m.boundary_tolerance,
    }


def _run_values(result: ScoringResult, data: RunInput) -> dict[str, Any]:
    return {
        "engine_version": result.method.engine_version,
        "method": _json(_method_only(result)),
        "bands": _json(
            [
                {"code": b.code, "label": b.label, "lower": b.lower, "upper": b.upper}
                for b in result.bands
            ]
        ),
        "input_digest": data.digest,
        "n_responses": data.matrix.n_respondents,
        "n_answers": sum(data.n_answers.values()),
        "max_rank_shift": result.max_rank_shift,
    }


def _regency_values(result: ScoringResult, data: RunInput) -> dict[str, dict[str, Any]]:
    rows = {}
    for r in result.regencies:
        rows[r.regency_code] = {
            **r.flat(),
            "category": r.category or "",
            "n_by_unit": _json(dict(r.n_by_unit)),
            "n_answers": data.n_answers[r.regency_code],
            "n_excluded": data.n_excluded[r.regency_code],
            "input_digest": data.regency_digests[r.regency_code],
            "variables": _json(dict(r.variables)),
            "indicators": _json(dict(r.indicators)),
        }
    return rows


RUN_FIELDS = (
    "engine_version",
    "method",
    "bands",
    "input_digest",
    "n_responses",
    "n_answers",
    "max_rank_shift",
)
# Every stored value of a regency's result: the engine's flat columns and the run's input.
RESULT_FIELDS = (
    *FLAT_COLUMNS,
    "n_by_unit",
    "n_answers",
    "n_excluded",
    "input_digest",
    "variables",
    "indicators",
)


def _score(spec: InstrumentSpec, data: RunInput, options: ScoringOptions) -> ScoringResult:
    try:
        return score(spec, data.matrix, options)
    except (ScoringError, SchemeError) as exc:
        raise RunError([scoring_problem(exc)]) from exc


def refusal(actor: User, period: Period, final: bool) -> RunError | None:
    """Why ``actor`` may not compute this run now, or None (checked again when it runs)."""
    if not has_capability(actor, Capability.COMPUTE_RESULTS):
        return RunError([Problem("run.role", "")])
    readiness = final_readiness(period)
    if not readiness.n_total:
        return RunError([Problem("run.no_assignments", "")])
    if final and not readiness.allowed:
        return RunError(
            [
                Problem(
                    "run.final_not_allowed",
                    "",
                    {
                        "final": readiness.n_final,
                        "total": readiness.n_total,
                        "status": period.get_status_display(),
                    },
                )
            ]
        )
    return None


Progress = Callable[[int, int, str], None]
RUN_STEPS = 3  # read the answers, score (with the bootstrap), store


def _no_progress(done: int, total: int, note: str) -> None:
    """A run computed without anyone watching."""


def compute_run(
    *,
    actor: User,
    period: Period,
    final: bool = False,
    bootstrap: int = 1000,
    seed: int | None = None,
    progress: Progress = _no_progress,
) -> IndexRun:
    """Compute the index of every assigned regency from the database and store it as a run.

    ``progress(done, total, note)`` hears of each stage (a background job shows it)."""
    period = Period.objects.select_related("instrument").get(pk=period.pk)
    refused = refusal(actor, period, final)
    if refused is not None:
        raise refused
    started = time.perf_counter()
    instrument = period.instrument
    spec = published_spec(instrument)
    progress(0, RUN_STEPS, _("Membaca jawaban"))
    data = read_input(period, spec, instrument=instrument)
    options = ScoringOptions(
        aggregation=instrument.aggregation,
        min_respondents=instrument.min_respondents,
        scheme=instrument.categories,
        bootstrap=bootstrap,
        seed=default_seed(period) if seed is None else seed,
    )
    progress(
        1,
        RUN_STEPS,
        _("Menghitung indeks dan %(b)d replikasi bootstrap untuk %(n)d kabupaten/kota")
        % {"b": bootstrap, "n": len(data.matrix.regency_codes)},
    )
    result = _score(spec, data, options)
    progress(2, RUN_STEPS, _("Menyimpan hasil"))
    rows = _regency_values(result, data)
    regency_pk = dict(Regency.objects.filter(code__in=rows).values_list("code", "pk"))
    with transaction.atomic():
        run = IndexRun(
            period=period,
            kind=IndexRun.Kind.FINAL if final else IndexRun.Kind.PROVISIONAL,
            created_by=actor,
            instrument=instrument,
            instrument_year=instrument.year,
            instrument_version=instrument.version,
            duration_ms=round((time.perf_counter() - started) * 1000),
            **_run_values(result, data),
        )
        with acting_as(actor):
            run.save()
        RegencyResult.objects.bulk_create(
            [
                RegencyResult(run=run, regency_id=regency_pk[code], **values)
                for code, values in rows.items()
            ],
            batch_size=500,
        )
    progress(RUN_STEPS, RUN_STEPS, _("Hasil tersimpan"))
    return run


def differences(run: IndexRun) -> list[str]:
    """Recompute ``run`` from the current database with its stored method and seed; name every
    stored value that differs ("input_digest", "15.04.index", ...). Empty: identical."""
    period = Period.objects.get(pk=run.period_id)
    instrument = Instrument.objects.get(pk=run.instrument_id)
    spec = published_spec(instrument)
    data = read_input(period, spec, instrument=instrument)
    stored_run = IndexRun.objects.filter(pk=run.pk).values(*RUN_FIELDS).get()
    try:
        result = score(spec, data.matrix, _options(stored_run["method"], instrument))
    except (ScoringError, SchemeError):
        return ["method"]
    found = [k for k, v in _run_values(result, data).items() if stored_run[k] != v]
    stored_rows = {
        row.pop("regency__code"): row
        for row in RegencyResult.objects.filter(run=run).values("regency__code", *RESULT_FIELDS)
    }
    expected_rows = _regency_values(result, data)
    if set(stored_rows) != set(expected_rows):
        found.append("regencies")
    for code in sorted(set(stored_rows) & set(expected_rows)):
        stored, expected = stored_rows[code], expected_rows[code]
        found.extend(f"{code}.{k}" for k in RESULT_FIELDS if stored[k] != expected[k])
    return found


def recompute(run: IndexRun) -> bool:
    """True when recomputing gives every stored number bit for bit, from the same input."""
    return not differences(run)
