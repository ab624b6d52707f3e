"""Scoring the national synthetic set: wall time, CPU time and peak memory, against pandas.

`make bench-scoring`. 514 regencies × 180 respondents × all items of the example instrument,
built once (as `kotan demo generate` + the response reader do) and handed to every measurement
as arrays in a temporary .npz file. Each measurement runs in a fresh subprocess so that its
peak memory is its own (VmHWM of /proc/self/status: unlike ru_maxrss, Linux does not carry it
over from the parent that started the process); a process that only loads the data gives the
baseline that "over the data" subtracts.

The baseline is the same pooled method written as a data analyst would with pandas, on the
WIDE table (one row per respondent, one column per item), as the engine reads it: group by
regency, mean of every item column (NaN skipped), then the weighted means of indicators,
variables and the index. Its index must equal the engine's (the script prints the largest
difference; it fails above 1e-12).

Printed: the 1-minute load average of the machine when each measurement started (figures from a
busy machine are not comparable), median and minimum wall time, median CPU time of the process
(all threads), peak RSS, and the ratios to the engine without bootstrap, as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kotan.method.engine import ResponseMatrix, ScoringOptions, score
from kotan.method.reference import read_reference
from kotan.method.spec import InstrumentSpec, load_yaml
from kotan.method.synthetic import SyntheticSettings, generate_rows, header, pick_regencies
from kotan.method.tables import parse_responses

EXAMPLE = Path(__file__).resolve().parents[1] / "src/kotan/method/data/ikotan_contoh.yaml"
AGREEMENT = 1e-12
TARGET_NO_BOOTSTRAP_S = 0.5
TARGET_BOOTSTRAP_S = 5.0
TARGET_PEAK_MB = 1024


def example_spec() -> InstrumentSpec:
    return load_yaml(EXAMPLE.read_text(encoding="utf-8"))


def build_set(regencies: int, respondents: int, path: Path) -> None:
    """The national synthetic set through the real generator and reader, saved as arrays."""
    spec = example_spec()
    codes = [r.code for r in read_reference().regencies]
    settings = SyntheticSettings(pick_regencies(codes, regencies), respondents=respondents, seed=1)
    matrix = parse_responses([header(spec), *generate_rows(spec, settings)], spec, codes)
    np.savez(
        path,
        scores=matrix.scores,
        regency_index=matrix.regency_index,
        unit_index=matrix.unit_index,
        item_codes=np.array(matrix.item_codes),
        regency_codes=np.array(matrix.regency_codes),
        unit_codes=np.array(matrix.unit_codes),
        respondent_ids=np.array(matrix.respondent_ids),
    )


def load_set(path: Path) -> ResponseMatrix:
    with np.load(path) as data:
        return ResponseMatrix(
            item_codes=tuple(data["item_codes"].tolist()),
            regency_codes=tuple(data["regency_codes"].tolist()),
            unit_codes=tuple(data["unit_codes"].tolist()),
            respondent_ids=tuple(data["respondent_ids"].tolist()),
            scores=data["scores"],
            regency_index=data["regency_index"],
            unit_index=data["unit_index"],
        )


def _weights(given: list[float | None]) -> list[float]:
    """Explicit weights, or equal ones when none is given (the instrument's rule)."""
    if all(w is None for w in given):
        return [1.0 / len(given)] * len(given)
    return [w or 0.0 for w in given]  # all or none: the instrument reader refuses a mix


def pandas_wide(spec: InstrumentSpec, frame: Any) -> Any:
    """The pooled method with a plain wide pandas group-by; the index per regency (a Series).

    Indicator and variable: weighted mean of what is available (weights renormalised); index:
    weighted mean of all variables (NaN when one is missing), as the engine's rules say.
    """
    import pandas as pd

    item_means = frame.groupby("regency", sort=True).mean()  # NaN skipped per column

    def weighted_mean(values: Any, weights: list[float], complete: bool) -> Any:
        w = pd.Series(weights, index=values.columns)
        total = values.mul(w).sum(axis=1, skipna=not complete, min_count=1)
        return total / values.notna().mul(w).sum(axis=1)

    variables = {}
    for v in spec.variables:
        indicators = {}
        for d in v.indicators:
            columns = [i.code for i in d.items]
            indicators[d.code] = weighted_mean(
                item_means[columns], _weights([i.weight for i in d.items]), complete=False
            )
        variables[v.code] = weighted_mean(
            pd.DataFrame(indicators),
            _weights([d.weight for d in v.indicators]),
            complete=False,
        )
    return weighted_mean(pd.DataFrame(variables), [v.weight for v in spec.variables], complete=True)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (its own, not its parent's), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def measure(kind: str, data: Path, bootstrap: int, repeat: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    spec = example_spec()
    matrix = load_set(data)
    frame = None
    if kind == "pandas":
        import pandas as pd

        frame = pd.DataFrame(matrix.scores, columns=list(matrix.item_codes))
        frame["regency"] = np.asarray(matrix.regency_codes)[matrix.regency_index]
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        if kind == "pandas":
            pandas_wide(spec, frame)
        else:
            score(spec, matrix, ScoringOptions(bootstrap=bootstrap, seed=1))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    out: dict[str, Any] = {
        "kind": kind,
        "bootstrap": bootstrap,
        "load_at_start": load,
        "wall_median": statistics.median(walls) if walls else None,
        "wall_min": min(walls) if walls else None,
        "cpu_median": statistics.median(cpus) if cpus else None,
        "peak_rss_mb": peak_rss_mb(),
        "respondents": matrix.n_respondents,
        "regencies": len(matrix.regency_codes),
        "items": len(matrix.item_codes),
    }
    if kind == "pandas" and repeat:
        engine = score(spec, matrix, ScoringOptions())
        baseline = pandas_wide(spec, frame)
        diffs = [
            abs(r.index - float(baseline[r.regency_code]))
            for r in engine.regencies
            if r.index is not None
        ]
        out["max_abs_diff_vs_engine"] = max(diffs)
        out["same_missing"] = all(
            (r.index is None) == bool(np.isnan(baseline[r.regency_code])) for r in engine.regencies
        )
    return out


def child(kind: str, data: Path, bootstrap: int, repeat: int) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        kind,
        str(data),
        "--bootstrap",
        str(bootstrap),
        "--repeat",
        str(repeat),
    ]
    output = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout  # noqa: S603
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regencies", type=int, default=514)
    parser.add_argument("--respondents", type=int, default=180)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DATA"))
    args = parser.parse_args()
    if args.child:
        kind, data = args.child
        print(json.dumps(measure(kind, Path(data), args.bootstrap, args.repeat)))
        return

    started = time.perf_counter()
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="kotan-bench-") as folder:
        data = Path(folder) / "national.npz"
        build_set(args.regencies, args.respondents, data)
        setup = child("engine", data, 0, 0)  # loads the data, measures nothing
        runs = [
            ("engine, no bootstrap", child("engine", data, 0, args.repeat)),
            ("pandas wide group-by (pooled, baseline)", child("pandas", data, 0, args.repeat)),
            (
                f"engine, bootstrap B = {args.bootstrap:,}",
                child("engine", data, args.bootstrap, max(1, args.repeat // 2)),
            ),
        ]
    engine = runs[0][1]
    print(
        f"national synthetic set: {engine['regencies']} regencies, {engine['respondents']:,} "
        f"respondents, {engine['items']} items; {os.cpu_count()} CPUs; load average at start "
        f"{load_at_start[0]:.2f} / {load_at_start[1]:.2f} / {load_at_start[2]:.2f} (1/5/15 min)"
    )
    print()
    print(
        "| run | load at start | median wall s | min wall s | median CPU s | peak RSS MB "
        "| over the data MB | wall × engine | CPU × engine |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, r in runs:
        print(
            f"| {label} | {r['load_at_start']:.2f} | {r['wall_median']:.3f} | {r['wall_min']:.3f} "
            f"| {r['cpu_median']:.3f} | {r['peak_rss_mb']:.0f} "
            f"| {r['peak_rss_mb'] - setup['peak_rss_mb']:.0f} "
            f"| {r['wall_median'] / engine['wall_median']:.2f} "
            f"| {r['cpu_median'] / engine['cpu_median']:.2f} |"
        )
    print()
    baseline = runs[1][1]
    print(
        f"pandas index vs engine index: max |diff| = {baseline['max_abs_diff_vs_engine']:.1e}, "
        f"same regencies without index: {baseline['same_missing']}; "
        f"data alone: {setup['peak_rss_mb']:.0f} MB peak"
    )
    bootstrap = runs[2][1]
    peak = max(r["peak_rss_mb"] for _label, r in runs)
    checks = [
        (
            f"no bootstrap < {TARGET_NO_BOOTSTRAP_S} s",
            engine["wall_median"] < TARGET_NO_BOOTSTRAP_S,
        ),
        (
            f"B = {args.bootstrap:,} < {TARGET_BOOTSTRAP_S} s",
            bootstrap["wall_median"] < TARGET_BOOTSTRAP_S,
        ),
        (f"peak < {TARGET_PEAK_MB} MB", peak < TARGET_PEAK_MB),
        (f"agreement <= {AGREEMENT:.0e}", baseline["max_abs_diff_vs_engine"] <= AGREEMENT),
    ]
    print("targets: " + ", ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in checks))
    print(f"benchmark wall time {time.perf_counter() - started:.0f} s")
    if not (checks[-1][1] and baseline["same_missing"]):
        sys.exit("the pandas baseline does not agree with the engine")


if __name__ == "__main__":
    main()
