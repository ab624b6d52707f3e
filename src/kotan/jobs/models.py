"""The models of kotan.jobs."""

from __future__ import annotations
