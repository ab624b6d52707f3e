"""One cached spec of a published instrument for every channel; a draft is read fresh."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotan.instruments import actions
from kotan.instruments.queries import instrument_spec, published_spec
from kotan.method.spec import EXAMPLE, load_yaml

pytestmark = pytest.mark.django_db


def test_a_published_instrument_is_read_once_then_served_from_memory() -> None:
    draft = actions.import_instrument(actor=None, spec=load_yaml(EXAMPLE.read_text("utf-8")))
    assert published_spec(draft) == instrument_spec(draft)
    with CaptureQueriesContext(connection) as fresh:
        published_spec(draft)
    assert len(fresh) > 0  # a draft can still change: read again every time

    published = actions.publish_instrument(actor=None, instrument=draft)
    first = published_spec(published)
    with CaptureQueriesContext(connection) as again:
        assert published_spec(published) is first
    assert len(again) == 0
    assert first == instrument_spec(published)
