"""Instrument files on disk and the ``kotan instrument`` command: clean errors, never a
traceback, and no English system text inside an Indonesian message."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kotan.instruments.models import Instrument
from kotan.method.problems import Problem
from kotan.method.spec import EXAMPLE, InstrumentError, load_yaml
from kotan.method.spec_files import (
    read_instrument_bytes,
    read_instrument_file,
    write_instrument_file,
)
from kotan.method.spec_xlsx import write_xlsx

# Words of the English system messages these problems used to carry.
ENGLISH = ("No such file", "Errno", "Is a directory", "codec", "decode", "zip", "while parsing")


def problem_of(call: object) -> Problem:
    with pytest.raises(InstrumentError) as excinfo:
        call()  # type: ignore[operator]
    [problem] = excinfo.value.problems
    for word in ENGLISH:
        assert word not in problem.message("id")
    return problem


def test_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    problem = problem_of(lambda: read_instrument_file(missing))
    assert problem.code == "file.not_found"
    assert problem.message("id") == f"Berkas '{missing}' tidak ditemukan."
    assert problem.message("en") == f"File '{missing}' was not found."


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    problem = problem_of(lambda: read_instrument_file(folder))
    assert problem.code == "file.unreadable"
    assert problem.message("id") == f"Berkas '{folder}' tidak dapat dibaca."


def test_a_file_that_is_not_utf8() -> None:
    problem = problem_of(lambda: read_instrument_bytes("i.yaml", "judul: \xe9".encode("latin-1")))
    assert problem.code == "file.encoding"
    assert problem.message("id") == "Berkas tidak dapat dibaca: isinya bukan teks UTF-8."


def test_a_byte_order_mark_is_fine() -> None:
    data = b"\xef\xbb\xbf" + EXAMPLE.read_bytes()
    assert read_instrument_bytes("i.yaml", data) == load_yaml(EXAMPLE.read_text("utf-8"))


def test_an_unknown_suffix(tmp_path: Path) -> None:
    problem = problem_of(lambda: read_instrument_file(tmp_path / "instrumen.pdf"))
    assert problem.code == "file.format"
    assert problem.message("id") == (
        "Format berkas 'instrumen.pdf' tidak didukung (gunakan .yaml, .yml atau .xlsx)."
    )
    assert problem_of(lambda: read_instrument_bytes("a.csv", b"")).code == "file.format"


def test_an_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(b"bukan zip")
    assert problem_of(lambda: read_instrument_file(path)).code == "file.not_xlsx"


def test_a_file_that_cannot_be_written(tmp_path: Path) -> None:
    spec = load_yaml(EXAMPLE.read_text("utf-8"))
    target = tmp_path / "tidak-ada" / "keluar.yaml"
    problem = problem_of(lambda: write_instrument_file(spec, target))
    assert problem.code == "file.unwritable"
    assert problem.message("en") == f"File '{target}' cannot be written."


def test_files_round_trip(tmp_path: Path) -> None:
    spec = load_yaml(EXAMPLE.read_text("utf-8"))
    for name in ("i.yaml", "i.xlsx"):
        write_instrument_file(spec, tmp_path / name)
        assert read_instrument_file(tmp_path / name) == spec
    assert (tmp_path / "i.xlsx").read_bytes()[:2] == write_xlsx(spec)[:2]


# --- the management command ---------------------------------------------------------------


@pytest.mark.django_db
def test_import_of_a_missing_file_is_a_clean_error_with_exit_code_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as excinfo:
        call_command("instrument", "import", str(tmp_path / "nope.yaml"))
    assert excinfo.value.returncode == 2
    assert str(excinfo.value) == (
        f"Berkas ditolak:\n  - Berkas '{tmp_path / 'nope.yaml'}' tidak ditemukan."
    )
    assert not Instrument.objects.exists()


@pytest.mark.django_db
def test_import_of_a_malformed_file_lists_the_problems(tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(EXAMPLE.read_text("utf-8").replace("version: 1", "version: 0"), "utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("instrument", "import", str(path))
    assert excinfo.value.returncode == 2
    assert "Kolom 'version' harus antara 1 dan 2147483647, bukan 0." in str(excinfo.value)


@pytest.mark.django_db
def test_import_and_export_through_the_command(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("instrument", "import", str(EXAMPLE), "--publish", stdout=out)
    assert "[Terbit]" in out.getvalue()
    target = tmp_path / "kembali.xlsx"
    call_command("instrument", "export", "--year", "2026", "--output", str(target), stdout=out)
    assert read_instrument_file(target) == load_yaml(EXAMPLE.read_text("utf-8"))
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "instrument", "export", "--year", "2026", "--output", str(tmp_path / "x" / "y.yaml")
        )
    assert excinfo.value.returncode == 2
    assert "tidak dapat ditulis" in str(excinfo.value)
