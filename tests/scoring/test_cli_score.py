"""`kotan score` and `kotan demo`: every refusal is a message (Bahasa Indonesia, or English with
--lang en) and exit status 2, never a traceback; the result files and their columns."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from kotan.method import commands
from kotan.method.categories import SchemeError
from kotan.method.spec import EXAMPLE, InstrumentSpec, dump_yaml, load_yaml
from kotan.method.synthetic import SyntheticSettings, generate_rows, header


@pytest.fixture(scope="module")
def spec() -> InstrumentSpec:
    return load_yaml(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory, spec: InstrumentSpec) -> Path:
    """Two regencies of 30 synthetic respondents, plus one of 12 without any family
    respondent (no KEL: a missing variable) and two blank rows in 15.04."""
    rows = [header(spec), *generate_rows(spec, SyntheticSettings(["15.04", "15.05"], 30))]
    no_family = [r for r in generate_rows(spec, SyntheticSettings(["11.01"], 30)) if r[2] != "fam"]
    rows += no_family[:12]
    blank = ["", "", ""] + [""] * len(spec.items)
    rows += [["kosong-1", "15.04", "gov", *blank[3:]], ["kosong-2", "15.04", "com", *blank[3:]]]
    path = tmp_path_factory.mktemp("cli") / "jawaban.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def kotan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run a file command in this process; (exit status, stderr)."""
    status = commands.main(["kotan", *args])
    return status, capsys.readouterr().err


def score_args(responses: Path, output: Path, *extra: str, minimum: int | None = 10) -> list[str]:
    args = ["score", "--instrument", str(EXAMPLE), "--responses", str(responses)]
    if minimum is not None:
        args += ["--min-respondents", str(minimum)]
    return [*args, "--output", str(output), *extra]


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "indonesian", "english"),
    [
        (
            {"scale_max": math.inf},
            "Skala jawaban 1.0–inf tidak dapat dipakai",
            "The answer scale 1.0–inf cannot be used",
        ),
        (
            {"min_respondents": -3},
            "min_respondents minimal 1",
            "min_respondents must be at least 1",
        ),
    ],
)
def test_what_the_engine_refuses_is_a_message_in_both_languages(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    spec: InstrumentSpec,
    responses: Path,
    change: dict[str, Any],
    indonesian: str,
    english: str,
) -> None:
    # Straight to the engine, whatever the instrument reader already checks.
    changed = dataclasses.replace(spec, **change)
    monkeypatch.setattr(commands, "read_instrument", lambda _path: changed)
    out = tmp_path / "hasil.json"
    status, err = kotan(capsys, *score_args(responses, out, minimum=None))
    assert status == 2
    assert err.startswith("Data tidak dapat dinilai:") and indonesian in err
    assert "Traceback" not in err
    status, err = kotan(capsys, *score_args(responses, out, "--lang", "en", minimum=None))
    assert status == 2
    assert err.startswith("The data cannot be scored:") and english in err
    assert not out.exists()


def test_a_category_scheme_error_is_a_message(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    responses: Path,
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise SchemeError("categories.gap", "bands 'a' and 'b' do not meet")

    monkeypatch.setattr("kotan.method.engine.score", refuse)
    status, err = kotan(capsys, *score_args(responses, tmp_path / "hasil.json"))
    assert status == 2
    assert "Skema kategori tidak dapat dipakai (categories.gap)" in err


def test_an_unusable_instrument_file_never_ends_in_a_traceback(
    tmp_path: Path, responses: Path
) -> None:
    for key, value in [("scale", {"min": 1, "max": math.inf}), ("min_respondents", -3)]:
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data[key] = value
        instrument = tmp_path / "instrumen.yaml"
        instrument.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        for command in (
            ["score", "--instrument", str(instrument), "--responses", str(responses)],
            ["demo", "generate", "--instrument", str(instrument), "--regencies", "1"],
        ):
            out = tmp_path / ("hasil.json" if command[0] == "score" else "jawaban.csv")
            result = subprocess.run(  # noqa: S603
                [sys.executable, "-m", "kotan.cli", *command, "--output", str(out)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert "Traceback" not in result.stderr, result.stderr
            # Refused (by the instrument reader or the engine), or for the demo: generated
            # from the answer options, which do not depend on the declared scale.
            assert result.returncode in (0, 2), result.stderr
            if command[0] == "score":
                assert result.returncode == 2 and not out.exists()


def test_missing_files_are_named_without_pythons_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, responses: Path
) -> None:
    missing = tmp_path / "tidak-ada.csv"
    status, err = kotan(capsys, *score_args(missing, tmp_path / "hasil.json"))
    assert (status, err) == (2, f"Berkas tidak ditemukan: {missing}\n")
    status, err = kotan(capsys, *score_args(missing, tmp_path / "hasil.json"), "--lang", "en")
    assert (status, err) == (2, f"File not found: {missing}\n")
    no_instrument = tmp_path / "instrumen.yaml"
    args = ["score", "--instrument", str(no_instrument), "--responses", str(responses)]
    status, err = kotan(capsys, *args, "--output", str(tmp_path / "hasil.json"))
    assert (status, err) == (2, f"Berkas tidak ditemukan: {no_instrument}\n")
    status, err = kotan(capsys, "demo", "generate", "--instrument", str(no_instrument))
    assert (status, err) == (2, f"Berkas tidak ditemukan: {no_instrument}\n")
    nowhere = tmp_path / "tidak-ada" / "hasil.csv"
    status, err = kotan(capsys, *score_args(responses, nowhere))
    assert (status, err) == (2, f"Folder untuk berkas {nowhere} tidak ada.\n")
    assert "No such file" not in err


def test_a_folder_is_not_a_response_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "jawaban.csv"
    folder.mkdir()
    status, err = kotan(capsys, *score_args(folder, tmp_path / "hasil.json"))
    assert (status, err) == (2, f"{folder} adalah folder, bukan berkas.\n")


@pytest.mark.parametrize("name", ["hasil.txt", "hasil.xls", "hasil"])
def test_only_json_csv_and_xlsx_results_are_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    out = tmp_path / name
    # Refused before anything is read: the response file does not even exist.
    status, err = kotan(capsys, *score_args(tmp_path / "tidak-ada.csv", out))
    assert status == 2
    assert err == f"Format berkas hasil tidak didukung: {name} (gunakan .json, .csv atau .xlsx).\n"
    assert not out.exists()
    status, err = kotan(capsys, *score_args(tmp_path / "x.csv", out), "--lang", "en")
    assert err.startswith("Unsupported result file format")


# --- result files ---------------------------------------------------------------------------


def test_json_names_the_instrument_by_digest_and_the_method(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, spec: InstrumentSpec, responses: Path
) -> None:
    out = tmp_path / "hasil.json"
    status, err = kotan(capsys, *score_args(responses, out, "--bootstrap", "20"))
    assert status == 0, err
    assert "72 responden (2 baris tanpa jawaban bernilai tidak dihitung)" in err
    document = json.loads(out.read_text(encoding="utf-8"))
    digest = hashlib.sha256(dump_yaml(spec).encode("utf-8")).hexdigest()
    assert document["instrument"] == {
        "code": "ikotan-contoh",
        "year": 2026,
        "version": 1,
        "sha256": digest,
    }
    assert document["method"]["bootstrap"] == 20 and document["method"]["min_respondents"] == 10
    regencies = {r["regency_code"]: r for r in document["regencies"]}
    assert (regencies["15.04"]["n_respondents"], regencies["15.04"]["n_rows"]) == (30, 32)
    no_family = regencies["11.01"]
    assert no_family["missing_variables"] == ["KEL"]
    assert no_family["status"] == "insufficient_data" and no_family["index"] is None
    assert no_family["variables"]["MAS"] is not None  # the partial variables are reported


def test_csv_and_xlsx_carry_the_same_table_with_instrument_and_method(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, spec: InstrumentSpec, responses: Path
) -> None:
    csv_path, xlsx_path = tmp_path / "hasil.csv", tmp_path / "hasil.xlsx"
    for path in (csv_path, xlsx_path):
        status, err = kotan(capsys, *score_args(responses, path, "--bootstrap", "20"))
        assert status == 0, err
    table = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    sheet = load_workbook(xlsx_path, read_only=True).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == list(table[0])  # same header
    assert len(cells) == len(table) + 1 == 4
    rows = {r["regency_code"]: r for r in table}
    digest = hashlib.sha256(dump_yaml(spec).encode("utf-8")).hexdigest()
    for row in table:
        assert row["instrument_code"] == "ikotan-contoh"
        assert (row["instrument_year"], row["instrument_version"]) == ("2026", "1")
        assert row["instrument_sha256"] == digest
        assert row["engine_version"].startswith("ikotan-engine ")
        assert (row["aggregation"], row["scheme"]) == ("pooled", "2022")
        assert (row["min_respondents"], row["bootstrap"], row["seed"]) == ("10", "20", "1")
    ranked = rows["15.04"]
    assert ranked["rank_shift"] == str(
        int(ranked["rank_equal_weights"]) - int(ranked["rank_national"])
    )
    assert ranked["max_rank_shift"] != ""
    assert (ranked["n_respondents"], ranked["n_rows"], ranked["missing_variables"]) == (
        "30",
        "32",
        "",
    )
    assert rows["11.01"]["missing_variables"] == "KEL"
    assert rows["11.01"]["index"] == "" and rows["11.01"]["rank_shift"] == ""
    # XLSX keeps numbers as numbers (and empty cells empty).
    by_code = {row[0]: dict(zip(cells[0], row, strict=True)) for row in cells[1:]}
    assert by_code["15.04"]["index"] == pytest.approx(float(ranked["index"]))
    assert by_code["11.01"]["index"] is None


def test_the_demo_speaks_english_on_request(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "jawaban.csv"
    args = ["demo", "generate", "--regencies", "2", "--respondents", "5", "--output", str(out)]
    status, err = kotan(capsys, *args, "--lang", "en")
    assert status == 0
    assert err.startswith("2 regencies/cities × 5 respondents (synthetic data)")


def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    from kotan.method.tables import _write_xlsx

    path = tmp_path / "hasil.xlsx"
    _write_xlsx([["instrument_code", "index"], ["=HYPERLINK(1)", 2.5]], path)
    sheet = load_workbook(path).worksheets[0]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=HYPERLINK(1)", "s")
    assert sheet["B2"].value == 2.5


def test_an_empty_part_of_an_instrument_is_named_in_both_languages() -> None:
    from kotan.method.engine import ScoringError
    from kotan.method.tables import scoring_problem

    problem = scoring_problem(ScoringError("empty", "indicator 'MAS1' has no items", name="MAS1"))
    assert problem.code == "scoring.empty"
    assert problem.message("id").startswith(
        "Instrumen tidak dapat dipakai"
    ) and "MAS1" in problem.message("id")
    assert "MAS1 is empty" in problem.message("en")
