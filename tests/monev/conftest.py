"""A Monev visit to Jambi (by the centre) with one session, points and follow-ups, and a visit
to Aceh that nobody in Jambi may see. Built through the real actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from kotan.collection.models import Period
from tests.support.cast import Cast
from tests.support.monev import Monev, build_monev
from tests.support.periods import build_period


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture
def monev(cast: Cast) -> Monev:
    return build_monev(cast)


@pytest.fixture
def period(cast: Cast) -> Period:
    """The collection tests' 2026 period (tests/support/periods.py)."""
    return build_period(cast)
