"""Monev pages: every page x role x own province / another province, and the writes through
the pages (thin views over the actions)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.monev import actions
from kotan.monev.models import FollowUp, FollowUpEvidence, Point, Visit
from tests.support.cast import Cast
from tests.support.files import PDF_BYTES
from tests.support.monev import Monev

OK, DENIED, HIDDEN = 200, 403, 404

# page -> url for (Jambi's object, Aceh's object)
READ_PAGES: dict[str, Callable[[Monev], tuple[str, str]]] = {
    "visit_list": lambda m: (reverse("monev_visit_list"),) * 2,  # type: ignore[dict-item]
    "visit_list_province": lambda m: (
        reverse("monev_visit_list") + "?provinsi=15",
        reverse("monev_visit_list") + "?provinsi=11",
    ),
    "visit_detail": lambda m: (
        reverse("monev_visit_detail", args=[m.visit.pk]),
        reverse("monev_visit_detail", args=[m.aceh_visit.pk]),
    ),
    "follow_up_list": lambda m: (reverse("monev_follow_up_list"),) * 2,  # type: ignore[dict-item]
    "follow_up_detail": lambda m: (
        reverse("monev_follow_up_detail", args=[m.bnnk_follow_up.pk]),
        reverse("monev_follow_up_detail", args=[m.aceh_follow_up.pk]),
    ),
    "report_docx": lambda m: (
        reverse("monev_report", args=[m.visit.pk, "docx"]),
        reverse("monev_report", args=[m.aceh_visit.pk, "docx"]),
    ),
    "analytics": lambda m: (reverse("monev_analytics"),) * 2,  # type: ignore[dict-item]
}
MANAGE_PAGES: dict[str, Callable[[Monev], tuple[str, str]]] = {
    "visit_create": lambda m: (
        reverse("monev_visit_create") + "?provinsi=15",
        reverse("monev_visit_create") + "?provinsi=11",
    ),
    "visit_edit": lambda m: (
        reverse("monev_visit_edit", args=[m.visit.pk]),
        reverse("monev_visit_edit", args=[m.aceh_visit.pk]),
    ),
    "session_create": lambda m: (
        reverse("monev_session_create", args=[m.visit.pk]),
        reverse("monev_session_create", args=[m.aceh_visit.pk]),
    ),
    "session_edit": lambda m: (
        reverse("monev_session_edit", args=[m.session.pk]),
        reverse("monev_session_edit", args=[m.aceh_follow_up.point.session_id]),
    ),
    "point_create": lambda m: (
        reverse("monev_point_create", args=[m.session.pk]),
        reverse("monev_point_create", args=[m.aceh_follow_up.point.session_id]),
    ),
    "point_edit": lambda m: (
        reverse("monev_point_edit", args=[m.obstacle.pk]),
        reverse("monev_point_edit", args=[m.aceh_follow_up.point_id]),
    ),
    "follow_up_create": lambda m: (
        reverse("monev_follow_up_create", args=[m.plan.pk]),
        reverse("monev_follow_up_create", args=[m.aceh_follow_up.point_id]),
    ),
    "follow_up_edit": lambda m: (
        reverse("monev_follow_up_edit", args=[m.bnnk_follow_up.pk]),
        reverse("monev_follow_up_edit", args=[m.aceh_follow_up.pk]),
    ),
}
ROLES = {
    # role: (read Jambi, read Aceh, manage Jambi, manage Aceh)
    "ani": (OK, OK, OK, OK),
    "budi": (OK, HIDDEN, OK, HIDDEN),
    "hadi": (HIDDEN, OK, HIDDEN, OK),
    "citra": (OK, HIDDEN, DENIED, DENIED),
    "gita": (OK, HIDDEN, DENIED, DENIED),
    "fajar": (OK, OK, DENIED, DENIED),
    "dewi": (DENIED, DENIED, DENIED, DENIED),
    "eko": (DENIED, DENIED, DENIED, DENIED),
}
LISTS = {"visit_list", "follow_up_list", "analytics"}  # same URL: always 200 when allowed


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_by_role_and_province(
    cast: Cast, monev: Monev, client: Client, role: str
) -> None:
    client.force_login(getattr(cast, role))
    read_own, read_other, manage_own, manage_other = ROLES[role]
    for page, urls in READ_PAGES.items():
        own, other = urls(monev)
        if page in LISTS:  # one URL: open to every reader, showing their own region
            read_own = read_other = OK if OK in ROLES[role][:2] else DENIED
        assert client.get(own).status_code == read_own, f"{role} on Jambi {page}"
        assert client.get(other).status_code == read_other, f"{role} on Aceh {page}"
        read_own, read_other = ROLES[role][:2]
    for page, urls in MANAGE_PAGES.items():
        own, other = urls(monev)
        assert client.get(own).status_code == manage_own, f"{role} on Jambi {page}"
        assert client.get(other).status_code == manage_other, f"{role} on Aceh {page}"


def test_anonymous_goes_to_login(cast: Cast, monev: Monev, client: Client) -> None:
    for urls in (*READ_PAGES.values(), *MANAGE_PAGES.values()):
        response = client.get(urls(monev)[0])
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "sees", "hidden"),
    [
        (
            "budi",
            ["Monev KOTAN", "Koordinasi dengan Kesbangpol"],
            ["Monev Aceh", "Tindak lanjut Aceh"],
        ),
        (
            "hadi",
            ["Monev Aceh", "Tindak lanjut Aceh"],
            ["Monev KOTAN", "Koordinasi dengan Kesbangpol"],
        ),
        ("ani", ["Monev Aceh", "Monev KOTAN", "Tindak lanjut Aceh", "Koordinasi dengan"], []),
    ],
)
def test_lists_show_only_the_province_in_scope(
    cast: Cast, monev: Monev, client: Client, role: str, sees: list[str], hidden: list[str]
) -> None:
    client.force_login(getattr(cast, role))
    body = (
        client.get(reverse("monev_visit_list")).content.decode()
        + client.get(reverse("monev_follow_up_list")).content.decode()
        + client.get(reverse("monev_analytics")).content.decode()
    )
    for text in sees:
        assert text in body, f"{text!r} missing for {role}"
    for text in hidden:
        assert text not in body, f"{text!r} leaked to {role}"


def test_visit_list_filters_by_year_and_province(cast: Cast, monev: Monev, client: Client) -> None:
    actions.update_visit(actor=cast.ani, visit=monev.aceh_visit, year=2023)
    client.force_login(cast.ani)
    body = client.get(reverse("monev_visit_list") + "?tahun=2023").content.decode()
    assert "Monev Aceh" in body and "Monev KOTAN" not in body
    body = client.get(reverse("monev_visit_list") + "?provinsi=15").content.decode()
    assert "Monev KOTAN" in body and "Monev Aceh" not in body
    assert client.get(reverse("monev_visit_list") + "?provinsi=99").status_code == 404


def test_overdue_follow_ups_are_highlighted_and_filtered(
    cast: Cast, monev: Monev, client: Client
) -> None:
    client.force_login(cast.budi)
    body = client.get(reverse("monev_follow_up_list") + "?status=terlambat").content.decode()
    assert "Koordinasi dengan Kesbangpol" in body and "Menyiapkan MoU" not in body
    assert body.count('class="is-late"') == 1
    assert "terlambat</span>" in body


def test_bnnk_changes_status_of_its_own_follow_up_from_the_list(
    cast: Cast, monev: Monev, client: Client
) -> None:
    client.force_login(cast.citra)
    body = client.get(reverse("monev_follow_up_list")).content.decode()
    assert body.count('class="inline-status"') == 1  # only its own follow-up
    back = reverse("monev_follow_up_list") + "?status=terlambat"
    response = client.post(
        reverse("monev_follow_up_status", args=[monev.bnnk_follow_up.pk]),
        {"status": "berjalan", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    monev.bnnk_follow_up.refresh_from_db()
    assert monev.bnnk_follow_up.status == "berjalan"
    response = client.post(
        reverse("monev_follow_up_status", args=[monev.bnnp_follow_up.pk]), {"status": "berjalan"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("monev_follow_up_status", args=[monev.aceh_follow_up.pk]), {"status": "berjalan"}
    )
    assert response.status_code == 404


def test_next_never_leaves_the_site(cast: Cast, monev: Monev, client: Client) -> None:
    client.force_login(cast.citra)
    response = client.post(
        reverse("monev_follow_up_status", args=[monev.bnnk_follow_up.pk]),
        {"status": "berjalan", "next": "https://contoh.invalid/"},
    )
    assert response["Location"] == reverse("monev_follow_up_detail", args=[monev.bnnk_follow_up.pk])


def test_verify_and_reopen_through_the_page(cast: Cast, monev: Monev, client: Client) -> None:
    fu = monev.bnnk_follow_up
    actions.set_follow_up_status(actor=cast.citra, follow_up=fu, status="selesai")
    url = reverse("monev_follow_up_detail", args=[fu.pk])
    client.force_login(cast.citra)
    assert "Verifikasi selesai" not in client.get(url).content.decode()
    assert client.post(reverse("monev_follow_up_verify", args=[fu.pk])).status_code == 403
    client.force_login(cast.budi)
    assert "Verifikasi selesai" in client.get(url).content.decode()
    client.post(reverse("monev_follow_up_verify", args=[fu.pk]), {"note": "Lengkap."})
    fu.refresh_from_db()
    assert fu.verified_by == cast.budi
    response = client.post(reverse("monev_follow_up_reopen", args=[fu.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Alasan dibuka kembali" in response.content.decode()
    fu.refresh_from_db()
    assert fu.is_verified
    client.post(reverse("monev_follow_up_reopen", args=[fu.pk]), {"reason": "Bukti kurang."})
    fu.refresh_from_db()
    assert fu.status == "berjalan" and not fu.is_verified
    assert "Bukti kurang." in client.get(url).content.decode()


def test_cancelling_on_the_page_requires_a_reason(cast: Cast, monev: Monev, client: Client) -> None:
    client.force_login(cast.budi)
    url = reverse("monev_follow_up_status", args=[monev.bnnp_follow_up.pk])
    response = client.post(url, {"status": "dibatalkan", "note": ""})
    assert response.status_code == 400 and "Alasan wajib diisi." in response.content.decode()
    monev.bnnp_follow_up.refresh_from_db()
    assert monev.bnnp_follow_up.status == "belum"


def test_evidence_upload_and_scoped_download(cast: Cast, monev: Monev, client: Client) -> None:
    fu = monev.bnnk_follow_up
    client.force_login(cast.citra)
    upload = SimpleUploadedFile("foto kegiatan.pdf", PDF_BYTES, "application/pdf")
    response = client.post(reverse("monev_follow_up_evidence", args=[fu.pk]), {"uploads": upload})
    assert response.status_code == 302
    row = FollowUpEvidence.objects.get()
    download = client.get(reverse("monev_evidence", args=[row.pk]))
    assert download.status_code == 200 and download.content == PDF_BYTES
    assert 'filename="foto kegiatan.pdf"' in download["Content-Disposition"]
    client.force_login(cast.hadi)
    assert client.get(reverse("monev_evidence", args=[row.pk])).status_code == 404
    client.force_login(cast.citra)
    bad = SimpleUploadedFile("virus.pdf", b"MZ not a pdf")
    response = client.post(reverse("monev_follow_up_evidence", args=[fu.pk]), {"uploads": bad})
    assert response.status_code == 400 and "tidak sesuai" in response.content.decode()
    assert FollowUpEvidence.objects.count() == 1


def test_create_visit_with_session_point_and_follow_up_through_pages(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.budi)
    # A BNNP has one province: the form opens at once.
    assert 'name="title"' in client.get(reverse("monev_visit_create")).content.decode()
    data = {
        "title": "Monev KOTAN Kota Jambi",
        "year": "2026",
        "period_label": "Triwulan I",
        "organizer": "BNNP Jambi",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-01",
        "status": "direncanakan",
        "regencies": [],
    }
    response = client.post(reverse("monev_visit_create"), data)
    assert response.status_code == 200 and not Visit.objects.exists()
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.content.decode()
    response = client.post(reverse("monev_visit_create"), {**data, "ends_on": "2026-03-03"})
    visit = Visit.objects.get()
    assert response["Location"] == reverse("monev_visit_detail", args=[visit.pk])
    assert visit.province.code == "15" and visit.created_by == cast.budi
    response = client.post(
        reverse("monev_session_create", args=[visit.pk]),
        {
            "venue": "Ruang Rapat Kesbangpol Kota Jambi",
            "held_on": "2026-03-02",
            "methods": ["diskusi", "observasi_lapangan"],
        },
    )
    session = visit.sessions.get()
    assert session.methods == ["diskusi", "observasi_lapangan"]
    response = client.post(
        reverse("monev_point_create", args=[session.pk]),
        {"kind": "kendala", "text": "Sinyal tidak stabil.", "themes": ["8"], "lagi": "1"},
    )
    assert response["Location"] == reverse("monev_point_create", args=[session.pk])
    point = Point.objects.get()
    assert [t.code for t in point.themes.all()] == ["konektivitas"]
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("monev_follow_up_create", args=[point.pk]),
        {
            "action": "Usulan penguatan sinyal.",
            "owner": str(cast.bnnp_jambi.pk),
            "due_on": due,
            "priority": "tinggi",
        },
    )
    fu = FollowUp.objects.get()
    assert response["Location"] == reverse("monev_follow_up_detail", args=[fu.pk])
    body = client.get(reverse("monev_visit_detail", args=[visit.pk])).content.decode()
    assert "Sinyal tidak stabil." in body and "Usulan penguatan sinyal." in body


def test_point_page_refuses_theme_on_non_obstacle(cast: Cast, monev: Monev, client: Client) -> None:
    client.force_login(cast.budi)
    response = client.post(
        reverse("monev_point_create", args=[monev.session.pk]),
        {"kind": "capaian", "text": "Kampanye di 5 kabupaten.", "themes": ["1"]},
    )
    assert response.status_code == 200
    assert "Tema hanya untuk pointer berjenis kendala." in response.content.decode()
    assert monev.session.points.count() == 2


def test_point_moves_through_the_page(cast: Cast, monev: Monev, client: Client) -> None:
    client.force_login(cast.budi)
    client.post(reverse("monev_point_move", args=[monev.plan.pk, "naik"]))
    assert list(monev.session.points.values_list("pk", flat=True)) == [
        monev.plan.pk,
        monev.obstacle.pk,
    ]
    assert (
        client.post(reverse("monev_point_move", args=[monev.plan.pk, "miring"])).status_code == 404
    )
    client.force_login(cast.hadi)
    assert (
        client.post(reverse("monev_point_move", args=[monev.plan.pk, "turun"])).status_code == 404
    )


def test_visit_page_queries_do_not_grow_with_points(
    cast: Cast, monev: Monev, client: Client, django_assert_max_num_queries: Callable[..., object]
) -> None:
    for i in range(12):
        point = actions.add_point(
            actor=cast.ani, session=monev.session, kind="informasi", text=f"P{i}"
        )
        actions.create_follow_up(
            actor=cast.ani,
            point=point,
            action=f"T{i}",
            owner=cast.bnnp_jambi,
            due_on=date(2030, 1, 1),
        )
    client.force_login(cast.budi)
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get(reverse("monev_visit_detail", args=[monev.visit.pk])).status_code == 200
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get(reverse("monev_follow_up_list")).status_code == 200


def test_session_edit_shows_the_sessions_own_values(
    cast: Cast, monev: Monev, client: Client
) -> None:
    session = actions.add_session(
        actor=cast.ani,
        visit=monev.visit,
        venue="Ruang Rapat BNNK Batanghari",
        held_on=date(2022, 12, 22),
        methods=["wawancara"],
    )
    client.force_login(cast.budi)
    body = client.get(reverse("monev_session_edit", args=[session.pk])).content.decode()
    assert 'value="2022-12-22"' in body
    assert re.search(r'value="wawancara"[^>]*checked', body)
    assert not re.search(r'value="diskusi"[^>]*checked', body)


POSTS: dict[str, Callable[[Monev], tuple[str, dict[str, str]]]] = {
    "visit_edit": lambda m: (reverse("monev_visit_edit", args=[m.visit.pk]), {"title": "X"}),
    "team_add": lambda m: (reverse("monev_team_add", args=[m.visit.pk]), {"name": "X"}),
    "session_create": lambda m: (reverse("monev_session_create", args=[m.visit.pk]), {}),
    "session_remove": lambda m: (reverse("monev_session_remove", args=[m.session.pk]), {}),
    "point_create": lambda m: (reverse("monev_point_create", args=[m.session.pk]), {}),
    "point_remove": lambda m: (reverse("monev_point_remove", args=[m.plan.pk]), {}),
    "follow_up_create": lambda m: (reverse("monev_follow_up_create", args=[m.plan.pk]), {}),
    "follow_up_note": lambda m: (
        reverse("monev_follow_up_note", args=[m.bnnk_follow_up.pk]),
        {"noted_on": "2023-01-01", "text": "X"},
    ),
    "follow_up_verify": lambda m: (
        reverse("monev_follow_up_verify", args=[m.bnnk_follow_up.pk]),
        {},
    ),
    "follow_up_reopen": lambda m: (
        reverse("monev_follow_up_reopen", args=[m.bnnk_follow_up.pk]),
        {"reason": "X"},
    ),
}


@pytest.mark.parametrize("name", list(POSTS))
def test_another_province_cannot_write_through_any_page(
    cast: Cast, monev: Monev, client: Client, name: str
) -> None:
    from auditlog.models import LogEntry

    before = LogEntry.objects.count()
    url, data = POSTS[name](monev)
    client.force_login(cast.hadi)
    assert client.post(url, data).status_code == 404
    client.force_login(cast.gita)  # a viewer of Jambi: may read, never write
    assert client.post(url, data).status_code == 403
    assert LogEntry.objects.count() == before
