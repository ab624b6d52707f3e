"""Length and line limits of the Monev texts: refused with one located message on every path
(page, action, database), nothing stored; a visit at the limits still makes its report."""

from __future__ import annotations

import importlib
import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import DataError, IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from kotan.monev import actions, texts
from kotan.monev.actions import MonevError
from kotan.monev.models import FollowUp, FollowUpNote, Point, Session, TeamMember, Visit
from kotan.monev.report import render_docx, render_pdf, visit_report
from tests.support.cast import Cast
from tests.support.monev import Monev, make_visit

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"  # poppler-utils
TOO_LONG = "Teks terlalu panjang: paling banyak 4.000 karakter (sekarang 5.123)."


def messages(exc: pytest.ExceptionInfo[MonevError]) -> list[tuple[str, str]]:
    return [(p.location, p.message()) for p in exc.value.problems]


# --- the actions ------------------------------------------------------------------------------


def test_point_over_the_limit_is_refused_with_the_count_and_not_stored(
    cast: Cast, monev: Monev
) -> None:
    with pytest.raises(MonevError) as exc:
        actions.add_point(actor=cast.ani, session=monev.session, kind="kendala", text="a" * 5123)
    assert messages(exc) == [("text", f"text: {TOO_LONG}")]
    assert monev.session.points.count() == 2


def test_point_at_the_limit_is_stored(cast: Cast, monev: Monev) -> None:
    point = actions.add_point(
        actor=cast.ani, session=monev.session, kind="kendala", text="a" * texts.POINT_MAX
    )
    assert len(Point.objects.get(pk=point.pk).text) == 4000


def test_update_over_the_limit_keeps_the_stored_text(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError):
        actions.update_point(actor=cast.ani, point=monev.obstacle, text="b" * 4001)
    assert Point.objects.get(pk=monev.obstacle.pk).text == "Jumlah personel masih kurang."


def test_too_many_lines_are_refused(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError) as exc:
        actions.add_point(
            actor=cast.ani, session=monev.session, kind="informasi", text="- a\n" * 50 + "- b"
        )
    assert messages(exc) == [
        ("text", "text: Terlalu banyak baris: paling banyak 50 baris (sekarang 51).")
    ]
    assert monev.session.points.count() == 2


def test_a_browsers_line_breaks_count_once_and_are_stored_as_one(cast: Cast, monev: Monev) -> None:
    text = "\r\n".join(["x" * 99] * 40)  # 3,999 characters with \n, 4,038 with \r\n
    point = actions.add_point(actor=cast.ani, session=monev.session, kind="informasi", text=text)
    stored = Point.objects.get(pk=point.pk).text
    assert stored == text.replace("\r\n", "\n") and len(stored) == 3999


@pytest.mark.parametrize(
    ("write", "field", "limit"),
    [
        ("visit", "purpose", 2000),
        ("visit", "title", 300),
        ("team", "name", 200),
        ("session", "received_by", 1000),
        ("session", "other_institutions", 500),
        ("follow_up", "action", 2000),
        ("follow_up", "owner_person", 200),
        ("note", "text", 4000),
        ("status", "note", 4000),
    ],
)
def test_every_text_of_the_report_has_its_limit(
    cast: Cast, monev: Monev, write: str, field: str, limit: int
) -> None:
    too_long = "c" * (limit + 1)
    rows = _counts()
    with pytest.raises(MonevError) as exc:
        if write == "visit":
            actions.update_visit(actor=cast.ani, visit=monev.visit, **{field: too_long})
        elif write == "team":
            actions.add_team_member(
                actor=cast.ani, visit=monev.visit, role="anggota", name=too_long
            )
        elif write == "session":
            actions.add_session(
                actor=cast.ani,
                visit=monev.visit,
                venue="Aula",
                held_on=date(2022, 12, 21),
                **{field: too_long},
            )
        elif write == "follow_up":
            fields = {"action": "Rapat.", "owner": cast.bnnp_jambi, field: too_long}
            actions.create_follow_up(
                actor=cast.ani, point=monev.plan, due_on=date(2023, 1, 31), **fields
            )
        elif write == "note":
            actions.add_note(actor=cast.ani, follow_up=monev.bnnp_follow_up, text=too_long)
        else:
            actions.set_follow_up_status(
                actor=cast.ani, follow_up=monev.bnnp_follow_up, status="berjalan", note=too_long
            )
    [(location, message)] = [(p.location, p.message()) for p in exc.value.problems]
    assert location in (field, "text")
    expected = f"paling banyak {texts.count(limit)} karakter (sekarang {texts.count(limit + 1)})"
    assert expected in message
    assert _counts() == rows
    assert Visit.objects.get(pk=monev.visit.pk).purpose == "Memantau pelaksanaan KOTAN."
    assert FollowUp.objects.get(pk=monev.bnnp_follow_up.pk).status == "belum"


def _counts() -> list[int]:
    models = (Visit, TeamMember, Session, Point, FollowUp, FollowUpNote)
    return [model.objects.count() for model in models]


# --- the pages --------------------------------------------------------------------------------


def test_point_page_refuses_a_long_text_next_to_the_field_and_keeps_it(
    cast: Cast, monev: Monev, client: Client
) -> None:
    client.force_login(cast.budi)
    url = reverse("monev_point_create", args=[monev.session.pk])
    page = client.get(url).content.decode()
    assert "Paling banyak 4.000 karakter, 50 baris." in page
    assert not re.search(r"<textarea[^>]*maxlength", page)  # a paste is never cut silently
    text = "d" * 5123
    response = client.post(url, {"kind": "kendala", "text": text})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<span class="field-error">{TOO_LONG}</span>' in body
    assert text in body  # kept in the form, to be shortened
    assert monev.session.points.count() == 2


def test_progress_note_page_refuses_a_long_note(cast: Cast, monev: Monev, client: Client) -> None:
    client.force_login(cast.budi)
    response = client.post(
        reverse("monev_follow_up_note", args=[monev.bnnp_follow_up.pk]),
        {"noted_on": timezone.localdate().isoformat(), "text": "e" * 5123},
    )
    assert response.status_code == 400
    assert TOO_LONG in response.content.decode()
    assert not FollowUpNote.objects.filter(follow_up=monev.bnnp_follow_up).exists()


def test_visit_page_refuses_a_long_purpose(cast: Cast, monev: Monev, client: Client) -> None:
    client.force_login(cast.budi)
    data = {
        "title": "Monev KOTAN",
        "year": "2022",
        "starts_on": "2022-12-21",
        "ends_on": "2022-12-22",
        "status": "direncanakan",
        "purpose": "f" * 2001,
    }
    response = client.post(reverse("monev_visit_edit", args=[monev.visit.pk]), data)
    assert response.status_code == 200
    assert "paling banyak 2.000 karakter (sekarang 2.001)" in response.content.decode()
    assert Visit.objects.get(pk=monev.visit.pk).purpose == "Memantau pelaksanaan KOTAN."


# --- the database -----------------------------------------------------------------------------


def _limited_fields() -> list[tuple[str, str, bool]]:
    return [
        (model._meta.model_name, field.name, isinstance(field, texts.LimitedTextField))
        for model in apps.get_app_config("monev").get_models()
        for field in model._meta.get_fields()
        if isinstance(field, texts.LimitedCharField | texts.LimitedTextField)
    ]


def test_every_limited_field_has_its_database_checks() -> None:
    fields = _limited_fields()
    assert len(fields) == 13
    names = {
        c.name
        for model in apps.get_app_config("monev").get_models()
        for c in model._meta.constraints
    }
    for model, field, multiline in fields:
        assert f"monev_{model}_{field}_length" in names
        assert (f"monev_{model}_{field}_lines" in names) is multiline


def test_the_database_refuses_what_bypasses_the_actions(monev: Monev) -> None:
    points = Point.objects.filter(pk=monev.obstacle.pk)
    for text in ("g" * 4001, "\n" * 50):
        with pytest.raises(IntegrityError), transaction.atomic():
            points.update(text=text)
    # PostgreSQL's varchar(300) refuses first (DataError); SQLite has only the check.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Visit.objects.filter(pk=monev.visit.pk).update(title="h" * 301)
    assert points.get().text == "Jumlah personel masih kurang."


def test_the_migration_refuses_texts_over_the_limit_and_names_them(
    monev: Monev, monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = importlib.import_module("kotan.monev.migrations.0004_text_length_limits")
    migration.refuse_texts_over_limit(apps, None)  # today's data fits
    monkeypatch.setattr(migration, "LIMITS", [("point", "text", 20, 1)])
    with pytest.raises(RuntimeError) as exc:
        migration.refuse_texts_over_limit(apps, None)
    assert f"monev.point id={monev.plan.pk}: text 32 > 20 characters" in str(exc.value)
    assert Point.objects.get(pk=monev.plan.pk).text == "MoU dengan pemangku kepentingan."


# --- the report at the limits -----------------------------------------------------------------


def test_a_visit_at_every_limit_makes_both_reports(cast: Cast) -> None:
    """Every text at its limit: prose, one unbreakable word, and the most lines."""

    def word(n: int) -> str:
        return ("Kesbangpol" * (n // 10 + 1))[:n]

    def most_lines(n: int) -> str:
        lines = texts.line_limit(n)
        return "\n".join(["- a"] * (lines - 1) + ["z" * (n - 4 * (lines - 1))])

    visit = make_visit(
        cast,
        title=word(texts.LINE_MAX),
        organizer="o" * texts.LINE_MAX,
        period_label="p" * texts.LABEL_MAX,
        purpose=most_lines(texts.PARAGRAPH_MAX),
    )
    actions.add_team_member(
        actor=cast.ani, visit=visit, role="ketua", name="n" * 200, position="j" * 200
    )
    session = actions.add_session(
        actor=cast.ani,
        visit=visit,
        venue=word(texts.LINE_MAX),
        held_on=date(2022, 12, 21),
        other_institutions="i" * texts.LIST_MAX,
        received_by=most_lines(texts.RECEIVED_BY_MAX),
    )
    shapes = [word, most_lines, lambda n: ("Koordinasi lanjutan diperlukan. " * 130)[:n]]
    for shape in shapes:
        point = actions.add_point(
            actor=cast.ani, session=session, kind="kendala", text=shape(texts.POINT_MAX)
        )
        actions.create_follow_up(
            actor=cast.ani,
            point=point,
            action=shape(texts.PARAGRAPH_MAX),
            owner=cast.bnnp_jambi,
            owner_person="q" * 200,
            due_on=timezone.localdate() + timedelta(days=5),
        )
    actions.add_point(actor=cast.ani, session=session, kind="informasi", text="AKHIR-POINTER")
    report = visit_report(visit)
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603 - a fixed program, our own PDF as input
        [PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.replace("\u200b", "").split())  # our break opportunities
    assert "AKHIR-POINTER" in flat
    # The long words wrap (a page break may cut one); none of their text is lost.
    assert flat.count("Kesbangpol") >= (texts.POINT_MAX + texts.PARAGRAPH_MAX) // 10
    document = Document(io.BytesIO(render_docx(report)))
    assert any("AKHIR-POINTER" in p.text for p in document.paragraphs)
