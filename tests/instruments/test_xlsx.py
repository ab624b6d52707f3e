"""Instrument as an XLSX workbook: exact round trip, edits in Excel, every workbook problem."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kotan
from kotan.core.problems import Problem
from kotan.instruments import xlsx
from kotan.instruments.spec import InstrumentError, InstrumentSpec, load_yaml, spec_from_dict
from kotan.instruments.xlsx import read_xlsx, write_xlsx

SHEETS = ["Petunjuk", "Instrumen", "Pilihan jawaban", "Unit observasi", "Variabel"]
SHEETS += ["Indikator", "Butir"]


def example() -> InstrumentSpec:
    path = Path(kotan.__file__).parent / "instruments" / "data" / "ikotan_contoh.yaml"
    return load_yaml(path.read_text(encoding="utf-8"))


def small() -> InstrumentSpec:
    """Item and indicator weights, floats that need 17 digits, text that looks like a formula."""
    return spec_from_dict(
        {
            "code": "uji",
            "year": 2026,
            "version": 3,
            "title": "Instrumen uji",
            "description": "Baris satu\nBaris dua ",
            "is_example": False,
            "scale": {"min": 0, "max": 4.5},
            "aggregation": "unit-balanced",
            "min_respondents": 25,
            "categories": "2019",
            "answer_options": [
                {"code": "1", "label": "Tidak pernah", "score": 0.5},
                {"code": "4", "label": "Selalu", "score": 4.5},
                {"code": "TT", "label": "Tidak tahu", "score": None},
            ],
            "units": [
                {"code": "gov", "name": "Pemerintah", "quota": 40},
                {"code": "fam", "name": "Keluarga", "quota": 50},
            ],
            "variables": [
                {
                    "code": "MAS",
                    "name": "Masyarakat",
                    "weight": 0.6,
                    "indicators": [
                        {
                            "code": "MAS1",
                            "name": "Partisipasi",
                            "weight": 0.1 + 0.2,  # 0.30000000000000004
                            "items": [
                                {"code": "MAS1_01", "text": "=SUM(A1)", "units": ["gov"]},
                                {"code": "MAS1_02", "text": " Dua ", "units": ["fam", "gov"]},
                            ],
                        },
                        {
                            "code": "MAS2",
                            "name": "Fasilitas",
                            "weight": 0.7,
                            "items": [
                                {"code": "MAS2_01", "text": "Tiga", "units": ["gov"]},
                            ],
                        },
                    ],
                },
                {
                    "code": "KEL",
                    "name": "Keluarga",
                    "weight": 0.4,
                    "indicators": [
                        {
                            "code": "KEL1",
                            "name": "Keharmonisan",
                            "items": [
                                {
                                    "code": "KEL1_01",
                                    "text": "Empat",
                                    "units": ["fam"],
                                    "weight": 1 / 7,
                                },
                                {
                                    "code": "KEL1_02",
                                    "text": "Lima",
                                    "units": ["fam"],
                                    "weight": 6 / 7,
                                },
                            ],
                        },
                    ],
                },
            ],
        }
    )


def edit(data: bytes, change: Callable[[Any], None]) -> bytes:
    """What a user does in Excel: open the workbook, change it, save it."""
    wb = openpyxl.load_workbook(BytesIO(data))
    change(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def problems_of(data: bytes) -> list[Problem]:
    with pytest.raises(InstrumentError) as excinfo:
        read_xlsx(data)
    return excinfo.value.problems


def row_of(ws: Any, code: str) -> int:
    return next(c.row for c in ws["A"] if c.value == code)


# --- round trip -------------------------------------------------------------------------


def test_example_instrument_round_trip_is_exact() -> None:
    spec = example()
    assert read_xlsx(write_xlsx(spec)) == spec


def test_small_instrument_round_trip_keeps_types_weights_and_unit_order() -> None:
    spec = small()
    back = read_xlsx(write_xlsx(spec))
    assert back == spec
    assert type(back.year) is int and type(back.units[0].quota) is int
    assert back.is_example is False
    assert back.variables[0].indicators[0].weight == 0.30000000000000004
    assert back.variables[1].indicators[0].weight is None
    assert back.variables[1].indicators[0].items[0].weight == 1 / 7
    assert back.variables[0].indicators[0].items[0].weight is None
    assert back.items[0].text == "=SUM(A1)"
    assert back.items[1].units == ("fam", "gov")
    assert back.description == "Baris satu\nBaris dua "
    assert back.answer_options[-1].score is None


def test_workbook_layout_for_excel_users() -> None:
    wb = openpyxl.load_workbook(BytesIO(write_xlsx(example())))
    assert wb.sheetnames == SHEETS
    assert [c.value for c in wb["Butir"][1]] == ["kode", "indikator", "teks", "unit", "bobot"]
    assert [c.value for c in wb["Indikator"][1]] == ["kode", "variabel", "nama", "bobot"]
    assert [c.value for c in wb["Instrumen"]["A"]][1:] == [
        "kode",
        "tahun",
        "versi",
        "judul",
        "deskripsi",
        "contoh",
        "skala_min",
        "skala_maks",
        "agregasi",
        "min_responden",
        "kategori",
    ]
    butir = wb["Butir"]
    assert butir["A1"].font.b and butir.freeze_panes == "A2"
    assert butir["C2"].alignment.wrap_text and butir.column_dimensions["C"].width == 80
    assert butir["B2"].value == "MAS1" and butir["D2"].value == "gov, edu, biz, com"
    assert wb["Variabel"]["C2"].value == 0.25  # a number, not text
    assert wb["Instrumen"]["B7"].value == "ya"
    [variable_list] = wb["Indikator"].data_validations.dataValidation
    assert variable_list.formula1 == "'Variabel'!$A$2:$A$6"
    [indicator_list] = butir.data_validations.dataValidation
    assert indicator_list.formula1 == "'Indikator'!$A$2:$A$17"
    assert "bobot" in " ".join(str(c.value) for c in wb["Petunjuk"]["A"])


# --- edits ------------------------------------------------------------------------------


def test_weights_edited_in_the_workbook_are_read_back() -> None:
    def change(wb: Any) -> None:
        variables = wb["Variabel"]
        variables.cell(row=row_of(variables, "MAS"), column=3, value=0.5)
        variables.cell(row=row_of(variables, "KEL"), column=3, value=0.5)
        items = wb["Butir"]
        items.cell(row=row_of(items, "KEL1_01"), column=5, value=0.25)
        items.cell(row=row_of(items, "KEL1_02"), column=5, value=0.75)

    spec = read_xlsx(edit(write_xlsx(small()), change))
    assert [v.weight for v in spec.variables] == [0.5, 0.5]
    assert [i.weight for i in spec.variables[1].indicators[0].items] == [0.25, 0.75]


def test_numbers_typed_as_text_with_a_decimal_comma_are_numbers() -> None:
    def change(wb: Any) -> None:
        variables = wb["Variabel"]
        variables.cell(row=row_of(variables, "MAS"), column=3, value="0,5")
        variables.cell(row=row_of(variables, "KEL"), column=3, value=" 0.5 ")
        units = wb["Unit observasi"]
        units.cell(row=row_of(units, "gov"), column=3, value="45")

    spec = read_xlsx(edit(write_xlsx(small()), change))
    assert [v.weight for v in spec.variables] == [0.5, 0.5]
    assert spec.units[0].quota == 45


def test_empty_rows_and_extra_columns_are_ignored() -> None:
    def change(wb: Any) -> None:
        wb["Butir"].insert_rows(3, amount=2)
        wb["Butir"]["F1"] = "catatan"
        wb["Butir"]["F2"] = "diperiksa"

    # (re-saved by openpyxl, which keeps 16 digits: the example's weights are short decimals)
    assert read_xlsx(edit(write_xlsx(example()), change)) == example()


def test_a_new_item_row_is_added_to_its_indicator() -> None:
    def change(wb: Any) -> None:
        wb["Butir"].append(["KEL1_03", "KEL1", "Enam", "fam, gov", None])
        items = wb["Butir"]
        items.cell(row=row_of(items, "KEL1_01"), column=5).value = None
        items.cell(row=row_of(items, "KEL1_02"), column=5).value = None

    spec = read_xlsx(edit(write_xlsx(small()), change))
    family = spec.variables[1].indicators[0]
    assert [i.code for i in family.items] == ["KEL1_01", "KEL1_02", "KEL1_03"]
    assert family.items[-1].units == ("fam", "gov")


# --- workbook problems ------------------------------------------------------------------


def test_missing_sheet() -> None:
    data = edit(write_xlsx(small()), lambda wb: wb.remove(wb["Unit observasi"]))
    [problem] = problems_of(data)
    assert problem.code == "workbook.sheet_missing"
    assert "Lembar 'Unit observasi' tidak ditemukan" in problem.message()
    assert "Sheet 'Unit observasi' is missing" in problem.message("en")


def test_missing_header() -> None:
    def change(wb: Any) -> None:
        wb["Butir"]["E1"] = "berat"

    [problem] = problems_of(edit(write_xlsx(small()), change))
    assert problem.code == "workbook.header_missing"
    assert (
        problem.message()
        == "Sheet 'Butir' baris 1: Judul kolom 'bobot' tidak ditemukan di baris 1."
    )


def test_indicator_with_unknown_variable() -> None:
    def change(wb: Any) -> None:
        wb["Indikator"]["B3"] = "XYZ"  # MAS2; its item is not reported as an orphan as well

    problems = problems_of(edit(write_xlsx(small()), change))
    assert problems[0].code == "indicator.unknown_variable"
    assert problems[0].location == "Sheet 'Indikator' baris 3 kolom 'variabel'"
    assert "merujuk variabel yang tidak ada: 'XYZ'" in problems[0].message()
    assert "item.unknown_indicator" not in [p.code for p in problems]


def test_item_with_unknown_indicator() -> None:
    def change(wb: Any) -> None:
        wb["Butir"]["B4"] = "MAS9"

    problems = problems_of(edit(write_xlsx(small()), change))
    assert problems[0].code == "item.unknown_indicator"
    assert problems[0].message() == (
        "Sheet 'Butir' baris 4 kolom 'indikator': "
        "Butir 'MAS2_01' merujuk indikator yang tidak ada: 'MAS9'."
    )


def test_item_without_indicator() -> None:
    def change(wb: Any) -> None:
        wb["Butir"]["B4"] = None

    problems = problems_of(edit(write_xlsx(small()), change))
    assert problems[0].code == "field.missing"
    assert problems[0].location == "Sheet 'Butir' baris 4 kolom 'indikator'"


@pytest.mark.parametrize(
    ("sheet", "cell", "column", "expected"),
    [
        ("Butir", "E5", "bobot", "angka"),
        ("Indikator", "D2", "bobot", "angka"),
        ("Variabel", "C2", "bobot", "angka"),
        ("Pilihan jawaban", "C2", "skor", "angka atau kosong"),
        ("Unit observasi", "C3", "kuota", "bilangan bulat"),
    ],
)
def test_non_numeric_cell_is_reported_by_sheet_row_and_column(
    sheet: str, cell: str, column: str, expected: str
) -> None:
    def change(wb: Any) -> None:
        wb[sheet][cell] = "banyak"

    problems = problems_of(edit(write_xlsx(small()), change))
    assert problems[0].code == "field.type"
    row = cell[1:]
    assert problems[0].message() == (
        f"Sheet '{sheet}' baris {row} kolom '{column}': "
        f"Kolom '{column}' harus berupa {expected}, bukan 'banyak'."
    )


def test_true_is_not_a_score() -> None:
    def change(wb: Any) -> None:
        wb["Pilihan jawaban"]["C2"] = True

    [problem] = problems_of(edit(write_xlsx(small()), change))
    assert problem.code == "field.type"
    assert problem.location == "Sheet 'Pilihan jawaban' baris 2 kolom 'skor'"


def test_thousands_are_not_read_as_a_decimal_quota() -> None:
    def change(wb: Any) -> None:
        wb["Unit observasi"]["C2"] = "1.000"

    codes = [p.code for p in problems_of(edit(write_xlsx(small()), change))]
    assert codes[0] == "field.type"


def test_spec_rules_point_at_the_workbook() -> None:
    def change(wb: Any) -> None:
        wb["Variabel"]["C2"] = 0.5  # variables add up to 0.9
        wb["Butir"]["C3"] = None  # item text missing
        wb["Instrumen"]["B3"] = "dua ribu"  # tahun
        wb["Instrumen"]["B10"] = "median"  # agregasi

    problems = problems_of(edit(write_xlsx(small()), change))
    messages = [p.message() for p in problems]
    assert "Sheet 'Butir' baris 3 kolom 'teks': Kolom 'teks' wajib diisi." in messages
    assert (
        "Sheet 'Instrumen' baris 3: Kolom 'tahun' harus berupa bilangan bulat, bukan 'dua ribu'."
        in messages
    )
    assert any(
        m.startswith("Sheet 'Instrumen' baris 10: Metode agregasi 'median'") for m in messages
    )
    assert any(m.startswith("Sheet 'Variabel': Bobot variabel berjumlah 0.9") for m in messages)


def test_every_problem_is_reported_at_once() -> None:
    def change(wb: Any) -> None:
        wb["Indikator"]["B2"] = "XYZ"
        wb["Butir"]["B5"] = "NOPE"
        wb["Unit observasi"]["C2"] = "empat puluh"
        wb["Variabel"]["C3"] = 0.1

    codes = {p.code for p in problems_of(edit(write_xlsx(small()), change))}
    assert {
        "indicator.unknown_variable",
        "item.unknown_indicator",
        "field.type",
        "weights.sum",
    } <= codes


def test_instrument_sheet_keys_and_yes_no() -> None:
    def change(wb: Any) -> None:
        wb["Instrumen"]["A10"] = "agregat"  # misspelt key: never silently the default
        wb["Instrumen"]["B7"] = "mungkin"  # contoh

    problems = problems_of(edit(write_xlsx(small()), change))
    assert [p.code for p in problems] == ["field.type", "workbook.key_unknown"]
    assert problems[1].location == "Sheet 'Instrumen' baris 10 kolom 'kunci'"
    assert "Unknown key 'agregat'" in problems[1].message("en")
    assert problems[0].message() == (
        "Sheet 'Instrumen' baris 7: Kolom 'contoh' harus berupa ya/tidak, bukan 'mungkin'."
    )


def test_contoh_accepts_excel_booleans() -> None:
    data = edit(write_xlsx(small()), lambda wb: wb["Instrumen"].__setitem__("B7", True))
    assert read_xlsx(data).is_example is True


# --- files that are not instrument workbooks --------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"bukan excel", b"%PDF-1.7\n" + bytes(range(256)) * 8, b"PK\x03\x04" + b"\0" * 64],
)
def test_garbage_bytes_are_a_clear_error(data: bytes) -> None:
    [problem] = problems_of(data)
    assert problem.code == "file.syntax"
    assert "Berkas tidak dapat dibaca" in problem.message()


def test_truncated_workbook_is_a_clear_error() -> None:
    data = write_xlsx(small())
    [problem] = problems_of(data[: len(data) // 2])
    assert problem.code == "file.syntax"


def zipped(files: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_that_is_not_a_workbook() -> None:
    [problem] = problems_of(zipped({"catatan.txt": b"halo"}))
    assert problem.code == "file.syntax"
    assert "bukan buku kerja XLSX" in problem.message()


def test_workbook_with_a_broken_sheet_is_a_clear_error() -> None:
    source = zipfile.ZipFile(BytesIO(write_xlsx(small())))
    files = {name: source.read(name) for name in source.namelist()}
    for name in files:
        if name.startswith("xl/worksheets/sheet"):
            files[name] = b"<worksheet><sheetData><row r='1'><c r='A1'"
    [problem] = problems_of(zipped(files))
    assert problem.code == "file.syntax"


def test_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = zipped({"[Content_Types].xml": b"\0" * (xlsx.MAX_UNPACKED_BYTES + 1)})
    assert len(bomb) < 100_000
    [problem] = problems_of(bomb)
    assert problem.code == "file.syntax"
    assert "MB setelah diekstrak" in problem.message()


def test_sheet_with_too_many_rows_is_refused() -> None:
    def change(wb: Any) -> None:
        for n in range(xlsx.MAX_ROWS + 1):
            wb["Butir"].append([f"X{n}", "MAS1", "teks", "gov"])

    [problem] = problems_of(edit(write_xlsx(small()), change))
    assert problem.code == "workbook.too_many_rows"
    assert problem.message() == "Sheet 'Butir': Lembar 'Butir' berisi lebih dari 5000 baris."


def test_far_away_row_does_not_make_the_reader_walk_to_it() -> None:
    data = edit(write_xlsx(small()), lambda wb: wb["Variabel"].__setitem__("A1000000", "x"))
    [problem] = problems_of(data)
    assert problem.code == "workbook.too_many_rows"
