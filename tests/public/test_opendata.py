"""Open data of a published run: CSV, XLSX, JSON; public runs only; no formula injection."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kotan.collection.exports import safe_cell
from kotan.instruments.queries import instrument_spec
from kotan.method.spec import spec_digest
from kotan.public.opendata import FIELDNAMES
from kotan.regions.models import Regency
from kotan.scoring import publication
from tests.support.cast import Cast
from tests.support.public import PublicWorld, public_world_fixtures

EVIL = '=HYPERLINK("https://example.invalid/x","klik")'


world, cast = public_world_fixtures()


def _get(client: Client, year: int, fmt: str) -> bytes:
    response = client.get(reverse("public_data", args=[year, fmt]))
    assert response.status_code == 200, response.status_code
    assert "creativecommons.org/licenses/by/4.0" in response["Link"]
    assert f"ikotan-{year}.{fmt}" in response["Content-Disposition"]
    return response.content


def test_csv_has_one_plain_row_per_regency(world: PublicWorld, client: Client) -> None:
    rows = list(csv.DictReader(io.StringIO(_get(client, 2026, "csv").decode("utf-8"))))
    assert len(rows) == 514 and list(rows[0]) == FIELDNAMES
    first = rows[0]
    assert first["rank_national"] == "1" and first["status"] == "ok"
    assert float(first["index_ci_low"]) < float(first["index"]) < float(first["index_ci_high"])
    assert 0 <= float(first["p_same_category"]) <= 1 and first["category_label"]
    last = rows[-1]
    assert (
        last["status"] == "insufficient_data"
        and last["index"] == ""
        and last["rank_national"] == ""
    )
    assert "n_by_unit" not in first and "variables" not in first  # public fields only


def test_json_has_rows_method_digest_and_licence(world: PublicWorld, client: Client) -> None:
    data = json.loads(_get(client, 2026, "json"))
    meta = data["metadata"]
    assert meta["year"] == 2026 and meta["run"] == world.run.pk
    assert meta["licence"]["name"] == "CC BY 4.0" and "BNN RI" in meta["licence"]["attribution"]
    assert meta["instrument"]["digest_sha256"] == spec_digest(instrument_spec(world.run.instrument))
    assert meta["method"]["bootstrap_replicates"] == 1000 and meta["input_digest_sha256"]
    assert len(data["rows"]) == 514 and set(data["rows"][0]) == set(FIELDNAMES)
    assert [c["name"] for c in meta["columns"]] == FIELDNAMES


def test_xlsx_has_data_and_metadata_sheets(world: PublicWorld, client: Client) -> None:
    wb = load_workbook(io.BytesIO(_get(client, 2026, "xlsx")), read_only=True)
    assert wb.sheetnames == ["Data", "Metadata"]
    data = list(wb["Data"].iter_rows(values_only=True))
    assert list(data[0]) == FIELDNAMES and len(data) == 515
    assert isinstance(data[1][FIELDNAMES.index("index")], float)
    meta = {row[0]: row[1] for row in wb["Metadata"].iter_rows(values_only=True) if row}
    assert "CC BY 4.0" in meta["Lisensi"] and meta["Sidik instrumen (SHA-256)"]


@pytest.mark.parametrize("year", [2025, 2024, 2023])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_not_public_years_are_404(world: PublicWorld, client: Client, year: int, fmt: str) -> None:
    assert client.get(reverse("public_data", args=[year, fmt])).status_code == 404


def test_unknown_format_is_404(world: PublicWorld, client: Client) -> None:
    assert client.get(reverse("public_data", args=[2026, "html"])).status_code == 404


def test_the_provisional_run_is_absent_from_the_data(world: PublicWorld, client: Client) -> None:
    data = json.loads(_get(client, 2026, "json"))
    assert data["metadata"]["run"] == world.run.pk != world.provisional.pk


def test_withdrawn_run_is_gone(world: PublicWorld, cast: Cast, client: Client) -> None:
    publication.withdraw_run(actor=cast.ani, run=world.run, reason="Diperiksa ulang.")
    for fmt in ("csv", "xlsx", "json"):
        assert client.get(reverse("public_data", args=[2026, fmt])).status_code == 404


def test_formula_injection_is_neutralised(world: PublicWorld, client: Client) -> None:
    Regency.objects.filter(code="15.04").update(name=EVIL)
    rows = list(csv.DictReader(io.StringIO(_get(client, 2026, "csv").decode("utf-8"))))
    names = [r["regency_name"] for r in rows if r["regency_code"] == "15.04"]
    assert names == ["'" + EVIL]
    wb = load_workbook(io.BytesIO(_get(client, 2026, "xlsx")), read_only=True)
    cells = [r[1] for r in wb["Data"].iter_rows(values_only=True) if r[0] == "15.04"]
    assert cells == ["'" + EVIL]
    data = json.loads(_get(client, 2026, "json"))  # JSON is data, not a sheet: unchanged
    assert [r["regency_name"] for r in data["rows"] if r["regency_code"] == "15.04"] == [EVIL]
    # The page escapes it as text.
    body = client.get(reverse("public_ranking", args=[2026]), {"q": "HYPERLINK"}).content.decode()
    assert "=HYPERLINK(&quot;https://example.invalid/x&quot;" in body


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_open_data_cells_prefix_every_formula_start(start: str) -> None:
    assert safe_cell(start + "1+1") == "'" + start + "1+1"
    assert safe_cell("Kota " + start) == "Kota " + start
    assert safe_cell(-1.5) == -1.5
