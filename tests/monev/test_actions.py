"""Monev writes: who may make them, what input is refused, and the audit trail."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kotan.monev import actions
from kotan.monev.actions import MonevError
from kotan.monev.models import FollowUp, FollowUpEvidence, FollowUpNote, Point, Theme, Visit
from kotan.regions.models import Province, Regency
from tests.support.cast import Cast
from tests.support.files import PDF_BYTES
from tests.support.monev import Monev, make_visit


def codes(exc: pytest.ExceptionInfo[MonevError]) -> list[tuple[str, str]]:
    return [(p.code, p.location) for p in exc.value.problems]


def entries(obj: object) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk"))  # type: ignore[arg-type]


# --- visits, sessions, points -----------------------------------------------------------------


def test_create_visit_is_audited_with_actor_and_regencies(cast: Cast) -> None:
    visit = make_visit(cast, regencies=[Regency.objects.get(code="15.04")])
    log = entries(visit)
    assert [e.action for e in log] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == cast.ani for e in log)
    assert "regencies" in log[1].changes_dict


def test_province_operator_plans_visits_in_own_province_only(cast: Cast) -> None:
    assert make_visit_as(cast, cast.budi, "15").province.code == "15"
    with pytest.raises(MonevError) as exc:
        make_visit_as(cast, cast.budi, "11")
    assert codes(exc) == [("monev.denied", "")]
    for user in (cast.citra, cast.gita, cast.fajar, cast.dewi):
        with pytest.raises(MonevError):
            make_visit_as(cast, user, "15")
    assert Visit.objects.count() == 1


def make_visit_as(cast: Cast, user: object, province: str) -> Visit:
    return actions.create_visit(
        actor=user,  # type: ignore[arg-type]
        province=Province.objects.get(code=province),
        year=2023,
        title="Monev",
        starts_on=date(2023, 3, 1),
        ends_on=date(2023, 3, 2),
    )


def test_bad_visit_input_lists_every_problem_and_writes_nothing(cast: Cast) -> None:
    with pytest.raises(MonevError) as exc:
        make_visit(
            cast,
            starts_on=date(2022, 12, 22),
            ends_on=date(2022, 12, 21),
            regencies=[Regency.objects.get(code="11.08")],
        )
    assert codes(exc) == [("monev.dates", "ends_on"), ("monev.regency_province", "regencies")]
    assert not Visit.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="visit").exists()


def test_visit_dates_cannot_move_away_from_its_sessions(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError) as exc:
        actions.update_visit(
            actor=cast.budi, visit=monev.visit, starts_on=date(2023, 1, 5), ends_on=date(2023, 1, 6)
        )
    assert codes(exc) == [("monev.sessions_outside", "starts_on")]
    monev.visit.refresh_from_db()
    assert monev.visit.starts_on == date(2022, 12, 21)


def test_update_visit_status_by_bnnp_is_audited(cast: Cast, monev: Monev) -> None:
    actions.update_visit(actor=cast.budi, visit=monev.visit, status="dilaksanakan")
    last = entries(monev.visit)[-1]
    assert last.actor == cast.budi
    assert last.changes_dict["status"] == ["direncanakan", "dilaksanakan"]
    with pytest.raises(MonevError):
        actions.update_visit(actor=cast.hadi, visit=monev.visit, status="dilaporkan")


def test_session_must_fall_within_the_visit(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError) as exc:
        actions.add_session(
            actor=cast.budi,
            visit=monev.visit,
            venue="Ruang Rapat Universitas Jambi",
            held_on=date(2022, 12, 23),
            methods=["diskusi", "menari"],
            institutions=[cast.kesbangpol_aceh_utara],
        )
    assert codes(exc) == [
        ("monev.session_date", "held_on"),
        ("monev.method", "methods"),
        ("monev.owner_province", "institutions"),
    ]
    assert monev.visit.sessions.count() == 1


def test_points_are_numbered_in_order_and_move(cast: Cast, monev: Monev) -> None:
    third = actions.add_point(actor=cast.budi, session=monev.session, kind="capaian", text="C")
    assert [p.pk for p in monev.session.points.all()] == [
        monev.obstacle.pk,
        monev.plan.pk,
        third.pk,
    ]
    actions.move_point(actor=cast.budi, point=third, up=True)
    actions.move_point(actor=cast.budi, point=third, up=True)
    actions.move_point(actor=cast.budi, point=third, up=True)  # already first: nothing moves
    assert [p.pk for p in monev.session.points.all()] == [
        third.pk,
        monev.obstacle.pk,
        monev.plan.pk,
    ]
    assert entries(third)[-1].actor == cast.budi


def test_point_input_rules(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError) as exc:
        actions.add_point(
            actor=cast.budi,
            session=monev.session,
            kind="capaian",
            text="  ",
            themes=[Theme.objects.get(code="anggaran")],
            variable_code="XYZ",
            regency=Regency.objects.get(code="11.08"),
        )
    assert codes(exc) == [
        ("monev.text_required", "text"),
        ("monev.themes_obstacle", "themes"),
        ("monev.variable", "variable_code"),
        ("monev.regency_province", "regency"),
    ]
    with pytest.raises(MonevError) as exc:
        actions.add_point(actor=cast.budi, session=monev.session, kind="gosip", text="x")
    assert codes(exc) == [("monev.field", "kind")]
    assert monev.session.points.count() == 2


def test_point_that_stops_being_an_obstacle_loses_its_themes(cast: Cast, monev: Monev) -> None:
    actions.update_point(actor=cast.budi, point=monev.obstacle, kind="informasi")
    assert not monev.obstacle.themes.exists()


def test_points_with_follow_ups_are_not_removed(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError) as exc:
        actions.remove_point(actor=cast.budi, point=monev.obstacle)
    assert codes(exc) == [("monev.has_follow_ups", "")]
    with pytest.raises(MonevError):
        actions.remove_session(actor=cast.budi, session=monev.session)
    assert Point.objects.filter(pk=monev.obstacle.pk).exists()


def test_team_member_needs_an_account_or_a_name(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError) as exc:
        actions.add_team_member(actor=cast.budi, visit=monev.visit, role="anggota", name=" ")
    assert codes(exc) == [("monev.member_who", "name")]
    member = actions.add_team_member(
        actor=cast.budi, visit=monev.visit, role="ketua", user=cast.ani
    )
    named = actions.add_team_member(
        actor=cast.budi, visit=monev.visit, role="anggota", name="Rina Wulandari"
    )
    assert [m.display_name for m in monev.visit.team.all()] == ["Ani", "Rina Wulandari"]
    actions.remove_team_member(actor=cast.budi, member=named)
    assert list(monev.visit.team.all()) == [member]


# --- follow-ups: terlambat, status, verification, reopen --------------------------------------


def test_terlambat_is_computed_from_the_due_date_not_stored(cast: Cast, monev: Monev) -> None:
    assert "terlambat" not in {f.name for f in FollowUp._meta.get_fields()}
    late, ontime = monev.bnnk_follow_up, monev.bnnp_follow_up
    assert late.terlambat and not ontime.terlambat
    today = timezone.localdate()
    assert ontime.is_overdue(today + timedelta(days=31))
    assert not ontime.is_overdue(ontime.due_on)  # due today is not late yet
    overdue = set(FollowUp.objects.filter(FollowUp.overdue_q()).values_list("pk", flat=True))
    assert overdue == {late.pk, monev.aceh_follow_up.pk}
    actions.set_follow_up_status(actor=cast.citra, follow_up=late, status="selesai")
    late.refresh_from_db()
    assert not late.terlambat
    assert not FollowUp.objects.filter(FollowUp.overdue_q(), pk=late.pk).exists()


def test_owner_reports_progress_on_own_follow_up_only(cast: Cast, monev: Monev) -> None:
    fu = actions.set_follow_up_status(
        actor=cast.citra, follow_up=monev.bnnk_follow_up, status="berjalan", note="Mulai."
    )
    assert fu.status == "berjalan"
    note = fu.notes.get()
    assert (note.kind, note.status_to, note.author) == ("status", "berjalan", cast.citra)
    log = entries(fu)[-1]
    assert log.actor == cast.citra and log.changes_dict["status"] == ["belum", "berjalan"]
    for user in (cast.citra, cast.gita, cast.hadi, cast.dewi):  # not theirs, or read-only
        with pytest.raises(MonevError):
            actions.set_follow_up_status(
                actor=user, follow_up=monev.bnnp_follow_up, status="berjalan"
            )
    with pytest.raises(MonevError):
        actions.add_note(actor=cast.hadi, follow_up=monev.bnnk_follow_up, text="x")


def test_cancelling_needs_a_manager_and_a_reason(cast: Cast, monev: Monev) -> None:
    fu = monev.bnnk_follow_up
    with pytest.raises(MonevError) as exc:
        actions.set_follow_up_status(actor=cast.citra, follow_up=fu, status="dibatalkan", note="x")
    assert codes(exc) == [("monev.denied", "")]
    with pytest.raises(MonevError) as exc:
        actions.set_follow_up_status(actor=cast.budi, follow_up=fu, status="dibatalkan")
    assert codes(exc) == [("monev.reason", "note")]
    actions.set_follow_up_status(
        actor=cast.budi, follow_up=fu, status="dibatalkan", note="Tidak relevan lagi."
    )
    fu.refresh_from_db()
    assert fu.status == "dibatalkan" and not fu.terlambat


def test_finished_follow_up_leaves_only_by_reopening(cast: Cast, monev: Monev) -> None:
    fu = monev.bnnk_follow_up
    actions.set_follow_up_status(actor=cast.citra, follow_up=fu, status="selesai")
    with pytest.raises(MonevError) as exc:
        actions.set_follow_up_status(actor=cast.budi, follow_up=fu, status="belum")
    assert codes(exc) == [("monev.status_move", "status")]


def test_bnnp_verifies_bnnk_work_not_the_bnnk_itself(cast: Cast, monev: Monev) -> None:
    fu = monev.bnnk_follow_up
    with pytest.raises(MonevError):  # not finished yet
        actions.verify_follow_up(actor=cast.budi, follow_up=fu)
    actions.set_follow_up_status(actor=cast.citra, follow_up=fu, status="selesai")
    for user in (cast.citra, cast.hadi, cast.gita, cast.fajar):
        with pytest.raises(MonevError) as exc:
            actions.verify_follow_up(actor=user, follow_up=fu)
        assert codes(exc) == [("monev.denied", "")]
    fu = actions.verify_follow_up(actor=cast.budi, follow_up=fu, note="Bukti lengkap.")
    assert fu.verified_by == cast.budi and fu.is_verified
    assert fu.notes.filter(kind="verifikasi", author=cast.budi).exists()
    assert entries(fu)[-1].changes_dict["verified_by"][1] == str(cast.budi.pk)


def test_centre_verifies_bnnp_work_and_bnnp_cannot(cast: Cast, monev: Monev) -> None:
    fu = monev.bnnp_follow_up
    actions.set_follow_up_status(actor=cast.budi, follow_up=fu, status="selesai")
    with pytest.raises(MonevError):
        actions.verify_follow_up(actor=cast.budi, follow_up=fu)
    assert actions.verify_follow_up(actor=cast.ani, follow_up=fu).verified_by == cast.ani


def test_nobody_verifies_what_they_finished_themselves(cast: Cast, monev: Monev) -> None:
    fu = actions.create_follow_up(
        actor=cast.ani,
        point=monev.plan,
        action="Evaluasi sistem.",
        owner=cast.bnn_ri,
        due_on=date(2030, 1, 1),
    )
    actions.set_follow_up_status(actor=cast.ani, follow_up=fu, status="selesai")
    with pytest.raises(MonevError):
        actions.verify_follow_up(actor=cast.ani, follow_up=fu)
    with pytest.raises(MonevError):  # a BNNP never verifies the centre
        actions.verify_follow_up(actor=cast.budi, follow_up=fu)


def test_verified_follow_up_is_frozen_until_reopened_with_a_reason(
    cast: Cast, monev: Monev
) -> None:
    fu = monev.bnnk_follow_up
    actions.set_follow_up_status(actor=cast.citra, follow_up=fu, status="selesai")
    actions.verify_follow_up(actor=cast.budi, follow_up=fu)
    with pytest.raises(MonevError) as exc:
        actions.update_follow_up(actor=cast.budi, follow_up=fu, due_on=date(2031, 1, 1))
    assert codes(exc) == [("monev.verified", "")]
    with pytest.raises(MonevError):
        actions.add_note(actor=cast.citra, follow_up=fu, text="Tambahan.")
    with pytest.raises(MonevError):  # the owner cannot undo its supervisor's verification
        actions.reopen_follow_up(actor=cast.citra, follow_up=fu, reason="Salah.")
    with pytest.raises(MonevError) as exc:
        actions.reopen_follow_up(actor=cast.budi, follow_up=fu, reason="  ")
    assert codes(exc) == [("monev.reason", "reason")]
    fu = actions.reopen_follow_up(actor=cast.budi, follow_up=fu, reason="Bukti tidak sesuai.")
    assert (fu.status, fu.verified_at, fu.verified_by, fu.completed_by) == (
        "berjalan",
        None,
        None,
        None,
    )
    reopen = fu.notes.filter(kind="dibuka_kembali").get()
    assert reopen.text == "Bukti tidak sesuai." and reopen.author == cast.budi
    assert fu.terlambat  # back to work, and the due date has passed


def test_open_follow_up_cannot_be_reopened(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError):
        actions.reopen_follow_up(actor=cast.ani, follow_up=monev.bnnk_follow_up, reason="x")


def test_follow_up_owner_must_be_centre_or_in_the_province(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError) as exc:
        actions.create_follow_up(
            actor=cast.budi,
            point=monev.plan,
            action="x",
            owner=cast.bnnp_aceh,
            due_on=date(2030, 1, 1),
        )
    assert codes(exc) == [("monev.owner_province", "owner")]
    with pytest.raises(MonevError):  # a BNNK does not create follow-ups
        actions.create_follow_up(
            actor=cast.citra,
            point=monev.plan,
            action="x",
            owner=cast.bnnk_batanghari,
            due_on=date(2030, 1, 1),
        )


def test_progress_note_date_cannot_be_in_the_future(cast: Cast, monev: Monev) -> None:
    today = timezone.localdate()
    note = actions.add_note(
        actor=cast.citra,
        follow_up=monev.bnnk_follow_up,
        text="Rapat koordinasi.",
        noted_on=today + timedelta(days=5),
    )
    assert note.noted_on == today
    early = actions.add_note(
        actor=cast.citra, follow_up=monev.bnnk_follow_up, text="x", noted_on=date(2023, 1, 9)
    )
    assert early.noted_on == date(2023, 1, 9)
    assert entries(note)[0].actor == cast.citra
    with pytest.raises(MonevError):
        actions.add_note(actor=cast.citra, follow_up=monev.bnnk_follow_up, text=" ")


# --- evidence -----------------------------------------------------------------------------------


def test_evidence_is_stored_under_media_root_with_our_name(
    cast: Cast, monev: Monev, media: Path
) -> None:
    upload = SimpleUploadedFile("../../Notulen rapat.pdf", PDF_BYTES, "application/pdf")
    (row,) = actions.add_evidence(
        actor=cast.citra, follow_up=monev.bnnk_follow_up, uploads=[upload]
    )
    assert row.original_name == "Notulen rapat.pdf"
    assert row.content_type == "application/pdf" and row.size == len(PDF_BYTES)
    path = Path(row.file.path)
    assert path.is_relative_to(media) and path.suffix == ".pdf" and "Notulen" not in path.name
    assert path.read_bytes() == PDF_BYTES
    assert len(row.sha256) == 64
    assert entries(row)[0].actor == cast.citra


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("program.exe", b"MZ\x90\x00", "hanya PDF, JPEG atau PNG"),
        ("palsu.pdf", b"MZ\x90\x00 not a pdf", "tidak sesuai"),
        ("besar.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "terlalu besar"),
    ],
)
def test_refused_evidence_stores_nothing(
    cast: Cast, monev: Monev, media: Path, name: str, content: bytes, fragment: str
) -> None:
    good = SimpleUploadedFile("baik.pdf", PDF_BYTES)
    bad = SimpleUploadedFile(name, content)
    with pytest.raises(MonevError) as exc:
        actions.add_evidence(actor=cast.budi, follow_up=monev.bnnk_follow_up, uploads=[good, bad])
    assert exc.value.problems[0].code == "monev.evidence_file"
    assert fragment in exc.value.problems[0].message("id")
    assert not FollowUpEvidence.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_evidence_needs_update_rights(cast: Cast, monev: Monev) -> None:
    with pytest.raises(MonevError):
        actions.add_evidence(
            actor=cast.citra,
            follow_up=monev.bnnp_follow_up,
            uploads=[SimpleUploadedFile("a.pdf", PDF_BYTES)],
        )


def test_every_follow_up_write_leaves_an_audit_entry(cast: Cast, monev: Monev) -> None:
    fu = monev.bnnk_follow_up
    before = LogEntry.objects.count()
    actions.set_follow_up_status(actor=cast.citra, follow_up=fu, status="selesai")
    actions.verify_follow_up(actor=cast.budi, follow_up=fu)
    actions.reopen_follow_up(actor=cast.budi, follow_up=fu, reason="Periksa lagi.")
    # each: the follow-up row and its history note
    assert LogEntry.objects.count() - before == 6
    assert FollowUpNote.objects.filter(follow_up=fu).count() == 3
