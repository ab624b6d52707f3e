"""The world of the scoping matrix: the same objects in Jambi and in Aceh, built once per module.

Jambi (15) around Batanghari (15.04), Aceh (11) around Aceh Utara (11.08), each with a
collection period's assignment, a respondent link, responses, an index result, a Monev visit
with its team, sessions, points, follow-ups (one open, one finished), a note and evidence;
a contact of the Kesbangpol with its own link and a prepared WhatsApp reminder, a notification
for the BNNK operator, and two jobs of the province operator (one finished, one failed).
The period's year also has a final run (synthetic figures) published for the public pages;
2025 has a final run that is not published (its public pages answer 404).

The people are the cast of tests/conftest.py (same names, roles and organisations), plus three
regency-level accounts of Aceh: Intan, operator of BNNK Aceh Utara, Joko, viewer of Aceh
Utara, and Lukman, enumerator there. All names are invented.

The world is built in one transaction held open for the module (``world``); every test runs
inside it in a savepoint that is rolled back, so a test's writes never reach the next test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings
from pytest_django import DjangoDbBlocker

from tests.support.matrix import World, build_world


@pytest.fixture(scope="module")
def world(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    """Built once per module in a transaction rolled back at its end; each test using ``db``
    (as every test does through ``client`` and ``world_db``) runs in a savepoint inside it."""
    media: Path = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world_db(world: World, db: None) -> World:
    """The world, in a test whose writes are rolled back (the ``db`` savepoint)."""
    return world


@pytest.fixture
def queued_email(settings: Any) -> None:
    """Email through production's path, the post_office queue: the test runner's own locmem
    backend would skip it. ``post_office.mail.send_queued()`` then delivers to the outbox."""
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
