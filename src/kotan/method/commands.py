"""Commands that work on files only, without a database or Django settings.

An analyst can score data exported from any tool (Google Forms, Kobo, spreadsheets):

    kotan score --instrument ikotan.yaml --responses jawaban.csv --output hasil.json
    kotan demo generate --regencies 514 --respondents 180 --seed 1 --output jawaban.csv
    kotan instrument convert ikotan.yaml ikotan.xlsx

Errors never end in a traceback: a rejected file, an instrument or option the engine cannot
score, a file that cannot be read or written each print a message (Bahasa Indonesia, English
with ``--lang en``) and exit with status 2.
"""

from __future__ import annotations

import argparse
import csv
import errno
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kotan.method.problems import EXIT_REFUSED, Problem, ProblemsError, register_messages

if TYPE_CHECKING:
    from kotan.method.spec import InstrumentSpec

FILE_COMMANDS = ("score", "demo")

register_messages(
    {
        "cli.scored": (
            "{regencies} kabupaten/kota dinilai ({ok} cukup data), {counted} responden{blank}, "
            "{seconds} s → {output}",
            "{regencies} regencies/cities scored ({ok} with enough data), {counted} "
            "respondents{blank}, {seconds} s → {output}",
        ),
        "cli.blank_rows": (
            " ({n} baris tanpa jawaban bernilai tidak dihitung)",
            " ({n} rows without any scored answer not counted)",
        ),
        "cli.generated": (
            "{regencies} kabupaten/kota × {respondents} responden (data sintetis) → {target}",
            "{regencies} regencies/cities × {respondents} respondents (synthetic data) → {target}",
        ),
        "cli.rejected": ("Berkas ditolak:", "File rejected:"),
        "cli.not_scored": ("Data tidak dapat dinilai:", "The data cannot be scored:"),
        "cli.not_found": ("Berkas tidak ditemukan: {path}", "File not found: {path}"),
        "cli.folder_missing": (
            "Folder untuk berkas {path} tidak ada.",
            "The folder for the file {path} does not exist.",
        ),
        "cli.is_folder": ("{path} adalah folder, bukan berkas.", "{path} is a folder, not a file."),
        "cli.read_denied": (
            "Tidak ada izin untuk membaca berkas {path}.",
            "No permission to read the file {path}.",
        ),
        "cli.write_denied": (
            "Tidak ada izin untuk menulis berkas {path}.",
            "No permission to write the file {path}.",
        ),
        "cli.read_failed": (
            "Berkas {path} tidak dapat dibaca (galat sistem {error}).",
            "The file {path} cannot be read (system error {error}).",
        ),
        "cli.write_failed": (
            "Berkas {path} tidak dapat ditulis (galat sistem {error}).",
            "The file {path} cannot be written (system error {error}).",
        ),
    }
)


class CommandError(ProblemsError):
    """A command that cannot go on (a file it cannot read or write, an option it refuses)."""


def _os_problem(exc: OSError, path: Path | str | None, writing: bool) -> Problem:
    """An OSError in words of our own: Python's strerror is English only."""
    shown = str(path if path is not None else exc.filename or "")
    if isinstance(exc, FileNotFoundError):
        return Problem("cli.folder_missing" if writing else "cli.not_found", "", {"path": shown})
    if isinstance(exc, IsADirectoryError):
        return Problem("cli.is_folder", "", {"path": shown})
    if isinstance(exc, PermissionError):
        return Problem("cli.write_denied" if writing else "cli.read_denied", "", {"path": shown})
    error = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    code = "cli.write_failed" if writing else "cli.read_failed"
    return Problem(code, "", {"path": shown, "error": error})


@contextmanager
def _file(path: Path, *, writing: bool = False) -> Iterator[None]:
    """Turn an OSError while reading or writing ``path`` into a CommandError naming it."""
    try:
        yield
    except OSError as exc:
        raise CommandError([_os_problem(exc, path, writing)]) from exc


def is_file_command(argv: Sequence[str]) -> bool:
    if len(argv) > 1 and argv[1] in FILE_COMMANDS:
        return True
    return len(argv) > 2 and argv[1] == "instrument" and argv[2] == "convert"


def read_instrument(path: Path) -> InstrumentSpec:
    from kotan.method.spec_files import read_instrument_bytes

    with _file(path):
        data = path.read_bytes()
    return read_instrument_bytes(path.name, data)


def write_instrument(spec: InstrumentSpec, path: Path) -> None:
    from kotan.method.spec_files import instrument_bytes

    data = instrument_bytes(spec, path.name)
    with _file(path, writing=True):
        path.write_bytes(data)


def _default_instrument() -> Path:
    from kotan.method.spec import EXAMPLE

    return EXAMPLE


def cmd_score(args: argparse.Namespace) -> int:
    from kotan.method.engine import STATUS_OK, ScoringOptions, score
    from kotan.method.reference import read_reference
    from kotan.method.tables import parse_responses, read_table, result_format_problem, write_result

    problem = result_format_problem(args.output)  # before any work
    if problem is not None:
        raise CommandError([problem])
    spec = read_instrument(args.instrument)
    started = time.perf_counter()
    regencies = [r.code for r in read_reference().regencies]
    with _file(args.responses):
        table = read_table(args.responses)
    matrix = parse_responses(table, spec, regencies)
    options = ScoringOptions(
        aggregation=args.aggregation or spec.aggregation,
        min_respondents=args.min_respondents or spec.min_respondents,
        scheme=args.categories or spec.categories,
        bootstrap=args.bootstrap,
        seed=args.seed,
    )
    result = score(spec, matrix, options)
    with _file(args.output, writing=True):
        write_result(result, spec, args.output)
    ok = sum(1 for r in result.regencies if r.status == STATUS_OK)
    counted = sum(r.n_respondents for r in result.regencies)
    rows = matrix.n_respondents
    seconds = time.perf_counter() - started
    blank = Problem("cli.blank_rows", "", {"n": rows - counted}).message(args.lang)
    params = {
        "regencies": len(result.regencies),
        "ok": ok,
        "counted": counted,
        "blank": blank if rows != counted else "",
        "seconds": f"{seconds:.2f}",
        "output": args.output,
    }
    print(Problem("cli.scored", "", params).message(args.lang), file=sys.stderr)
    return 0


def cmd_demo_generate(args: argparse.Namespace) -> int:
    from kotan.method.reference import read_reference
    from kotan.method.synthetic import SyntheticSettings, generate_rows, header, pick_regencies

    spec = read_instrument(args.instrument)
    codes = pick_regencies([r.code for r in read_reference().regencies], args.regencies)
    settings = SyntheticSettings(codes, respondents=args.respondents, seed=args.seed)
    rows = generate_rows(spec, settings)
    first = next(rows, None)  # the instrument's problems, if any, before the file is created
    to_stdout = str(args.output) == "-"
    if to_stdout:
        try:
            _write_rows(sys.stdout, header(spec), first, rows)
            sys.stdout.flush()
        except BrokenPipeError:  # `kotan demo generate | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    else:
        with (
            _file(args.output, writing=True),
            args.output.open("w", encoding="utf-8", newline="") as f,
        ):
            _write_rows(f, header(spec), first, rows)
    target = "stdout" if to_stdout else args.output
    params = {"regencies": len(codes), "respondents": args.respondents, "target": target}
    print(Problem("cli.generated", "", params).message(args.lang), file=sys.stderr)
    return 0


def _write_rows(
    handle: TextIO, head: list[str], first: list[str] | None, rows: Iterator[list[str]]
) -> None:
    writer = csv.writer(handle)
    writer.writerow(head)
    if first is not None:
        writer.writerow(first)
    writer.writerows(rows)


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
    from kotan.method.categories import PRESETS

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


def _report(problems: Sequence[Problem], heading: str | None, language: str) -> int:
    """Print the problems (under the catalogue message ``heading``, if any); exit status 2."""
    if heading is None:
        for problem in problems:
            print(problem.message(language), file=sys.stderr)
    else:
        print(Problem(heading, "").message(language), file=sys.stderr)
        for problem in problems:
            print(f"  - {problem.message(language)}", file=sys.stderr)
    return EXIT_REFUSED


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv[1:]))
    language = args.lang
    try:
        return int(args.run(args))
    except CommandError as exc:
        return _report(exc.problems, None, language)
    except ProblemsError as exc:
        return _report(exc.problems, "cli.rejected", language)
    except OSError as exc:  # outside the steps wrapped with _file
        return _report([_os_problem(exc, None, writing=False)], None, language)
    except ValueError as exc:
        # The engine's and the category module's own errors (imported only now: they are
        # loaded already if they were raised, and `instrument convert` does not need numpy).
        from kotan.method.categories import SchemeError
        from kotan.method.engine import ScoringError
        from kotan.method.tables import scoring_problem

        if not isinstance(exc, ScoringError | SchemeError):
            raise
        return _report([scoring_problem(exc)], "cli.not_scored", language)
