"""Fixtures for every test: the cast (see tests/support/cast.py), built fresh for each test.

Directories whose tests share a world built once per module override ``cast`` in their own
conftest (tests/collection, tests/scoring/test_runs.py, tests/accounts).
"""

from __future__ import annotations

import pytest

from tests.support.cast import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
