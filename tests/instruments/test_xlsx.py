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
from kotan.method import spec_xlsx as xlsx
from kotan.method.problems import Problem
from kotan.method.spec import (
    InstrumentError,
    InstrumentSpec,
    load_yaml,
    spec_from_dict,
    spec_to_dict,
)
from kotan.method.spec_xlsx import read_xlsx, write_xlsx

SHEETS = ["Petunjuk", "Instrumen", "Pilihan jawaban", "Unit observasi", "Variabel"]
SHEETS += ["Indikator", "Butir", "Kategori"]


def example() -> InstrumentSpec:
    path = Path(kotan.__file__).parent / "method" / "data" / "ikotan_contoh.yaml"
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
        "kategori_skala",
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
        == "Lembar 'Butir' baris 1: Judul kolom 'bobot' tidak ditemukan di baris 1."
    )
    assert problem.message("en") == (
        "Sheet 'Butir' row 1: Column header 'bobot' is missing from row 1."
    )


def test_indicator_with_unknown_variable() -> None:
    def change(wb: Any) -> None:
        wb["Indikator"]["B3"] = "XYZ"  # MAS2; its item is not reported as an orphan as well

    problems = problems_of(edit(write_xlsx(small()), change))
    assert problems[0].code == "indicator.unknown_variable"
    assert problems[0].location == "Lembar 'Indikator' baris 3 kolom 'variabel'"
    assert "merujuk variabel yang tidak ada: 'XYZ'" in problems[0].message()
    assert "item.unknown_indicator" not in [p.code for p in problems]


def test_item_with_unknown_indicator() -> None:
    def change(wb: Any) -> None:
        wb["Butir"]["B4"] = "MAS9"

    problems = problems_of(edit(write_xlsx(small()), change))
    assert problems[0].code == "item.unknown_indicator"
    assert problems[0].message() == (
        "Lembar 'Butir' baris 4 kolom 'indikator': "
        "Butir 'MAS2_01' merujuk indikator yang tidak ada: 'MAS9'."
    )
    assert problems[0].message("en") == (
        "Sheet 'Butir' row 4 column 'indikator': "
        "Item 'MAS2_01' refers to an unknown indicator: 'MAS9'."
    )


def test_item_without_indicator() -> None:
    def change(wb: Any) -> None:
        wb["Butir"]["B4"] = None

    problems = problems_of(edit(write_xlsx(small()), change))
    assert problems[0].code == "field.missing"
    assert problems[0].location == "Lembar 'Butir' baris 4 kolom 'indikator'"


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
        f"Lembar '{sheet}' baris {row} kolom '{column}': "
        f"Kolom '{column}' harus berupa {expected}, bukan 'banyak'."
    )


def test_true_is_not_a_score() -> None:
    def change(wb: Any) -> None:
        wb["Pilihan jawaban"]["C2"] = True

    [problem] = problems_of(edit(write_xlsx(small()), change))
    assert problem.code == "field.type"
    assert problem.location == "Lembar 'Pilihan jawaban' baris 2 kolom 'skor'"


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
    assert "Lembar 'Butir' baris 3 kolom 'teks': Kolom 'teks' wajib diisi." in messages
    assert (
        "Lembar 'Instrumen' baris 3: Kolom 'tahun' harus berupa bilangan bulat, bukan 'dua ribu'."
        in messages
    )
    assert any(
        m.startswith("Lembar 'Instrumen' baris 10: Metode agregasi 'median'") for m in messages
    )
    assert any(m.startswith("Lembar 'Variabel': Bobot variabel berjumlah 0.9") for m in messages)
    english = [p.message("en") for p in problems]
    assert "Sheet 'Butir' row 3 column 'teks': Field 'teks' is required." in english


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
    assert problems[1].location == "Lembar 'Instrumen' baris 10 kolom 'kunci'"
    assert "Unknown key 'agregat'" in problems[1].message("en")
    assert problems[0].message() == (
        "Lembar 'Instrumen' baris 7: Kolom 'contoh' harus berupa ya/tidak, bukan 'mungkin'."
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
    assert problem.code == "file.not_xlsx"
    assert problem.message() == "Berkas tidak dapat dibaca: bukan berkas XLSX (Excel)."
    assert problem.message("en") == "The file cannot be read: it is not an XLSX (Excel) file."


def test_truncated_workbook_is_a_clear_error() -> None:
    data = write_xlsx(small())
    [problem] = problems_of(data[: len(data) // 2])
    assert problem.code == "file.not_xlsx"  # BadZipFile: its English text is not shown


def zipped(files: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_that_is_not_a_workbook() -> None:
    [problem] = problems_of(zipped({"catatan.txt": b"halo"}))
    assert problem.code == "file.not_workbook"
    assert "bukan buku kerja XLSX" in problem.message()


def test_workbook_with_a_broken_sheet_is_a_clear_error() -> None:
    source = zipfile.ZipFile(BytesIO(write_xlsx(small())))
    files = {name: source.read(name) for name in source.namelist()}
    for name in files:
        if name.startswith("xl/worksheets/sheet"):
            files[name] = b"<worksheet><sheetData><row r='1'><c r='A1'"
    [problem] = problems_of(zipped(files))
    assert problem.code in ("file.not_workbook", "file.broken_workbook")
    assert problem.message().startswith("Berkas tidak dapat dibaca: ")


def test_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = zipped({"[Content_Types].xml": b"\0" * (xlsx.MAX_UNPACKED_BYTES + 1)})
    assert len(bomb) < 100_000
    [problem] = problems_of(bomb)
    assert problem.code == "file.too_large"
    assert "20 MB setelah diekstrak" in problem.message()
    assert "20 MB once unpacked" in problem.message("en")


def test_sheet_with_too_many_rows_is_refused() -> None:
    def change(wb: Any) -> None:
        for n in range(xlsx.MAX_ROWS + 1):
            wb["Butir"].append([f"X{n}", "MAS1", "teks", "gov"])

    [problem] = problems_of(edit(write_xlsx(small()), change))
    assert problem.code == "workbook.too_many_rows"
    assert problem.message() == "Lembar 'Butir': Lembar 'Butir' berisi lebih dari 5000 baris."
    assert problem.message("en") == "Sheet 'Butir': Sheet 'Butir' has more than 5000 rows."


def test_far_away_row_does_not_make_the_reader_walk_to_it() -> None:
    data = edit(write_xlsx(small()), lambda wb: wb["Variabel"].__setitem__("A1000000", "x"))
    [problem] = problems_of(data)
    assert problem.code == "workbook.too_many_rows"


# --- locations in both languages, for the rules found after reading ----------------------


def test_duplicate_codes_and_items_without_units_name_the_sheet_and_row() -> None:
    def change(wb: Any) -> None:
        items = wb["Butir"]
        items.cell(row=row_of(items, "KEL1_02"), column=1, value="MAS1_01")
        items.cell(row=row_of(items, "MAS2_01"), column=4).value = None
        options = wb["Pilihan jawaban"]
        options["A4"] = "4"  # the code of row 3 again

    problems = problems_of(edit(write_xlsx(small()), change))
    messages = [p.message() for p in problems]
    english = [p.message("en") for p in problems]
    assert "Lembar 'Butir' baris 6: Kode 'MAS1_01' dipakai lebih dari sekali." in messages
    assert "Sheet 'Butir' row 6: Code 'MAS1_01' is used more than once." in english
    assert (
        "Lembar 'Butir' baris 4: Butir 'MAS2_01' tidak memiliki unit observasi yang menjawabnya."
        in messages
    )
    assert "Sheet 'Butir' row 4: Item 'MAS2_01' has no observation unit that answers it." in (
        english
    )
    assert "Lembar 'Pilihan jawaban' baris 4: Kode '4' dipakai lebih dari sekali." in messages
    for text in messages:
        assert "Sheet" not in text and " row " not in text
    for text in english:
        assert "Lembar" not in text and "baris" not in text


def test_problems_as_dicts_name_the_place_in_their_language() -> None:
    def change(wb: Any) -> None:
        wb["Pilihan jawaban"]["C3"] = "banyak"

    [problem] = problems_of(edit(write_xlsx(small()), change))
    assert problem.as_dict("en") == {
        "code": "field.type",
        "location": "Sheet 'Pilihan jawaban' row 3 column 'skor'",
        "detail": "Sheet 'Pilihan jawaban' row 3 column 'skor': "
        "Field 'skor' must be angka atau kosong, not 'banyak'.",
    }
    assert problem.as_dict("id")["location"] == "Lembar 'Pilihan jawaban' baris 3 kolom 'skor'"
    assert problem.location == "Lembar 'Pilihan jawaban' baris 3 kolom 'skor'"


def test_duplicate_units_labels_and_long_codes_point_at_their_rows() -> None:
    def change(wb: Any) -> None:
        items = wb["Butir"]
        items.cell(row=row_of(items, "MAS1_02"), column=4, value="fam, gov, fam")
        wb["Pilihan jawaban"]["B4"] = "Selalu"  # the label of row 3 again
        wb["Unit observasi"]["B2"] = "x" * 101

    problems = problems_of(edit(write_xlsx(small()), change))
    assert sorted(p.message() for p in problems) == [
        "Lembar 'Butir' baris 3: Butir 'MAS1_02' menyebut unit observasi 'fam' lebih dari sekali.",
        "Lembar 'Pilihan jawaban' baris 4: Label 'Selalu' dipakai lebih dari sekali.",
        "Lembar 'Unit observasi' baris 2 kolom 'nama': "
        "Kolom 'nama' paling banyak 100 karakter, bukan 101.",
    ]


def test_instrument_sheet_numbers_out_of_range() -> None:
    def change(wb: Any) -> None:
        wb["Instrumen"]["B4"] = 0  # versi
        wb["Instrumen"]["B11"] = 0  # min_responden

    problems = problems_of(edit(write_xlsx(small()), change))
    assert [p.message() for p in problems] == [
        "Lembar 'Instrumen' baris 4: Kolom 'versi' harus antara 1 dan 2147483647, bukan 0.",
        "Lembar 'Instrumen' baris 11: Kolom 'min_responden' harus antara 1 dan 2147483647, "
        "bukan 0.",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ya", True),
        ("tidak", False),
        ("TRUE", True),
        ("false", False),
        (False, False),
        (None, False),
    ],
)
def test_contoh_reads_the_words_the_sheet_writes(value: Any, expected: bool) -> None:
    data = edit(write_xlsx(small()), lambda wb: wb["Instrumen"].__setitem__("B7", value))
    assert read_xlsx(data).is_example is expected


@pytest.mark.parametrize("value", ["mungkin", "y", 1, 0, "benar"])
def test_contoh_refuses_anything_else(value: Any) -> None:
    data = edit(write_xlsx(small()), lambda wb: wb["Instrumen"].__setitem__("B7", value))
    [problem] = problems_of(data)
    assert problem.code == "field.type"
    assert problem.location == "Lembar 'Instrumen' baris 7"


# --- category schemes in the workbook ----------------------------------------------------


def with_categories(categories: Any) -> InstrumentSpec:
    from dataclasses import replace

    return replace(small(), categories=categories)


def fixed() -> Any:
    from kotan.method.categories import Band, FixedBands

    return FixedBands(
        "custom",
        "0-100",
        (
            Band("rendah", "Rendah", 0.0, 100 / 3),
            Band("sedang", "Sedang", 100 / 3, 200 / 3),
            Band("tinggi", "Tinggi", 200 / 3, 100.0),
        ),
    )


def equal() -> Any:
    from kotan.method.categories import Category, EqualIntervals

    return EqualIntervals(
        "custom", "answer", (Category("a", "A"), Category("b", "B"), Category("c", "C"))
    )


def test_custom_schemes_round_trip_through_the_workbook_exactly() -> None:
    from kotan.method.spec import dump_yaml

    for scheme in (fixed(), equal()):
        spec = with_categories(scheme)
        assert spec_from_dict(spec_to_dict(spec)) == spec
        back = read_xlsx(write_xlsx(spec))
        assert back == spec
        assert load_yaml(dump_yaml(back)) == spec
    assert read_xlsx(write_xlsx(with_categories("2022-terbit"))).categories == "2022-terbit"


def test_the_categories_sheet_layout() -> None:
    wb = openpyxl.load_workbook(BytesIO(write_xlsx(with_categories(fixed()))))
    sheet = wb["Kategori"]
    assert [c.value for c in sheet[1]] == ["kode", "label", "bawah", "atas"]
    assert [c.value for c in sheet[2]] == ["rendah", "Rendah", 0, 100 / 3]
    assert wb["Instrumen"]["B12"].value == "fixed"
    assert wb["Instrumen"]["B13"].value == "0-100"
    preset = openpyxl.load_workbook(BytesIO(write_xlsx(small())))
    assert preset["Instrumen"]["B12"].value == "2019"
    assert preset["Instrumen"]["B13"].value is None
    assert preset["Kategori"].max_row == 1  # headers only


def test_a_workbook_without_the_categories_sheet_still_reads() -> None:
    # (re-saved by openpyxl, which keeps 16 digits: the example's weights are short decimals)
    data = edit(write_xlsx(example()), lambda wb: wb.remove(wb["Kategori"]))
    assert read_xlsx(data) == example()


def test_categories_typed_in_the_workbook() -> None:
    def change(wb: Any) -> None:
        wb["Instrumen"]["B12"] = "equal_interval"
        wb["Kategori"].append(["rendah", "Rendah"])
        wb["Kategori"].append(["tinggi", "Tinggi"])

    spec = read_xlsx(edit(write_xlsx(small()), change))
    assert (
        spec.categories
        == spec_from_dict(
            {
                **spec_to_dict(small()),
                "categories": {
                    "kind": "equal_interval",
                    "k": 2,
                    "labels": [
                        {"code": "rendah", "label": "Rendah"},
                        {"code": "tinggi", "label": "Tinggi"},
                    ],
                },
            }
        ).categories
    )


def test_category_problems_point_at_the_workbook() -> None:
    def change(wb: Any) -> None:
        wb["Instrumen"]["B12"] = "fixed"
        wb["Instrumen"]["B13"] = "answer"
        sheet = wb["Kategori"]
        sheet.append(["rendah", "Rendah", 0, 2])  # scale 0..4.5
        sheet.append(["tinggi", "Tinggi", 2.5, 4.5])  # gap
        sheet.append(["tinggi", "Tinggi lagi", 4.5, "banyak"])

    problems = problems_of(edit(write_xlsx(small()), change))
    assert [p.message() for p in problems] == [
        "Lembar 'Kategori' baris 3 kolom 'bawah': Kelas 'tinggi' harus dimulai tepat pada "
        "batas atas kelas sebelumnya (2.0), bukan 2.5.",
        "Lembar 'Kategori' baris 4: Kode 'tinggi' dipakai lebih dari sekali.",
        "Lembar 'Kategori' baris 4 kolom 'atas': Kolom 'atas' harus berupa angka, bukan 'banyak'.",
    ]


def test_category_scheme_problems_as_a_whole() -> None:
    def change(wb: Any) -> None:
        wb["Instrumen"]["B12"] = "fixed"
        wb["Instrumen"]["B13"] = "persen"
        wb["Kategori"].append(["semua", "Semua", 0, 4.5])

    problems = problems_of(edit(write_xlsx(small()), change))
    assert [p.message("en") for p in problems] == [
        "Sheet 'Instrumen' row 13: Unknown scale of the category scheme 'persen' "
        "(choose: answer, 0-100).",
        "Sheet 'Kategori': A category scheme needs at least 2 classes, not 1.",
    ]


def test_a_preset_with_classes_in_the_sheet_is_refused() -> None:
    def change(wb: Any) -> None:
        wb["Kategori"].append(["a", "A", 0, 50])

    [problem] = problems_of(edit(write_xlsx(small()), change))
    assert problem.code == "workbook.categories_unused"
    assert problem.location == "Lembar 'Kategori' baris 2"
    assert problem.message() == (
        "Lembar 'Kategori' baris 2: Kategori '2019' adalah skema bawaan: kosongkan kunci "
        "'kategori_skala' dan lembar 'Kategori'."
    )
    data = edit(write_xlsx(small()), lambda wb: wb["Instrumen"].__setitem__("B13", "answer"))
    [problem] = problems_of(data)
    assert problem.location == "Lembar 'Instrumen' baris 13"


def test_equal_intervals_take_no_bounds() -> None:
    def change(wb: Any) -> None:
        sheet = wb["Kategori"]
        sheet["C2"] = 1

    data = edit(write_xlsx(with_categories(equal())), change)
    [problem] = problems_of(data)
    assert problem.message() == (
        "Lembar 'Kategori' baris 2 kolom 'bawah': "
        "Kelas equal_interval tidak memakai batas: kosongkan kolom 'bawah'."
    )


def test_unknown_preset_points_at_the_kategori_row() -> None:
    data = edit(write_xlsx(small()), lambda wb: wb["Instrumen"].__setitem__("B12", "2030"))
    [problem] = problems_of(data)
    assert problem.code == "categories.unknown"
    assert problem.location == "Lembar 'Instrumen' baris 12"
    assert "2022-terbit" in problem.message()


def test_a_workbook_from_before_custom_schemes_still_reads() -> None:
    def change(wb: Any) -> None:
        wb.remove(wb["Kategori"])
        wb["Instrumen"].delete_rows(13)  # kategori_skala

    data = edit(write_xlsx(example()), change)
    assert read_xlsx(data) == example()
