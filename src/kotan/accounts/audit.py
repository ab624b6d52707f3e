"""Audit trail helpers (django-auditlog)."""

from __future__ import annotations

SECRET_MASK = "(disembunyikan)"  # noqa: S105 - a placeholder, not a secret


def mask_secret(value: str) -> str:
    """Hide a secret completely in the audit trail; only the fact that it changed is kept.

    auditlog's default mask shows half of the value, which for a password hash is too much.
    """
    return value if value in ("", "None") else SECRET_MASK
