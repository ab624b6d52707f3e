"""Scoring from files: the synthetic generator, the response reader and the `kotan` commands."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from kotan.method.reference import read_reference
from kotan.method.spec import EXAMPLE, InstrumentSpec, load_yaml, spec_digest
from kotan.method.synthetic import (
    SyntheticSettings,
    allocate,
    generate_rows,
    header,
    pick_regencies,
)
from kotan.method.tables import ResponsesError, parse_responses, read_table

REGENCIES = [r.code for r in read_reference().regencies]


@pytest.fixture(scope="module")
def spec() -> InstrumentSpec:
    return load_yaml(EXAMPLE.read_text(encoding="utf-8"))


def kotan_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kotan.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_quota_allocation_keeps_the_total_and_proportions() -> None:
    assert allocate(180, [40, 30, 20, 40, 50]) == [40, 30, 20, 40, 50]
    assert allocate(18, [40, 30, 20, 40, 50]) == [4, 3, 2, 4, 5]
    assert sum(allocate(7, [1, 1, 1])) == 7


def test_regencies_are_spread_over_the_country() -> None:
    picked = pick_regencies(REGENCIES, 38)
    assert len(picked) == 38 and len({code[:2] for code in picked}) > 25
    assert pick_regencies(REGENCIES, 1000) == sorted(REGENCIES)


def test_generator_is_deterministic_and_realistic(spec: InstrumentSpec) -> None:
    settings = SyntheticSettings(pick_regencies(REGENCIES, 5), respondents=60, seed=7)
    first = list(generate_rows(spec, settings))
    assert first == list(generate_rows(spec, settings))
    assert first != list(generate_rows(spec, SyntheticSettings(settings.regencies, 60, seed=8)))
    assert len(first) == 300
    cells = [c for row in first for c in row[3:] if c]
    assert {"1", "2", "3", "4", "TT"} <= set(cells)
    family_row = next(row for row in first if row[2] == "fam")
    columns = header(spec)[3:]
    asked = {i.code for i in spec.items if "fam" in i.units}
    assert all(
        not value for code, value in zip(columns, family_row[3:], strict=True) if code not in asked
    )


def test_reader_accepts_codes_labels_and_scores(spec: InstrumentSpec) -> None:
    rows = [
        ["response_id", "regency_code", "unit_code", "MAS1_01", "MAS1_02", "MAS1_03"],
        ["a", "15.04", "gov", "4", "Tidak tahu", "2.0"],
        ["b", "15.04", "com", "", "setuju / sering", "tt"],
    ]
    matrix = parse_responses(rows, spec, REGENCIES)
    assert matrix.n_respondents == 2
    j = {code: n for n, code in enumerate(matrix.item_codes)}
    first = matrix.scores[0]
    assert first[j["MAS1_01"]] == 4.0 and first[j["MAS1_03"]] == 2.0
    assert str(first[j["MAS1_02"]]) == "nan"  # tidak tahu is missing, never zero


def test_reader_reports_every_problem_with_row_and_column(spec: InstrumentSpec) -> None:
    rows = [
        ["response_id", "regency_code", "unit_code", "MAS1_01", "KEL1_01"],
        ["a", "15.04", "gov", "5", ""],
        ["a", "99.99", "fam", "", "3"],
        ["c", "15.04", "gov", "", "2"],
        ["", "15.04", "alien", "", ""],
    ]
    with pytest.raises(ResponsesError) as excinfo:
        parse_responses(rows, spec, REGENCIES)
    messages = [p.message() for p in excinfo.value.problems]
    assert messages == [
        "baris 2 kolom MAS1_01: jawaban '5' tidak dikenal (pilihan: 1, 2, 3, 4, TT).",
        "baris 3: response_id 'a' sudah dipakai di baris 2.",
        "baris 3: kode kabupaten/kota '99.99' tidak dikenal.",
        "baris 4 kolom KEL1_01: butir ini tidak ditanyakan kepada unit 'gov'.",
        "baris 5: response_id kosong.",
        "baris 5: unit observasi 'alien' tidak dikenal (pilihan: biz, com, edu, fam, gov).",
    ]
    assert excinfo.value.problems[0].message("en").startswith("baris 2 kolom MAS1_01: unknown")


def test_reader_rejects_unknown_and_missing_columns(spec: InstrumentSpec) -> None:
    with pytest.raises(ResponsesError) as excinfo:
        parse_responses([["response_id", "unit_code", "Q99"]], spec, REGENCIES)
    assert [p.code for p in excinfo.value.problems] == [
        "responses.column_missing",
        "responses.column_unknown",
    ]


def test_semicolon_csv_and_xlsx_read_alike(tmp_path: Path, spec: InstrumentSpec) -> None:
    rows = [["response_id", "regency_code", "unit_code", "MAS1_01"], ["a", "15.04", "gov", "3"]]
    semicolon = tmp_path / "jawaban.csv"
    semicolon.write_text("\ufeff" + "\n".join(";".join(r) for r in rows), encoding="utf-8")
    workbook = Workbook()
    for row in rows:
        workbook.active.append([3 if cell == "3" else cell for cell in row])  # a number cell
    xlsx = tmp_path / "jawaban.xlsx"
    workbook.save(xlsx)
    assert read_table(semicolon) == read_table(xlsx) == rows


def test_garbage_files_are_clear_errors(tmp_path: Path) -> None:
    fake = tmp_path / "jawaban.xlsx"
    fake.write_bytes(b"not a workbook")
    with pytest.raises(ResponsesError) as excinfo:
        read_table(fake)
    assert excinfo.value.problems[0].code == "responses.unreadable"
    with pytest.raises(ResponsesError):
        read_table(tmp_path / "jawaban.pdf")


def test_score_command_end_to_end(tmp_path: Path) -> None:
    responses = tmp_path / "jawaban.csv"
    generated = kotan_cli(
        "demo",
        "generate",
        "--regencies",
        "12",
        "--respondents",
        "40",
        "--seed",
        "3",
        "--output",
        str(responses),
    )
    assert generated.returncode == 0, generated.stderr
    out = tmp_path / "hasil.json"
    result = kotan_cli(
        "score",
        "--instrument",
        str(EXAMPLE),
        "--responses",
        str(responses),
        "--min-respondents",
        "30",
        "--bootstrap",
        "50",
        "--seed",
        "5",
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["instrument"] == {
        "code": "ikotan-contoh",
        "year": 2026,
        "version": 1,
        "sha256": spec_digest(load_yaml(EXAMPLE.read_text(encoding="utf-8"))),
    }
    assert document["method"]["bootstrap"] == 50 and document["method"]["seed"] == 5
    regencies = document["regencies"]
    assert len(regencies) == 12
    for key in (
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
        "n_rows",
        "missing_variables",
        "rank_shift",
    ):
        assert key in regencies[0]
    assert sorted(r["rank_national"] for r in regencies)[0] == 1
    again = tmp_path / "lagi.json"
    kotan_cli(
        "score",
        "--instrument",
        str(EXAMPLE),
        "--responses",
        str(responses),
        "--bootstrap",
        "50",
        "--seed",
        "5",
        "--output",
        str(again),
    )
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")  # reproducible


def test_score_command_writes_csv_and_unit_balanced(tmp_path: Path) -> None:
    responses = tmp_path / "jawaban.csv"
    kotan_cli(
        "demo", "generate", "--regencies", "4", "--respondents", "30", "--output", str(responses)
    )
    out = tmp_path / "hasil.csv"
    result = kotan_cli(
        "score",
        "--instrument",
        str(EXAMPLE),
        "--responses",
        str(responses),
        "--aggregation",
        "unit-balanced",
        "--categories",
        "2021",
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 4
    assert {
        "index",
        "category",
        "variable_MAS",
        "n_rows",
        "missing_variables",
        "rank_shift",
        "max_rank_shift",
        "instrument_sha256",
        "engine_version",
    } <= set(table[0])
    assert {row["aggregation"] for row in table} == {"unit-balanced"}
    assert {row["scheme"] for row in table} == {"2021"}


def test_score_command_rejects_a_bad_file_in_bahasa_indonesia(tmp_path: Path) -> None:
    bad = tmp_path / "jawaban.csv"
    bad.write_text("response_id,regency_code,unit_code,MAS1_01\na,15.04,gov,9\n", encoding="utf-8")
    out = tmp_path / "hasil.json"
    result = kotan_cli(
        "score", "--instrument", str(EXAMPLE), "--responses", str(bad), "--output", str(out)
    )
    assert result.returncode == 2
    assert "Berkas ditolak" in result.stderr and "jawaban '9' tidak dikenal" in result.stderr
    assert not out.exists()
    english = kotan_cli(
        "score",
        "--lang",
        "en",
        "--instrument",
        str(EXAMPLE),
        "--responses",
        str(bad),
        "--output",
        str(out),
    )
    assert "unknown answer '9'" in english.stderr


def test_instrument_convert_round_trip(tmp_path: Path, spec: InstrumentSpec) -> None:
    xlsx = tmp_path / "instrumen.xlsx"
    back = tmp_path / "kembali.yaml"
    assert kotan_cli("instrument", "convert", str(EXAMPLE), str(xlsx)).returncode == 0
    assert kotan_cli("instrument", "convert", str(xlsx), str(back)).returncode == 0
    assert load_yaml(back.read_text(encoding="utf-8")) == spec


def test_file_commands_never_import_django() -> None:
    code = (
        "import sys, kotan.method.commands, kotan.method.tables, kotan.method.synthetic, "
        "kotan.method.spec_xlsx; print('django' in sys.modules)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
