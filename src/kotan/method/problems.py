"""Problems found in input (files, payloads): stable code, where, bilingual message.

Each module registers its message catalogue once; clients branch on ``code``, people read
``message()`` in Bahasa Indonesia (or English).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# code -> (Bahasa Indonesia, English); templates use str.format with the problem's params.
MESSAGES: dict[str, tuple[str, str]] = {}


def register_messages(catalogue: dict[str, tuple[str, str]]) -> None:
    for code, texts in catalogue.items():
        if MESSAGES.get(code, texts) != texts:
            raise ValueError(f"message code {code!r} registered twice with different texts")
        MESSAGES[code] = texts


# Exit status of a command whose input was refused (file commands and Django commands alike).
EXIT_REFUSED = 2


def _indonesian() -> str:
    return "id"


# Which language a message is in when none is asked for: Bahasa Indonesia in plain Python
# (the file commands); the web app hands in the active request language at start-up.
_active_language: Callable[[], str] = _indonesian


def set_language_source(source: Callable[[], str]) -> None:
    """Let ``Problem.message()`` follow ``source()`` ("id" or "en") by default."""
    global _active_language
    _active_language = source


@dataclass(frozen=True)
class Problem:
    code: str
    location: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        """The message in ``language``; by default the language set by
        ``set_language_source`` (the request's, in the web app; Bahasa Indonesia otherwise)."""
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


def problem_document(problems: list[Problem], **extra: Any) -> dict[str, Any]:
    """The one JSON shape of a refusal, for every endpoint: the first problem on top
    (``code``, ``detail``, ``location``), every problem under ``problems``, then ``extra``."""
    first = problems[0]
    return {
        "code": first.code,
        "detail": first.message(),
        "location": first.location,
        "problems": [p.as_dict() for p in problems],
        **extra,
    }
