"""Audit trail helpers (django-auditlog)."""

from __future__ import annotations

from typing import Any

SECRET_MASK = "(disembunyikan)"  # noqa: S105 - a placeholder, not a secret


def mask_secret(value: str) -> str:
    """Hide a secret completely in the audit trail; only the fact that it changed is kept.

    auditlog's default mask shows half of the value, which for a password hash is too much.
    """
    return value if value in ("", "None") else SECRET_MASK


def describe_changes(changes: dict[str, Any]) -> list[tuple[str, str]]:
    """An audit entry's changes as (field, "old → new") lines for display."""
    lines = []
    for name, change in changes.items():
        if isinstance(change, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
            objects = ", ".join(str(o) for o in change.get("objects", []))
            lines.append((name, f"{change.get('operation', '')} {objects}".strip()))
        elif isinstance(change, list | tuple) and len(change) == 2:
            old, new = (str(v) if v not in (None, "", "None") else "—" for v in change)
            lines.append((name, f"{old} → {new}"))
        else:
            lines.append((name, str(change)))
    return lines
