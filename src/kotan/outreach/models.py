"""The models of kotan.outreach."""

from __future__ import annotations
