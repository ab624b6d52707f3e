"""Commands that work on files only, without a database or Django settings.

An analyst can score data exported from any tool (Google Forms, Kobo, spreadsheets):

    kotan score --instrument ikotan.yaml --responses jawaban.csv --output hasil.json
    kotan demo generate --regencies 514 --respondents 180 --seed 1 --output jawaban.csv
    kotan instrument convert ikotan.yaml ikotan.xlsx
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kotan.core.problems import ProblemsError

if TYPE_CHECKING:
    from kotan.instruments.spec import InstrumentSpec

FILE_COMMANDS = ("score", "demo")


def is_file_command(argv: Sequence[str]) -> bool:
    if len(argv) > 1 and argv[1] in FILE_COMMANDS:
        return True
    return len(argv) > 2 and argv[1] == "instrument" and argv[2] == "convert"


def read_instrument(path: Path) -> InstrumentSpec:
    from kotan.instruments.files import read_instrument_bytes

    return read_instrument_bytes(path.name, path.read_bytes())


def write_instrument(spec: InstrumentSpec, path: Path) -> None:
    from kotan.instruments.files import instrument_bytes

    path.write_bytes(instrument_bytes(spec, path.name))


def _default_instrument() -> Path:
    from kotan.instruments.spec import EXAMPLE

    return EXAMPLE


def cmd_score(args: argparse.Namespace) -> int:
    from kotan.regions.reference import read_reference
    from kotan.scoring.engine import ScoringOptions, score
    from kotan.scoring.files import parse_responses, read_table, write_result

    spec = read_instrument(args.instrument)
    started = time.perf_counter()
    regencies = [r.code for r in read_reference().regencies]
    matrix = parse_responses(read_table(args.responses), spec, regencies)
    options = ScoringOptions(
        aggregation=args.aggregation or spec.aggregation,
        min_respondents=args.min_respondents or spec.min_respondents,
        scheme=args.categories or spec.categories,
        bootstrap=args.bootstrap,
        seed=args.seed,
    )
    result = score(spec, matrix, options)
    write_result(result, spec, args.output)
    ok = sum(1 for r in result.regencies if r.status == "ok")
    print(
        f"{len(result.regencies)} kabupaten/kota dinilai ({ok} cukup data), "
        f"{matrix.n_respondents} responden, {time.perf_counter() - started:.2f} s → {args.output}",
        file=sys.stderr,
    )
    return 0


def cmd_demo_generate(args: argparse.Namespace) -> int:
    from kotan.regions.reference import read_reference
    from kotan.scoring.synthetic import SyntheticSettings, generate_rows, header, pick_regencies

    spec = read_instrument(args.instrument)
    codes = pick_regencies([r.code for r in read_reference().regencies], args.regencies)
    settings = SyntheticSettings(codes, respondents=args.respondents, seed=args.seed)
    to_stdout = str(args.output) == "-"
    handle = sys.stdout if to_stdout else args.output.open("w", encoding="utf-8", newline="")
    try:
        writer = csv.writer(handle)
        writer.writerow(header(spec))
        writer.writerows(generate_rows(spec, settings))
    finally:
        if not to_stdout:
            handle.close()
    print(
        f"{len(codes)} kabupaten/kota × {args.respondents} responden (data sintetis)"
        f" → {'stdout' if to_stdout else args.output}",
        file=sys.stderr,
    )
    return 0


def cmd_instrument_convert(args: argparse.Namespace) -> int:
    write_instrument(read_instrument(args.source), args.target)
    print(f"{args.source} → {args.target}", file=sys.stderr)
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("harus bilangan bulat positif")
    return number


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("tidak boleh negatif")
    return number


def parser() -> argparse.ArgumentParser:
    from kotan.scoring.categories import PRESETS

    root = argparse.ArgumentParser(prog="kotan", description="SI-KOTAN: perintah berbasis berkas.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("id", "en"), default="id", help="bahasa pesan galat")
    commands = root.add_subparsers(dest="command", required=True)

    s = commands.add_parser("score", parents=[common], help="hitung IKOTAN dari berkas jawaban")
    s.add_argument("--instrument", type=Path, required=True, help="instrumen (.yaml/.xlsx)")
    s.add_argument("--responses", type=Path, required=True, help="jawaban (.csv/.xlsx)")
    s.add_argument("--aggregation", choices=("pooled", "unit-balanced"))
    s.add_argument("--categories", choices=sorted(PRESETS))
    s.add_argument("--min-respondents", type=_positive)
    s.add_argument("--bootstrap", type=_non_negative, default=0, help="jumlah replikasi (B)")
    s.add_argument("--seed", type=_non_negative, default=1)
    s.add_argument("--output", type=Path, required=True, help="hasil (.json atau .csv)")
    s.set_defaults(run=cmd_score)

    demo = commands.add_parser("demo", help="data demo sintetis")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    g = demo_commands.add_parser("generate", parents=[common], help="buat berkas jawaban sintetis")
    g.add_argument("--regencies", type=_positive, default=514)
    g.add_argument("--respondents", type=_positive, default=180)
    g.add_argument("--seed", type=_non_negative, default=1)
    g.add_argument("--instrument", type=Path, default=_default_instrument())
    g.add_argument("--output", type=Path, default=Path("-"), help="berkas .csv (bawaan: stdout)")
    g.set_defaults(run=cmd_demo_generate)

    instrument = commands.add_parser("instrument", help="instrumen")
    instrument_commands = instrument.add_subparsers(dest="instrument_command", required=True)
    c = instrument_commands.add_parser(
        "convert", parents=[common], help="ubah format: .yaml ↔ .xlsx"
    )
    c.add_argument("source", type=Path)
    c.add_argument("target", type=Path)
    c.set_defaults(run=cmd_instrument_convert)
    return root


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv[1:]))
    try:
        return int(args.run(args))
    except ProblemsError as exc:
        print("Berkas ditolak:" if args.lang == "id" else "File rejected:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem.message(args.lang)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{exc.strerror}: {exc.filename}", file=sys.stderr)
        return 2
