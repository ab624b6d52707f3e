"""A world built once per module: one transaction held open for the module, rolled back at its
end. Every test that uses ``db`` runs inside it in a savepoint that is rolled back, so a test's
writes never reach the next one, in any order and on any xdist worker.

Not for tests that need committed data (``transaction=True``, other threads or connections).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from pytest_django import DjangoDbBlocker


@contextmanager
def held_transaction(blocker: DjangoDbBlocker) -> Iterator[None]:
    with blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
