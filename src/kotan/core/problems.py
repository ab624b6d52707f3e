"""Problems found in input (files, payloads): stable code, where, bilingual message.

Each module registers its message catalogue once; clients branch on ``code``, people read
``message()`` in Bahasa Indonesia (or English).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

# code -> (Bahasa Indonesia, English); templates use str.format with the problem's params.
MESSAGES: dict[str, tuple[str, str]] = {}


def register_messages(catalogue: dict[str, tuple[str, str]]) -> None:
    for code, texts in catalogue.items():
        if MESSAGES.get(code, texts) != texts:
            raise ValueError(f"message code {code!r} registered twice with different texts")
        MESSAGES[code] = texts


def _active_language() -> str:
    if "django" not in sys.modules:  # plain-Python callers stay free of Django
        return "id"
    from django.utils.translation import get_language

    return "en" if (get_language() or "id").startswith("en") else "id"


@dataclass(frozen=True)
class Problem:
    code: str
    location: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        """The message in ``language``; by default the active Django language (Bahasa
        Indonesia outside Django, e.g. in the file commands)."""
        if language is None:
            language = _active_language()
        indonesian, english = MESSAGES[self.code]
        text = (english if language == "en" else indonesian).format(**self.params)
        return f"{self.location}: {text}" if self.location else text

    def as_dict(self, language: str | None = None) -> dict[str, Any]:
        return {"code": self.code, "location": self.location, "detail": self.message(language)}


class ProblemsError(ValueError):
    """Input rejected as a whole; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message("id") for p in problems[:20]))
