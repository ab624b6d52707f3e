"""The reminder schedule as plain rules: which step (if any) falls on a day, and the check of a
list of days. No database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

MAX_DAYS = 90
# Escalation to the centre starts this many days after the deadline (the BNNP has had time).
NATIONAL_ESCALATION_AFTER = 3


@dataclass(frozen=True)
class Step:
    """A point of the schedule: ``before`` 7 is seven days before the deadline."""

    when: str  # "before" | "after"
    days: int

    @property
    def code(self) -> str:
        return f"{self.when}{self.days}"


def step_on(
    deadline: date, today: date, days_before: Sequence[int], days_after: Sequence[int]
) -> Step | None:
    """The step of the schedule that falls on ``today`` for an assignment due on ``deadline``."""
    delta = (deadline - today).days
    if delta > 0 and delta in days_before:
        return Step("before", delta)
    if delta < 0 and -delta in days_after:
        return Step("after", -delta)
    if delta == 0 and 0 in days_before:
        return Step("before", 0)
    return None


def day_list_error(value: object) -> str:
    """Why ``value`` is not a valid list of days (whole numbers 0..90, each once), or ''."""
    if not isinstance(value, list):
        return _("Isikan daftar hari, misalnya 14, 7, 3, 1.")
    seen: set[int] = set()
    for position, day in enumerate(value, start=1):
        if isinstance(day, bool) or not isinstance(day, int):
            return _("Isian ke-%(n)d bukan bilangan bulat.") % {"n": position}
        if not 0 <= day <= MAX_DAYS:
            return _("Isian ke-%(n)d (%(day)d) harus antara 0 dan %(max)d hari.") % {
                "n": position,
                "day": day,
                "max": MAX_DAYS,
            }
        if day in seen:
            return _("Isian ke-%(n)d (%(day)d) tercantum dua kali.") % {"n": position, "day": day}
        seen.add(day)
    return ""


def parse_day_list(text: str) -> tuple[list[int], str]:
    """Read "14, 7, 3, 1" into a list of days, or return the located problem."""
    days: list[int] = []
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    for position, part in enumerate(parts, start=1):
        if not part:
            if len(parts) == 1:
                return [], ""
            return [], _("Isian ke-%(n)d kosong.") % {"n": position}
        try:
            days.append(int(part))
        except ValueError:
            return [], _("Isian ke-%(n)d (%(text)s) bukan bilangan bulat.") % {
                "n": position,
                "text": part[:20],
            }
    return days, day_list_error(days)
