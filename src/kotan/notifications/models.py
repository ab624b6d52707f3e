"""The models of kotan.notifications."""

from __future__ import annotations
