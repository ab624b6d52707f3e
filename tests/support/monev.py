"""A Monev visit to Jambi (by the centre) with one session, points and follow-ups, and a visit
to Aceh that nobody in Jambi may see. Built through the real actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from kotan.monev import actions
from kotan.monev.models import FollowUp, Point, Session, Theme, Visit
from kotan.regions.models import Province, Regency
from tests.support.cast import Cast


@dataclass
class Monev:
    visit: Visit
    session: Session
    obstacle: Point
    plan: Point
    bnnk_follow_up: FollowUp  # owned by BNNK Batanghari, overdue
    bnnp_follow_up: FollowUp  # owned by BNNP Jambi, due in the future
    aceh_visit: Visit
    aceh_follow_up: FollowUp


def make_visit(cast: Cast, province_code: str = "15", **overrides: object) -> Visit:
    fields: dict[str, object] = {
        "year": 2022,
        "period_label": "Semester II",
        "title": "Monev KOTAN",
        "organizer": "Direktorat Peran Serta Masyarakat",
        "starts_on": date(2022, 12, 21),
        "ends_on": date(2022, 12, 22),
        "purpose": "Memantau pelaksanaan KOTAN.",
        **overrides,
    }
    return actions.create_visit(
        actor=cast.ani, province=Province.objects.get(code=province_code), **fields
    )


def build_monev(cast: Cast) -> Monev:
    today = timezone.localdate()
    visit = make_visit(cast, regencies=[Regency.objects.get(code="15.04")])
    session = actions.add_session(
        actor=cast.ani,
        visit=visit,
        venue="Ruang Rapat Kantor BNNP Jambi",
        held_on=date(2022, 12, 21),
        received_by="Kepala BNNP Jambi",
        methods=["diskusi"],
        institutions=[cast.bnnp_jambi, cast.bnnk_batanghari],
    )
    obstacle = actions.add_point(
        actor=cast.ani,
        session=session,
        kind="kendala",
        text="Jumlah personel masih kurang.",
        themes=[Theme.objects.get(code="personel")],
        regency=Regency.objects.get(code="15.04"),
    )
    plan = actions.add_point(
        actor=cast.ani, session=session, kind="rencana", text="MoU dengan pemangku kepentingan."
    )
    bnnk_follow_up = actions.create_follow_up(
        actor=cast.ani,
        point=obstacle,
        action="Koordinasi dengan Kesbangpol.",
        owner=cast.bnnk_batanghari,
        owner_person="Kepala BNNK Batanghari",
        due_on=today - timedelta(days=3),
        priority="tinggi",
    )
    bnnp_follow_up = actions.create_follow_up(
        actor=cast.ani,
        point=plan,
        action="Menyiapkan MoU.",
        owner=cast.bnnp_jambi,
        due_on=today + timedelta(days=30),
    )
    aceh_visit = make_visit(cast, "11", title="Monev Aceh")
    aceh_session = actions.add_session(
        actor=cast.ani,
        visit=aceh_visit,
        venue="Ruang Rapat BNNP Aceh",
        held_on=date(2022, 12, 21),
        methods=["wawancara"],
    )
    aceh_point = actions.add_point(
        actor=cast.ani, session=aceh_session, kind="kendala", text="Sinyal tidak stabil di Aceh."
    )
    aceh_follow_up = actions.create_follow_up(
        actor=cast.ani,
        point=aceh_point,
        action="Tindak lanjut Aceh.",
        owner=cast.bnnp_aceh,
        due_on=today - timedelta(days=1),
    )
    return Monev(
        visit, session, obstacle, plan, bnnk_follow_up, bnnp_follow_up, aceh_visit, aceh_follow_up
    )
