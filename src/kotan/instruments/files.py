"""An instrument file by its name: YAML or XLSX, to and from bytes (no database)."""

from __future__ import annotations

from pathlib import PurePath

from kotan.instruments.spec import InstrumentError, InstrumentSpec, Problem, dump_yaml, load_yaml
from kotan.instruments.xlsx import read_xlsx, write_xlsx


def read_instrument_bytes(name: str, data: bytes) -> InstrumentSpec:
    suffix = PurePath(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_yaml(data.decode("utf-8", errors="replace"))
    if suffix == ".xlsx":
        return read_xlsx(data)
    raise InstrumentError(
        [Problem("file.syntax", name, {"detail": "gunakan .yaml, .yml atau .xlsx"})]
    )


def instrument_bytes(spec: InstrumentSpec, name: str) -> bytes:
    if PurePath(name).suffix.lower() == ".xlsx":
        return write_xlsx(spec)
    return dump_yaml(spec).encode("utf-8")
