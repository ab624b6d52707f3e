"""The demo Monev visit: entered through the actions, idempotent, reportable."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from docx import Document

from kotan.accounts.demo import load_demo
from kotan.instruments.demo import load_demo_instrument
from kotan.monev.demo import BNNP_POINTS, TEAM, load_demo_monev
from kotan.monev.models import FollowUp, FollowUpNote, Point, Session, Visit
from kotan.monev.report import render_docx, visit_report


@pytest.mark.django_db
def test_demo_visit_is_built_once_through_the_actions() -> None:
    load_demo()
    load_demo_instrument()
    visit = load_demo_monev()
    counts = (
        Visit.objects.count(),
        Session.objects.count(),
        Point.objects.count(),
        FollowUp.objects.count(),
        FollowUpNote.objects.count(),
        LogEntry.objects.count(),
    )
    assert counts[:4] == (1, 6, 14, 6)
    assert load_demo_monev() == visit
    assert (
        Visit.objects.count(),
        Session.objects.count(),
        Point.objects.count(),
        FollowUp.objects.count(),
        FollowUpNote.objects.count(),
        LogEntry.objects.count(),
    ) == counts
    # audited with the demo accounts as actors
    assert LogEntry.objects.get_for_object(visit).first().actor.username == "admin"  # type: ignore[union-attr]
    assert [m.name for m in visit.team.all()] == [name for _role, name, _pos in TEAM]
    statuses = sorted((fu.status, fu.is_verified, fu.terlambat) for fu in FollowUp.objects.all())
    assert statuses == [
        ("belum", False, True),
        ("belum", False, True),
        ("berjalan", False, True),
        ("berjalan", False, True),  # reopened after verification
        ("selesai", False, False),
        ("selesai", True, False),
    ]
    assert Point.objects.filter(variable_code="LEM").count() == 3


@pytest.mark.django_db
def test_demo_report_numbers_the_fourteen_points_of_the_first_session() -> None:
    load_demo()
    visit = load_demo_monev()  # without an instrument: points carry no variable
    paragraphs = [p.text for p in Document(io.BytesIO(render_docx(visit_report(visit)))).paragraphs]
    first = paragraphs.index("Pointer 1 (Ruang Rapat Kantor BNNP Jambi)")
    second = paragraphs.index("Pointer 2 (Ruang Rapat Kesbangpol Provinsi Jambi)")
    numbered = [t for t in paragraphs[first:second] if t[:3].rstrip(".\t").isdigit()]
    assert numbered == [f"{n}.\t{p.text}" for n, p in enumerate(BNNP_POINTS, start=1)]
    assert not Point.objects.exclude(variable_code="").exists()


@pytest.mark.django_db
def test_demo_needs_the_demo_accounts() -> None:
    with pytest.raises(LookupError):
        load_demo_monev()
    assert not Visit.objects.exists()
