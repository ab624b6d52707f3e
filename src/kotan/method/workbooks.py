"""Opening an .xlsx someone sent: the archive checked before openpyxl reads a byte of it.

One opener for every workbook that comes in (instrument files, Excel answers, response
tables). Each caller turns the ``reason`` of a refusal into its own located problem.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from openpyxl import load_workbook


class WorkbookRefused(ValueError):
    """``reason``: "not_zip" (not a zip archive at all), "not_workbook" (a zip without a
    workbook in it), "macro" (macros inside), "too_large" (unpacks beyond the limit),
    "broken" (openpyxl cannot read it)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def open_workbook(
    data: bytes, *, max_unpacked: int | None = None, refuse_macros: bool = False
) -> Any:
    """The workbook, read-only and with cached values instead of formulas. ``max_unpacked``
    bounds the archive's uncompressed size (a zip bomb is refused before it is inflated)."""
    # Any failure to read the archive is the file's fault, whatever openpyxl or zipfile raise.
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            if max_unpacked is not None and sum(i.file_size for i in infos) > max_unpacked:
                raise WorkbookRefused("too_large")
            names = {info.filename.lower() for info in infos}
            if refuse_macros and (
                any(name.endswith("vbaproject.bin") for name in names)
                or (
                    "[content_types].xml" in names
                    and b"macroEnabled" in archive.read("[Content_Types].xml")[:100_000]
                )
            ):
                raise WorkbookRefused("macro")
    except WorkbookRefused:
        raise
    except Exception:
        raise WorkbookRefused("not_zip") from None
    if "xl/workbook.xml" not in names:
        raise WorkbookRefused("not_workbook")
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise WorkbookRefused("broken") from None
