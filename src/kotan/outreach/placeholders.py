"""Named placeholders of message templates: which each kind of message may use, checking a
text with located messages, and filling it in. Plain Python (no database).

A placeholder is ``{name}``; ``{{`` and ``}}`` write a literal brace. Unknown names and broken
braces are reported by line and column, so an admin can find them in a long text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

PLACEHOLDERS: dict[str, dict[str, str]] = {
    # name -> an example value, shown in the preview and in the list of what is available
    "reminder_before": {
        "nama": "Rina Contoh",
        "wilayah": "Kabupaten Batanghari",
        "periode": "KOTAN 2026",
        "tenggat": "30 Juni 2026",
        "sisa_hari": "7",
        "terisi": "96",
        "target": "180",
        "tautan": "https://si-kotan.invalid/pengingat/15.04/",
    },
    "reminder_after": {
        "nama": "Rina Contoh",
        "wilayah": "Kabupaten Batanghari",
        "periode": "KOTAN 2026",
        "tenggat": "30 Juni 2026",
        "hari_lewat": "3",
        "terisi": "96",
        "target": "180",
        "tautan": "https://si-kotan.invalid/pengingat/15.04/",
    },
    "escalation_province": {
        "nama": "Budi Contoh",
        "provinsi": "Jambi",
        "periode": "KOTAN 2026",
        "tenggat": "30 Juni 2026",
        "jumlah": "2",
        "daftar": "- Kabupaten Batanghari: 96/180\n- Kabupaten Muaro Jambi: 40/180",
        "tautan": "https://si-kotan.invalid/pengumpulan/2026/kemajuan/",
    },
    "escalation_national": {
        "nama": "Ani Contoh",
        "periode": "KOTAN 2026",
        "tenggat": "30 Juni 2026",
        "jumlah": "12",
        "daftar": "- Jambi: 2 kabupaten/kota\n- Aceh: 10 kabupaten/kota",
        "tautan": "https://si-kotan.invalid/pengumpulan/2026/kemajuan/",
    },
    "invitation": {
        "nama": "Rina Contoh",
        "instansi": "Kesbangpol Kabupaten Batanghari",
        "wilayah": "Kabupaten Batanghari",
        "periode": "KOTAN 2026",
        "unit": "Pemerintah",
        "tenggat": "30 Juni 2026",
        "tautan": "https://si-kotan.invalid/isi/contoh/",
    },
}

_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


@dataclass(frozen=True)
class Piece:
    """A stretch of literal text, or a placeholder (``name``)."""

    text: str
    name: str = ""
    start: int = -1  # where a placeholder stands in the source; -1 for literal text


@dataclass(frozen=True)
class Problem:
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return _("baris %(line)d, kolom %(column)d: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


def _location(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def parse(text: str) -> tuple[list[Piece], list[Problem]]:
    """Split ``text`` into literal pieces and placeholders; problems for broken braces."""
    pieces: list[Piece] = []
    problems: list[Problem] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "{}" and text[i + 1 : i + 2] == char:
            literal.append(char)
            i += 2
            continue
        if char == "}":
            problems.append(
                Problem(
                    *_location(text, i),
                    _("'}' tanpa '{' pembuka; tulis '}}' untuk kurung kurawal biasa"),
                )
            )
            i += 1
            continue
        if char == "{":
            end = i + 1
            while end < len(text) and text[end] not in "{}\n":
                end += 1
            if end >= len(text) or text[end] != "}":
                problems.append(
                    Problem(
                        *_location(text, i),
                        _("'{' tidak ditutup dengan '}'; tulis '{{' untuk kurung kurawal biasa"),
                    )
                )
                literal.append(char)
                i += 1
                continue
            if literal:
                pieces.append(Piece("".join(literal)))
                literal = []
            pieces.append(Piece(text[i : end + 1], text[i + 1 : end].strip(), i))
            i = end + 1
            continue
        literal.append(char)
        i += 1
    if literal:
        pieces.append(Piece("".join(literal)))
    return pieces, problems


def check(key: str, text: str) -> list[Problem]:
    """Every problem of ``text`` as a template of kind ``key``: broken braces, unknown names."""
    allowed = PLACEHOLDERS.get(key, {})
    pieces, problems = parse(text)
    available = ", ".join("{" + name + "}" for name in allowed)
    for piece in pieces:
        if piece.start >= 0 and (piece.name not in allowed or not _NAME.match(piece.name)):
            problems.append(
                Problem(
                    *_location(text, piece.start),
                    _("%(placeholder)s tidak dikenal; yang tersedia: %(available)s")
                    % {"placeholder": piece.text, "available": available},
                )
            )
    return sorted(problems, key=lambda p: (p.line, p.column))


# Kinds whose body is only worth sending with the link in it: an invitation without its
# questionnaire's address leaves the recipient nothing to open.
LINK_REQUIRED = frozenset({"invitation"})


def template_errors(key: str, fields: Mapping[str, str]) -> dict[str, list[str]]:
    """Problems per field (``subject``, ``body``), for a ValidationError."""
    errors: dict[str, list[str]] = {}
    for field, text in fields.items():
        problems = check(key, text or "")
        if problems:
            errors[field] = [str(p) for p in problems]
    body = fields.get("body")
    if key in LINK_REQUIRED and body is not None and "body" not in errors:
        pieces, _problems = parse(body)
        if not any(p.start >= 0 and p.name == "tautan" for p in pieces):
            errors["body"] = [
                _(
                    "Isi pesan harus memuat {tautan}: tanpa itu penerima tidak mendapat "
                    "alamat kuesioner untuk dibuka."
                )
            ]
    return errors


def render(text: str, values: Mapping[str, object]) -> str:
    """Fill in the placeholders; an unknown or broken one is left as written."""
    pieces, _problems = parse(text)
    out = []
    for piece in pieces:
        if piece.start >= 0 and piece.name in values:
            out.append(str(values[piece.name]))
        else:
            out.append(piece.text)
    return "".join(out)


def example_values(key: str) -> dict[str, str]:
    return dict(PLACEHOLDERS.get(key, {}))
