"""Scoring the national synthetic set: wall time and peak memory, against a pandas baseline.

`make bench-scoring`. 514 regencies × 180 respondents × all items of the example instrument.
Each measurement runs in a fresh subprocess so that its peak memory (max RSS) is its own.
The baseline is a plain pandas group-by implementation of the same pooled method, timed in
the same script on the same data; its index must equal the engine's.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kotan.instruments.spec import InstrumentSpec, load_yaml
from kotan.regions.reference import read_reference
from kotan.scoring.engine import ResponseMatrix, ScoringOptions, score
from kotan.scoring.files import parse_responses
from kotan.scoring.synthetic import (
    SyntheticSettings,
    generate_rows,
    header,
    pick_regencies,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "src/kotan/instruments/data/ikotan_contoh.yaml"


def national_set(regencies: int, respondents: int) -> tuple[InstrumentSpec, ResponseMatrix]:
    spec = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    codes = [r.code for r in read_reference().regencies]
    settings = SyntheticSettings(pick_regencies(codes, regencies), respondents=respondents, seed=1)
    rows = [header(spec), *generate_rows(spec, settings)]
    return spec, parse_responses(rows, spec, codes)


def pandas_pooled(spec: InstrumentSpec, matrix: ResponseMatrix) -> dict[str, float]:
    """The pooled method as a data analyst would write it with pandas group-by."""
    import pandas as pd

    item_rows = [
        (i.code, d.code, v.code, v.weight)
        for v in spec.variables
        for d in v.indicators
        for i in d.items
    ]
    items = pd.DataFrame(item_rows, columns=["item", "indicator", "variable", "vweight"])
    wide = pd.DataFrame(matrix.scores, columns=list(matrix.item_codes))
    wide["regency"] = np.asarray(matrix.regency_codes)[matrix.regency_index]
    started = time.perf_counter()
    long = wide.melt(id_vars="regency", var_name="item", value_name="score").dropna()
    item_means = long.groupby(["regency", "item"], as_index=False)["score"].mean()
    merged = item_means.merge(items, on="item")
    indicators = merged.groupby(["regency", "variable", "indicator"], as_index=False)[
        "score"
    ].mean()
    variables = indicators.groupby(["regency", "variable"], as_index=False)["score"].mean()
    variables = variables.merge(items.drop_duplicates("variable")[["variable", "vweight"]])
    variables["weighted"] = variables["score"] * variables["vweight"]
    sums = variables.groupby("regency")[["weighted", "vweight"]].sum()
    index = (sums["weighted"] / sums["vweight"]).to_dict()
    pandas_pooled.seconds = time.perf_counter() - started  # type: ignore[attr-defined]
    return index


def measure(kind: str, regencies: int, respondents: int, bootstrap: int, repeat: int) -> dict:
    spec, matrix = national_set(regencies, respondents)
    times = []
    result = None
    for _ in range(repeat):
        if kind == "pandas":
            pandas_pooled(spec, matrix)
            times.append(pandas_pooled.seconds)  # type: ignore[attr-defined]
        else:
            started = time.perf_counter()
            result = score(spec, matrix, ScoringOptions(bootstrap=bootstrap, seed=1))
            times.append(time.perf_counter() - started)
    out = {
        "kind": kind,
        "bootstrap": bootstrap,
        "seconds_median": statistics.median(times) if times else None,
        "seconds_min": min(times) if times else None,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "respondents": matrix.n_respondents,
        "items": len(matrix.item_codes),
    }
    if kind == "pandas" and times:
        engine = score(spec, matrix, ScoringOptions())
        baseline = pandas_pooled(spec, matrix)
        out["max_abs_diff_vs_engine"] = max(
            abs(r.index - baseline[r.regency_code]) for r in engine.regencies if r.index is not None
        )
    elif result is not None:
        out["regencies"] = len(result.regencies)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regencies", type=int, default=514)
    parser.add_argument("--respondents", type=int, default=180)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "B"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.child:
        kind, b = args.child
        print(json.dumps(measure(kind, args.regencies, args.respondents, int(b), args.repeat)))
        return
    # Baseline process: the data set alone (its peak RSS is subtracted from the others).
    runs = [
        ("setup", 0, 1),
        ("engine", 0, args.repeat),
        ("pandas", 0, args.repeat),
        ("engine", args.bootstrap, max(1, args.repeat // 2)),
    ]
    results = []
    for kind, b, repeat in runs:
        child_kind = "engine" if kind == "setup" else kind
        cmd = [
            sys.executable,
            __file__,
            "--child",
            child_kind,
            str(b),
            "--regencies",
            str(args.regencies),
            "--respondents",
            str(args.respondents),
            "--repeat",
            str(repeat if kind != "setup" else 0),
        ]
        output = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout  # noqa: S603
        results.append((kind, json.loads(output)))
    setup_rss = results[0][1]["peak_rss_mb"]
    engine_s = results[1][1]["seconds_median"]
    print(
        f"national synthetic set: {args.regencies} regencies × {args.respondents} respondents, "
        f"{results[1][1]['items']} items ({results[1][1]['respondents']} respondents)"
    )
    print(
        f"{'run':<28}{'median s':>10}{'min s':>9}{'peak RSS MB':>13}"
        f"{'over data MB':>14}{'× engine':>10}"
    )
    for kind, r in results[1:]:
        label = f"{kind} B={r['bootstrap']}" if kind == "engine" else "pandas group-by (pooled)"
        print(
            f"{label:<28}{r['seconds_median']:>10.3f}{r['seconds_min']:>9.3f}"
            f"{r['peak_rss_mb']:>13.0f}{r['peak_rss_mb'] - setup_rss:>14.0f}"
            f"{r['seconds_median'] / engine_s:>10.2f}"
        )
        if "max_abs_diff_vs_engine" in r:
            print(
                f"{'':<28}pandas index vs engine index: max |diff| = "
                f"{r['max_abs_diff_vs_engine']:.2e}"
            )


if __name__ == "__main__":
    main()
