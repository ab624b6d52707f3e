"""Monev analytics: obstacles by theme, overdue follow-ups by owner, regencies next to their
weakest IKOTAN variables; all within the user's scope."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.collection.models import Period
from kotan.monev import actions, analytics
from kotan.monev.models import Theme
from kotan.regions.models import Regency
from kotan.scoring.models import IndexRun, RegencyResult
from tests.support.cast import Cast
from tests.support.monev import Monev, make_visit


def store_run(period: Period, cast: Cast) -> IndexRun:
    """A stored run with known variable scores for Batanghari (scale 1–4)."""
    run = IndexRun.objects.create(
        period=period,
        kind=IndexRun.Kind.PROVISIONAL,
        created_by=cast.ani,
        instrument=period.instrument,
        instrument_year=period.instrument.year,
        instrument_version=period.instrument.version,
        engine_version="test",
        method={"aggregation": "pooled"},
        bands=[],
        input_digest="0" * 64,
        n_responses=1,
        n_answers=1,
        duration_ms=1,
    )
    RegencyResult.objects.create(
        run=run,
        regency=Regency.objects.get(code="15.04"),
        n_respondents=180,
        n_by_unit={},
        n_answers=1,
        n_excluded=0,
        input_digest="0" * 64,
        status="ok",
        variables={"MAS": 3.5, "WIL": 1.6, "LEM": 2.2, "HUK": 3.0, "KEL": None},
        indicators={},
        index=2.8,
        index_100=60.0,
    )
    return run


def test_obstacle_themes_per_year_and_province_in_scope(cast: Cast, monev: Monev) -> None:
    later = make_visit(cast, year=2023, title="Monev 2023")
    session = actions.add_session(
        actor=cast.ani, visit=later, venue="Kantor", held_on=later.starts_on, methods=[]
    )
    actions.add_point(
        actor=cast.ani,
        session=session,
        kind="kendala",
        text="Personel lagi.",
        themes=[Theme.objects.get(code="personel"), Theme.objects.get(code="anggaran")],
    )
    table = analytics.theme_table(cast.budi, "year", None, None)
    assert table.columns == ["2023", "2022"]
    rows = {r.code: (r.total, r.by_column, r.n_visits) for r in table.rows}
    assert rows == {"personel": (2, [1, 1], 2), "anggaran": (1, [1, 0], 1)}
    by_province = analytics.theme_table(cast.ani, "province", None, None)
    assert by_province.columns == ["Aceh", "Jambi"]
    assert {r.code: r.by_column for r in by_province.rows} == {
        "personel": [0, 2],
        "anggaran": [0, 1],
        "": [1, 0],  # Aceh's obstacle has no theme
    }
    assert analytics.theme_table(cast.budi, "year", 2030, None).rows == []


def test_overdue_by_owner_and_province(cast: Cast, monev: Monev) -> None:
    actions.create_follow_up(
        actor=cast.ani,
        point=monev.plan,
        action="Terlambat juga.",
        owner=cast.bnnk_batanghari,
        due_on=timezone.localdate() - timedelta(days=40),
    )
    rows = [
        (r.owner, r.province, r.n_overdue, r.n_open)
        for r in analytics.overdue_by_owner(cast.ani, None, None)
    ]
    assert rows == [("BNNK Batanghari", "Jambi", 2, 2), ("BNNP Aceh", "Aceh", 1, 1)]
    assert [r.owner for r in analytics.overdue_by_owner(cast.hadi, None, None)] == ["BNNP Aceh"]


def test_regency_points_next_to_weakest_variables(
    cast: Cast,
    monev: Monev,
    period: Period,
) -> None:
    rows, run = analytics.regency_rows(cast.budi, None, None)
    assert run is None
    assert [(r.regency.code, r.weakest) for r in rows] == [("15.04", [])]
    store_run(period, cast)
    actions.update_point(actor=cast.ani, point=monev.obstacle, variable_code="WIL")
    rows, run = analytics.regency_rows(cast.budi, None, None)
    (row,) = rows
    assert [w.code for w in row.weakest] == ["WIL", "LEM"]
    assert row.weakest[0].score_100 == (1.6 - 1) / 3 * 100
    assert row.weak_codes == {"WIL", "LEM"} and row.kinds["kendala"] == 1
    assert analytics.regency_rows(cast.hadi, None, None)[0] == []


def test_analytics_page(cast: Cast, monev: Monev, client: Client, period: Period) -> None:
    store_run(period, cast)
    actions.update_point(actor=cast.ani, point=monev.obstacle, variable_code="WIL")
    client.force_login(cast.gita)
    body = client.get(reverse("monev_analytics")).content.decode()
    assert "Personel" in body and "BNNK Batanghari" in body
    assert "Kabupaten Batanghari" in body and "Kewilayahan" in body and "terlemah" in body
    assert "BNNP Aceh" not in body
    client.force_login(cast.hadi)
    body = client.get(reverse("monev_analytics") + "?provinsi=11").content.decode()
    assert "BNNP Aceh" in body and "Batanghari" not in body
    assert client.get(reverse("monev_analytics") + "?provinsi=15").status_code == 404


def test_results_of_regencies_outside_a_bnnk_stay_hidden(
    cast: Cast,
    monev: Monev,
    period: Period,
) -> None:
    """A BNNK reads its province's Monev points, but index results only of its own regencies."""
    from kotan.accounts import actions as account_actions
    from kotan.accounts.models import Role
    from kotan.regions.models import Regency

    kota_jambi = account_actions.create_user(
        actor=None,
        username="operator.kotajambi",
        password=None,
        role=Role.REGENCY_OPERATOR,
        full_name="Operator Kota Jambi",
        regency=Regency.objects.get(code="15.71"),
    )
    store_run(period, cast)
    (row,) = analytics.regency_rows(kota_jambi, None, None)[0]
    assert row.regency.code == "15.04" and row.weakest == [] and row.index_100 is None
    (own,) = analytics.regency_rows(cast.citra, None, None)[0]  # Batanghari is citra's
    assert [w.code for w in own.weakest] == ["WIL", "LEM"]
