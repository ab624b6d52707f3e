"""A regency's flat row: the same columns, in the same order, in files and in the database."""

from __future__ import annotations

from kotan.method.engine import FLAT_COLUMNS
from kotan.method.spec import EXAMPLE, load_yaml
from kotan.method.tables import result_table
from kotan.scoring.models import RegencyResult
from kotan.scoring.runs import RESULT_FIELDS
from tests.support.engine import SINGLE, run, single


def test_flat_gives_its_columns_in_order_and_every_one_is_stored() -> None:
    result = run(single("15.04", [1, 2, 3, 4]), SINGLE)
    [regency] = result.regencies
    assert tuple(regency.flat()) == FLAT_COLUMNS
    assert set(FLAT_COLUMNS) <= set(RESULT_FIELDS)
    stored = {f.name for f in RegencyResult._meta.get_fields()}
    assert set(RESULT_FIELDS) <= stored


def test_the_result_file_has_every_flat_column() -> None:
    result = run(single("15.04", [1, 2, 3, 4]), SINGLE)
    header = result_table(result, load_yaml(EXAMPLE.read_text("utf-8")))[0]
    assert set(FLAT_COLUMNS) <= set(header)
    assert header[:4] == ["regency_code", "province_code", "status", "missing_variables"]
