"""An instrument file by its name: YAML or XLSX, to and from bytes or a path (no database).

Every failure is an InstrumentError from the problem catalogue, never an OSError, a
UnicodeDecodeError or a zip error whose (English) text would reach the user.
"""

from __future__ import annotations

from pathlib import Path, PurePath

from kotan.method.problems import register_messages
from kotan.method.spec import InstrumentError, InstrumentSpec, Problem, dump_yaml, load_yaml
from kotan.method.spec_xlsx import read_xlsx, write_xlsx

register_messages(
    {
        "file.format": (
            "Format berkas '{name}' tidak didukung (gunakan .yaml, .yml atau .xlsx).",
            "The format of file '{name}' is not supported (use .yaml, .yml or .xlsx).",
        ),
        "file.not_found": ("Berkas '{name}' tidak ditemukan.", "File '{name}' was not found."),
        "file.unreadable": (
            "Berkas '{name}' tidak dapat dibaca.",
            "File '{name}' cannot be read.",
        ),
        "file.unwritable": (
            "Berkas '{name}' tidak dapat ditulis.",
            "File '{name}' cannot be written.",
        ),
        "file.encoding": (
            "Berkas tidak dapat dibaca: isinya bukan teks UTF-8.",
            "The file cannot be read: it is not UTF-8 text.",
        ),
    }
)

SUFFIXES = (".yaml", ".yml", ".xlsx")


def _refused(code: str, name: str) -> InstrumentError:
    return InstrumentError([Problem(code, "", {"name": name})])


def read_instrument_bytes(name: str, data: bytes) -> InstrumentSpec:
    suffix = PurePath(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        try:
            text = data.decode("utf-8-sig")  # a byte order mark from a Windows editor is fine
        except UnicodeDecodeError as exc:
            raise InstrumentError([Problem("file.encoding", "")]) from exc
        return load_yaml(text)
    if suffix == ".xlsx":
        return read_xlsx(data)
    raise _refused("file.format", PurePath(name).name)


def instrument_bytes(spec: InstrumentSpec, name: str) -> bytes:
    if PurePath(name).suffix.lower() == ".xlsx":
        return write_xlsx(spec)
    return dump_yaml(spec).encode("utf-8")


def read_instrument_file(path: Path) -> InstrumentSpec:
    """The instrument in a .yaml/.yml/.xlsx file; InstrumentError for anything wrong with it."""
    if path.suffix.lower() not in SUFFIXES:
        raise _refused("file.format", path.name)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise _refused("file.not_found", str(path)) from exc
    except OSError as exc:  # a directory, no permission, an I/O error
        raise _refused("file.unreadable", str(path)) from exc
    return read_instrument_bytes(path.name, data)


def write_instrument_file(spec: InstrumentSpec, path: Path) -> None:
    """Write the instrument as YAML (any name but .xlsx) or XLSX."""
    content = instrument_bytes(spec, path.name)
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise _refused("file.unwritable", str(path)) from exc
