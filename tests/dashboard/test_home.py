"""The home page per role: "what do I do today", in scope, in few queries."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from kotan.accounts.models import Role, User
from kotan.collection import actions as collection
from kotan.collection.models import Assignment, Response
from kotan.jobs.models import Job
from kotan.notifications.models import Notification
from kotan.regions.models import Province, Regency
from kotan.scoring.jobs import INDEX_RUN
from tests.support.cast import Cast, make_user
from tests.support.dashboard import RETURN_REASON, HomeWorld

HOME = "/"
DEADLINE = date(2026, 12, 15)  # tests/support/periods.py
EMPTY = "Tidak ada yang perlu dikerjakan hari ini."


def page(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, anchor: str) -> str:
    """The text of one section of the page (by its heading's id), tags removed."""
    match = re.search(rf'<section aria-labelledby="{anchor}">(.*?)</section>', html, re.S)
    assert match, f"no section {anchor}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def days_text(deadline: date) -> str:
    days = (deadline - timezone.localdate()).days
    if days > 0:
        return f"{days} hari lagi"
    return "hari ini" if days == 0 else f"lewat {-days} hari"


# --- province and regency operators -----------------------------------------------------


def test_province_operator_sees_regencies_behind_most_urgent_first(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    html = page(client, cast.budi)
    lagging = section(html, "tertinggal")
    # Ten of Jambi's eleven regencies still collect and are behind; Kota Jambi is submitted.
    assert "Kabupaten/kota yang tertinggal 10" in lagging
    assert "Kota Jambi" not in lagging
    # Not started (the widest gap) before those behind; the first eight, then a link.
    assert lagging.index("Kabupaten Kerinci") < lagging.index("Kabupaten Merangin")
    assert "Kabupaten Batanghari" not in lagging  # started: ninth or later
    assert "Lihat semua 10 di halaman Progres" in lagging
    assert days_text(DEADLINE) in lagging
    assert "Unit tertinggal" not in lagging  # not started: every unit is, no need to say
    assert reverse("assignment_responses", args=[_pk(world, "15.01")]) in html
    # From the list straight to the regency's contacts and "send a reminder now".
    assert reverse("outreach_regency", args=["15.01"]) in html


def _pk(world: HomeWorld, code: str) -> int:
    return Assignment.objects.get(period=world.period, regency__code=code).pk


def test_a_regency_started_but_behind_names_its_units_behind(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    lagging = section(page(client, cast.citra), "tertinggal")
    assert "Kabupaten Batanghari" in lagging and "Kabupaten Muaro Jambi" in lagging
    assert "Unit tertinggal: " in lagging
    assert "Dunia usaha 0/20" in lagging  # filled against quota


def test_province_operator_sees_what_waits_for_verification(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    html = page(client, cast.budi)
    waiting = section(html, "menunggu")
    assert "Menunggu verifikasi Anda 1" in waiting
    assert "Kota Jambi" in waiting and "Diajukan" in waiting
    assert reverse("assignment_detail", args=[world.submitted.pk]) in html


def test_regency_operator_sees_sent_back_first_with_its_reason(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    waiting = section(page(client, cast.citra), "menunggu")
    assert "Dikembalikan untuk diperbaiki" in waiting
    assert RETURN_REASON in waiting
    assert waiting.index("Kabupaten Muaro Jambi") < waiting.index("Kabupaten Batanghari")
    assert "Kota Jambi" not in waiting  # not covered by BNNK Batanghari


def test_a_complete_assignment_is_ready_to_submit(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    assignment = Assignment.objects.get(period=world.period, regency__code="15.04")
    for quota in assignment.quotas.all():
        # complete with the answers it has
        quota.quota = assignment.responses.filter(unit=quota.unit_id).count()
        quota.save()
    waiting = section(page(client, cast.citra), "menunggu")
    assert "Lengkap, siap diajukan" in waiting


def test_operator_sees_prepared_messages_of_their_region_only(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    html = page(client, cast.budi)
    messages = section(html, "pesan")
    assert "Pesan untuk dikirim hari ini 1" in messages
    assert "Rina Narahubung" in messages and "Kabupaten Batanghari" in messages
    assert "Teuku Narahubung" not in html
    assert reverse("outreach_today") in html
    assert reverse("outreach_regency", args=["15.04"]) in html
    aceh = section(page(client, cast.hadi), "pesan")
    assert "Teuku Narahubung" in aceh and "Rina Narahubung" not in aceh


def test_messages_already_sent_are_not_to_send(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    world.jambi_message.status = world.jambi_message.Status.SENT_BY_OPERATOR
    world.jambi_message.save()
    messages = section(page(client, cast.budi), "pesan")
    assert "Tidak ada pesan yang menunggu dikirim." in messages


def test_follow_ups_due_that_the_operator_owns_or_supervises(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    monev = world.monev
    budi = section(page(client, cast.budi), "tindak-lanjut")
    # BNNP Jambi supervises the regency level: BNNK Batanghari's (overdue) and Kesbangpol's.
    assert monev.bnnk_follow_up.action in budi and "Terlambat" in budi
    assert world.kesbangpol_follow_up.action in budi
    assert monev.bnnp_follow_up.action not in budi  # its own, but due in a month
    assert monev.aceh_follow_up.action not in budi
    citra = section(page(client, cast.citra), "tindak-lanjut")
    assert monev.bnnk_follow_up.action in citra and "milik instansi Anda" in citra
    assert world.kesbangpol_follow_up.action not in citra  # neither hers nor supervised
    assert days_text(monev.bnnk_follow_up.due_on) in citra


def test_unread_notifications_are_counted_in_words(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    unread = Notification.objects.filter(recipient=cast.budi, read_at__isnull=True).count()
    assert unread >= 1
    today = section(page(client, cast.budi), "today-title")
    assert f"{unread} pemberitahuan belum dibaca" in today
    Notification.objects.filter(recipient=cast.budi).update(read_at=timezone.now())
    assert "0 pemberitahuan belum dibaca" in section(page(client, cast.budi), "today-title")


# --- focal point and enumerator ---------------------------------------------------------


def test_focal_point_sees_its_questionnaire_links_and_follow_ups(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    html = page(client, cast.dewi)
    questionnaires = section(html, "kuesioner")
    assert "Kabupaten Batanghari" in questionnaires
    assert "Kabupaten Muaro Jambi" not in questionnaires  # BNNK's, not Kesbangpol's regency
    assert reverse("assignment_detail", args=[_pk(world, "15.04")]) in html
    links = section(html, "tautan")
    assert "Staf Kesbangpol Batanghari" in links and "dipakai 0 dari 5" in links
    assert f"/isi/{world.kesbangpol_link.token}/" in html
    assert "https://wa.me/?text=" in html
    assert world.aceh_link.token not in html
    assert "Buat tautan baru: Kabupaten Batanghari" in links  # its regency still collects
    follow_ups = section(html, "tindak-lanjut")
    assert world.kesbangpol_follow_up.action in follow_ups
    assert world.monev.bnnk_follow_up.action not in follow_ups
    # A focal point cannot open Monev pages: no link to one.
    assert reverse("monev_follow_up_detail", args=[world.kesbangpol_follow_up.pk]) not in html


def test_a_used_up_link_is_not_offered_for_sharing(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    collection.deactivate_link(actor=cast.citra, link=world.kesbangpol_link)
    html = page(client, cast.dewi)
    assert "Nonaktif" in section(html, "tautan")
    assert "https://wa.me/" not in html


def test_enumerator_sees_filled_against_quota_per_unit(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    html = page(client, cast.eko)
    mine = section(html, "penugasan")
    assert "Kabupaten Batanghari" in mine and "Kabupaten Muaro Jambi" in mine
    assert "Kota Jambi" not in mine
    batanghari = Assignment.objects.get(period=world.period, regency__code="15.04")
    gov = batanghari.quotas.get(unit__code="gov")
    filled = Response.objects.filter(assignment=batanghari, unit__code="gov").count()
    assert filled > 0
    assert f"{filled} dari {gov.quota} terisi" in mine
    assert reverse("form_enumerator", args=[batanghari.pk, "gov"]) + "?baru=1" in html


def test_enumerator_sees_where_the_device_outbox_is_checked(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    html = page(client, cast.eko)
    device = section(html, "perangkat")
    assert "Periksa antrean di perangkat ini" in device
    assert f'href="{reverse("enumerator_home")}"' in html  # without JavaScript
    assert "kotan/dashboard" in html and f'data-user="{cast.eko.pk}"' in html


def test_only_the_enumerator_page_loads_the_outbox_script(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    assert "kotan/dashboard" not in page(client, cast.budi)


# --- leaders ----------------------------------------------------------------------------


def test_leaders_see_the_national_picture_in_numbers(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    for leader in (cast.fajar, cast.ani):
        html = page(client, leader)
        picture = section(html, "gambaran")
        assert "Gambaran nasional" in picture
        assert "12 kabupaten/kota ditugaskan" in picture
        assert "1 diajukan, menunggu verifikasi" in picture
        assert "11 belum mulai atau tertinggal" in picture
        responses = Response.objects.filter(excluded=False).count()
        assert f"{responses} jawaban diterima" in picture
        # Provinces behind most: Aceh (its one regency behind) above Jambi (10 of 11).
        assert picture.index("Aceh 1 dari 1") < picture.index("Jambi 10 dari 11")
        assert "2 tindak lanjut monev terlambat" in picture
        assert "Belum ada perhitungan indeks." in picture


def test_national_admin_sees_assignments_waiting_to_be_finalised(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    collection.transition_assignment(actor=cast.budi, assignment=world.submitted, action="verify")
    waiting = section(page(client, cast.ani), "menunggu")
    assert "Menunggu difinalkan 1" in waiting and "Kota Jambi" in waiting


def test_a_province_viewer_sees_its_province_only(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    html = page(client, cast.gita)
    picture = section(html, "gambaran")
    assert "Gambaran wilayah Anda" in picture
    assert "11 kabupaten/kota ditugaskan" in picture
    assert "Kabupaten Kerinci" in picture  # the regencies behind most, for one province
    assert "Aceh" not in html


def test_no_open_period_says_so(cast: Cast, client: Client, world: HomeWorld) -> None:
    collection.set_period_status(actor=cast.ani, period=world.period, action="close")
    picture = section(page(client, cast.fajar), "gambaran")
    assert "Tidak ada periode pengumpulan yang sedang dibuka." in picture
    lagging = section(page(client, cast.budi), "tertinggal")
    assert "Semua kabupaten/kota di wilayah Anda sudah mulai dan sesuai jadwal." in lagging


# --- scope, empty states, queries, methods -------------------------------------------------


def jambi_markers() -> list[str]:
    names = list(Regency.objects.filter(province__code="15").values_list("name", flat=True))
    return [
        "Jambi",
        *names,
        *(n.removeprefix("Kabupaten ").removeprefix("Kota ") for n in names),
        "Budi",
        "Citra",
        "Dewi",
        "Rina Narahubung",
        "Koordinasi dengan Kesbangpol",
        "Menyusun",
    ]


def test_someone_of_aceh_sees_nothing_of_jambi(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    html = page(client, cast.hadi)
    assert "Kabupaten Aceh Utara" in section(html, "tertinggal")
    assert world.monev.aceh_follow_up.action in section(html, "tindak-lanjut")
    leaked = [m for m in jambi_markers() if m in html]
    assert not leaked, leaked
    assert world.kesbangpol_link.token not in html


def test_empty_states_in_plain_words(cast: Cast, client: Client, world: HomeWorld) -> None:
    bali = make_user("putu", Role.PROVINCE_OPERATOR, province=Province.objects.get(code="51"))
    html = page(client, bali)
    assert EMPTY in section(html, "today-title")
    assert "Semua kabupaten/kota di wilayah Anda sudah mulai" in section(html, "tertinggal")
    assert "Tidak ada penugasan yang menunggu verifikasi." in section(html, "menunggu")
    assert "Tidak ada pesan yang menunggu dikirim." in section(html, "pesan")
    assert "Tidak ada tindak lanjut yang jatuh tempo." in section(html, "tindak-lanjut")
    assert not [m for m in jambi_markers() if m in html]


def test_empty_states_of_a_focal_point_and_an_enumerator(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    from kotan.accounts import actions as accounts

    bali = Regency.objects.get(code="51.71")  # Kota Denpasar: no assignment, no link
    office = accounts.create_organization(
        actor=None,
        name="Kesbangpol Kota Denpasar",
        kind="institution",
        sector="pemda",
        regency=bali,
    )
    focal = make_user(
        "komang", Role.FOCAL_POINT, organization=office, province=bali.province, regency=bali
    )
    html = page(client, focal)
    assert EMPTY in html
    assert "Tidak ada kuesioner yang sedang dibuka" in section(html, "kuesioner")
    assert "Instansi Anda belum memiliki tautan responden" in section(html, "tautan")
    assert "Tidak ada tindak lanjut yang jatuh tempo." in section(html, "tindak-lanjut")
    enumerator = make_user("wayan", Role.ENUMERATOR, province=bali.province, regency=bali)
    html = page(client, enumerator)
    assert EMPTY in html
    assert "Tidak ada penugasan yang sedang dibuka di wilayah Anda." in section(html, "penugasan")
    assert not [m for m in jambi_markers() if m in html]


@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("ani", "Gambaran nasional"),
        ("budi", "Kabupaten/kota yang tertinggal"),
        ("citra", "Penugasan yang perlu Anda selesaikan"),
        ("dewi", "Tautan responden instansi Anda"),
        ("eko", "Menunggu di perangkat"),
        ("fajar", "Gambaran nasional"),
        ("gita", "Gambaran wilayah Anda"),
        ("hadi", "Menunggu verifikasi Anda"),
    ],
)
def test_every_role_has_its_own_home(
    cast: Cast, client: Client, world: HomeWorld, who: str, heading: str
) -> None:
    html = page(client, getattr(cast, who))
    assert heading in html
    assert "Selamat datang" in html


def test_an_operator_with_work_is_not_told_there_is_none(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    assert EMPTY not in page(client, cast.budi)


def test_operator_page_takes_few_queries(
    cast: Cast,
    client: Client,
    world: HomeWorld,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(cast.budi)
    with django_assert_max_num_queries(16):
        assert client.get(HOME).status_code == 200
    client.force_login(cast.citra)  # covers two regencies: the scope costs two queries more
    with django_assert_max_num_queries(18):
        assert client.get(HOME).status_code == 200


def test_the_operator_page_does_not_grow_with_the_regencies(
    cast: Cast,
    client: Client,
    world: HomeWorld,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.hadi)
    with CaptureQueriesContext(connection) as before:
        client.get(HOME)
    collection.assign_regencies(
        actor=cast.ani,
        period=world.period,
        regencies=list(Regency.objects.filter(province__code="11").exclude(code="11.08")),
        deadline=DEADLINE,
    )
    assert Assignment.objects.filter(regency__province__code="11").count() > 20
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(HOME)


def test_anonymous_is_sent_to_sign_in(client: Client, world: HomeWorld) -> None:
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


@pytest.mark.parametrize("who", ["budi", "dewi", "hadi"])
def test_post_is_refused_and_changes_nothing(
    cast: Cast, client: Client, world: HomeWorld, who: str
) -> None:
    client.force_login(getattr(cast, who))
    before = Notification.objects.filter(read_at__isnull=True).count()
    assert client.post(HOME).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == before


def test_the_page_is_not_cached(cast: Cast, client: Client, world: HomeWorld) -> None:
    client.force_login(cast.dewi)  # her page holds her links' tokens
    assert "no-store" in client.get(HOME)["Cache-Control"]


# --- background jobs (kotan.jobs) ---------------------------------------------------------


def test_running_and_failed_jobs_of_the_operator(
    cast: Cast, client: Client, world: HomeWorld
) -> None:
    make = Job.objects.create
    make(kind="responses_xlsx", label="Ekspor jawaban Jambi", started_by=cast.budi)
    make(
        kind="responses_xlsx",
        label="Ekspor yang gagal",
        started_by=cast.budi,
        status=Job.Status.FAILED,
        error="Berkas terlalu besar untuk dibuat.",
    )
    make(kind="responses_xlsx", label="Ekspor orang lain", started_by=cast.citra)
    done = make(
        kind="responses_xlsx", label="Ekspor selesai", started_by=cast.budi, status="selesai"
    )
    html = page(client, cast.budi)
    jobs = section(html, "tugas")
    assert "Ekspor jawaban Jambi" in jobs
    assert "Ekspor yang gagal" in jobs and "Berkas terlalu besar untuk dibuat." in jobs
    assert "Ekspor orang lain" not in jobs
    assert "Ekspor selesai" not in jobs
    assert reverse("job_detail", args=[done.pk]) not in html


def test_leaders_see_an_index_run_that_failed(cast: Cast, client: Client, world: HomeWorld) -> None:
    job = Job.objects.create(
        kind=INDEX_RUN,
        label="Perhitungan indeks sementara IKOTAN 2026",
        started_by=cast.ani,
        status=Job.Status.FAILED,
        error="Data belum cukup.",
    )
    viewer = section(page(client, cast.fajar), "gambaran")
    assert "Perhitungan baru: Gagal" in viewer
    admin = page(client, cast.ani)
    assert reverse("job_detail", args=[job.pk]) in admin  # its starter may open it
    assert reverse("job_detail", args=[job.pk]) not in page(client, cast.fajar)


def test_the_picture_tables_stack_on_a_phone(cast: Cast, client: Client, world: HomeWorld) -> None:
    """At 375 px the provinces table showed two of its four columns, the rest hidden behind a
    sideways scroll: it now stacks like the other lists (class "stack", each cell labelled,
    the stylesheet that does it loaded)."""
    for user, labels in (
        (cast.ani, ("Kab/kota tertinggal", "Kelengkapan", "Diajukan")),
        (cast.gita, ("Terisi / kuota", "Tenggat")),
    ):
        html = page(client, user)
        picture = re.search(r'<section aria-labelledby="gambaran">(.*?)</section>', html, re.S)
        assert picture and 'class="provinces stack"' in picture.group(1), user
        for label in labels:
            assert f'data-label="{label}"' in picture.group(1), (user, label)
        assert "kotan/links.css" in html
