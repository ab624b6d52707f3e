"""Which function runs which kind of job, by dotted path, so jobs imports no app above it.

Each app that has long work keeps a module ``<app>/jobs.py`` calling ``register(kind, path)``;
``JobsConfig.ready()`` imports every such module of SI-KOTAN's own apps (``discover``), in the
web process and in the worker alike. A runner is::

    def run(job: Job, progress: Progress) -> JobResult

It calls ``progress(done, total, note)`` as it goes (``note`` in Bahasa Indonesia, shown on the
job's page) and returns a file, a page address, or both. It raises ``JobFailure`` with a
message for the user when the work cannot be done; any other exception is recorded too, with
a general message for the user and the traceback for national admins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import IO, TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string, module_has_submodule

if TYPE_CHECKING:
    from kotan.jobs.models import Job

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class JobResult:
    """What a runner made: a file (bytes or an open binary file) with its name, and/or a URL."""

    content: bytes | IO[bytes] | None = None
    filename: str = ""
    content_type: str = "application/octet-stream"
    url: str = ""


class JobFailure(Exception):
    """The work cannot be done, for a reason the user can read (Bahasa Indonesia)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Runner = Callable[["Job", Progress], JobResult]
_RUNNERS: dict[str, str] = {}


def register(kind: str, path: str) -> None:
    """Name the function (``"package.module.function"``) that runs jobs of ``kind``."""
    known = _RUNNERS.get(kind)
    if known is not None and known != path:
        raise ImproperlyConfigured(f"job kind {kind!r} is already run by {known}")
    _RUNNERS[kind] = path


def is_registered(kind: str) -> bool:
    return kind in _RUNNERS


def runner(kind: str) -> Runner:
    try:
        path = _RUNNERS[kind]
    except KeyError as exc:
        raise ImproperlyConfigured(f"no runner registered for job kind {kind!r}") from exc
    function: Runner = import_string(path)
    return function


def discover() -> None:
    """Import ``jobs.py`` of every SI-KOTAN app that has one (they call ``register``)."""
    for config in apps.get_app_configs():
        if config.name.startswith("kotan.") and module_has_submodule(config.module, "jobs"):
            import_module(f"{config.name}.jobs")
