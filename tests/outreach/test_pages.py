"""The reminder pages and who may use them: each role, the own region against another
province (403 without the capability, 404 outside the scope, a refused POST changes nothing)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from post_office.models import Email

from kotan.collection.models import Period
from kotan.outreach.actions import run_reminders
from kotan.outreach.models import OutreachMessage
from tests.support.cast import Cast
from tests.support.outreach import (
    DEADLINE,
    People,
    assignment,
    cast,
    fill_quota,
    outreach_world,
    people,
    period,
    small_quotas,
)

__all__ = ["cast", "outreach_world", "people", "period"]  # fixtures

BATANGHARI = reverse("outreach_regency", args=["15.04"])
ACEH_UTARA = reverse("outreach_regency", args=["11.08"])


def as_user(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def reminded(period: Period, people: People) -> None:
    """The reminders of seven days before the deadline, sent and prepared."""
    run_reminders(DEADLINE - timedelta(days=7))


# --- who may open what ----------------------------------------------------------------------

PAGES = [
    reverse("outreach_today"),
    reverse("outreach_log"),
    BATANGHARI,
]


@pytest.mark.parametrize("url", PAGES)
def test_operators_and_the_national_admin_open_the_pages_others_get_403(
    cast: Cast, people: People, url: str
) -> None:
    for user in (cast.ani, cast.budi, cast.citra):
        assert as_user(user).get(url).status_code == 200, user
    for user in (cast.dewi, cast.eko, cast.fajar, cast.gita):
        assert as_user(user).get(url).status_code == 403, user
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_a_regency_outside_the_scope_is_404(cast: Cast, people: People) -> None:
    assert as_user(cast.hadi).get(BATANGHARI).status_code == 404
    assert as_user(cast.citra).get(ACEH_UTARA).status_code == 404
    assert as_user(cast.budi).get(ACEH_UTARA).status_code == 404
    assert as_user(cast.hadi).get(ACEH_UTARA).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("outreach_template_list"),
        reverse("outreach_template_edit", args=["reminder_before"]),
        reverse("outreach_plan", args=[2026]),
    ],
)
def test_templates_and_plans_are_the_national_admins(cast: Cast, url: str) -> None:
    assert as_user(cast.ani).get(url).status_code == 200
    for user in (cast.budi, cast.citra, cast.hadi, cast.fajar, cast.dewi):
        assert as_user(user).get(url).status_code == 403, user


def test_an_unknown_template_or_period_is_404(cast: Cast) -> None:
    client = as_user(cast.ani)
    assert client.get(reverse("outreach_template_edit", args=["tidak_ada"])).status_code == 404
    assert client.get(reverse("outreach_plan", args=[1999])).status_code == 404


# --- the regency page -----------------------------------------------------------------------


def test_the_regency_page_shows_progress_contacts_and_log(
    cast: Cast, people: People, reminded: None
) -> None:
    with freeze_time(DEADLINE - timedelta(days=7)):
        body = as_user(cast.citra).get(BATANGHARI).content.decode()
    assert "0/180" in body and "7 hari lagi" in body
    assert "Rina Contoh" in body and "Sari Contoh" in body and "+62 812-0000-1001" in body
    assert "Teuku Contoh" not in body  # Aceh Utara's contact
    assert body.count("Kirim pengingat sekarang") == 4  # two contacts, two channels each
    assert "Disiapkan, menunggu operator" in body and "sistem" in body


def test_send_now_by_email_queues_one_message(cast: Cast, people: People) -> None:
    url = reverse("outreach_send_now", args=["15.04"])
    response = as_user(cast.citra).post(url, {"contact": people.rina.pk, "channel": "email"})
    assert response.status_code == 302 and response["Location"] == BATANGHARI
    message = OutreachMessage.objects.get()
    assert (message.kind, message.channel, message.status) == ("manual", "email", "antre")
    assert message.created_by == cast.citra and message.email is not None
    assert Email.objects.get().to == ["rina@example.org"]
    assert LogEntry.objects.get_for_object(message).filter(actor=cast.citra).exists()


def test_send_now_by_whatsapp_opens_the_prepared_message(cast: Cast, people: People) -> None:
    url = reverse("outreach_send_now", args=["15.04"])
    response = as_user(cast.budi).post(url, {"contact": people.sari.pk, "channel": "whatsapp"})
    assert response.status_code == 302
    assert response["Location"].startswith("https://wa.me/6281200001002?text=")
    assert OutreachMessage.objects.get().status == "disiapkan"


def test_send_now_refused_sends_nothing(cast: Cast, people: People) -> None:
    url = reverse("outreach_send_now", args=["15.04"])
    assert (
        as_user(cast.hadi).post(url, {"contact": people.rina.pk, "channel": "email"}).status_code
        == 404
    )
    assert (
        as_user(cast.dewi).post(url, {"contact": people.rina.pk, "channel": "email"}).status_code
        == 403
    )
    # a contact of another regency, through this regency's page
    assert (
        as_user(cast.citra).post(url, {"contact": people.teuku.pk, "channel": "email"}).status_code
        == 404
    )
    # Teuku has no WhatsApp number: refused with a message, nothing stored
    aceh = reverse("outreach_send_now", args=["11.08"])
    response = as_user(cast.hadi).post(
        aceh, {"contact": people.teuku.pk, "channel": "whatsapp"}, follow=True
    )
    assert "tidak punya alamat" in response.content.decode()
    assert as_user(cast.citra).get(url).status_code == 405  # POST only
    assert not OutreachMessage.objects.exists() and not Email.objects.exists()


# --- to send today, mark sent, reply --------------------------------------------------------


def test_to_send_today_lists_prepared_whatsapp_by_regency_in_scope(
    cast: Cast, reminded: None
) -> None:
    body = as_user(cast.citra).get(reverse("outreach_today")).content.decode()
    assert "Kabupaten Batanghari" in body and "Kabupaten Muaro Jambi" in body
    assert body.count("https://wa.me/") == 3
    assert "Teuku" not in body
    hadi = as_user(cast.hadi).get(reverse("outreach_today")).content.decode()
    assert "Batanghari" not in hadi and "wa.me" not in hadi


def test_marking_sent_is_audited_and_scoped(cast: Cast, people: People, reminded: None) -> None:
    message = OutreachMessage.objects.get(contact=people.rina, channel="whatsapp")
    url = reverse("outreach_mark_sent", args=[message.pk])
    assert as_user(cast.hadi).post(url).status_code == 404
    assert as_user(cast.dewi).post(url).status_code == 403
    message.refresh_from_db()
    assert message.status == "disiapkan"
    response = as_user(cast.citra).post(url, {"next": reverse("outreach_today")})
    assert response.status_code == 302 and response["Location"] == reverse("outreach_today")
    message.refresh_from_db()
    assert message.status == "dikirim_operator" and message.sent_at is not None
    entry = LogEntry.objects.get_for_object(message).filter(actor=cast.citra).get()
    assert "dikirim_operator" in str(entry.changes)
    body = as_user(cast.citra).get(reverse("outreach_today")).content.decode()
    assert body.count("https://wa.me/") == 2


def test_a_reply_is_noted_by_an_operator_in_scope(
    cast: Cast, people: People, reminded: None
) -> None:
    message = OutreachMessage.objects.get(contact=people.rina, channel="email")
    url = reverse("outreach_note_reply", args=[message.pk])
    assert as_user(cast.hadi).post(url, {"reply_note": "x"}).status_code == 404
    as_user(cast.citra).post(url, {"reply_note": "Dibalas: akan diisi Senin."})
    message.refresh_from_db()
    assert message.reply_note == "Dibalas: akan diisi Senin."
    assert "akan diisi Senin" in as_user(cast.budi).get(BATANGHARI).content.decode()
    too_long = as_user(cast.citra).post(url, {"reply_note": "x" * 2001})
    assert too_long.status_code == 302
    message.refresh_from_db()
    assert message.reply_note == "Dibalas: akan diisi Senin."


# --- the log --------------------------------------------------------------------------------


def test_the_log_filters_and_stays_in_scope(cast: Cast, reminded: None) -> None:
    url = reverse("outreach_log")
    everything = as_user(cast.ani).get(url).content.decode()
    assert "Teuku Contoh" in everything and "Rina Contoh" in everything
    wa = as_user(cast.ani).get(url, {"kanal": "whatsapp"}).content.decode()
    assert "Teuku Contoh" not in wa and "Rina Contoh" in wa  # Teuku has email only
    one = as_user(cast.ani).get(url, {"wilayah": "15.05", "status": "antre"}).content.decode()
    assert "Sari Contoh" in one and "Rina Contoh" not in one
    hadi = as_user(cast.hadi).get(url).content.decode()
    assert "Teuku Contoh" in hadi and "Rina Contoh" not in hadi and "Batanghari" not in hadi
    assert as_user(cast.ani).get(url, {"periode": "abc", "status": "x"}).status_code == 200


def test_the_log_page_needs_the_same_queries_for_more_messages(
    cast: Cast, people: People, django_assert_max_num_queries: object
) -> None:
    run_reminders(DEADLINE - timedelta(days=14))
    client = as_user(cast.ani)
    client.get(reverse("outreach_log"))  # warm the session and content types
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        client.get(reverse("outreach_log"))
    run_reminders(DEADLINE - timedelta(days=7))
    run_reminders(DEADLINE - timedelta(days=3))
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        client.get(reverse("outreach_log"))


# --- links from the progress and regency pages ----------------------------------------------


def test_the_lagging_list_and_the_regency_page_link_here_for_operators(
    cast: Cast, period: Period
) -> None:
    progress = as_user(cast.citra).get(reverse("progress")).content.decode()
    assert f'href="{BATANGHARI}?periode=2026"' in progress
    viewer = as_user(cast.gita).get(reverse("progress")).content.decode()
    assert "/pengingat/" not in viewer and "Batanghari" in viewer
    regency = reverse("regency_detail", args=["15.04"])
    assert "Narahubung dan pengingat" in as_user(cast.citra).get(regency).content.decode()
    assert "Narahubung dan pengingat" not in as_user(cast.gita).get(regency).content.decode()


def test_where_no_bnnk_covers_the_bnnp_contacts_are_reminded_and_listed(
    cast: Cast, period: Period, people: People
) -> None:
    from kotan.accounts.actions import add_contact

    yudi = add_contact(
        actor=None, organization=cast.bnnp_jambi, name="Yudi Contoh", email="yudi@example.org"
    )
    kerinci = reverse("outreach_regency", args=["15.01"])  # no BNNK: BNNP Jambi answers
    assert "Yudi Contoh" in as_user(cast.budi).get(kerinci).content.decode()
    assert "Yudi Contoh" not in as_user(cast.citra).get(BATANGHARI).content.decode()
    send = reverse("outreach_send_now", args=["15.01"])
    as_user(cast.budi).post(send, {"contact": yudi.pk, "channel": "email"})
    assert OutreachMessage.objects.get().regency.code == "15.01"  # type: ignore[union-attr]
    run_reminders(DEADLINE - timedelta(days=1))
    assert OutreachMessage.objects.filter(contact=yudi, kind="reminder").count() == 9


def test_whatsapp_numbers_are_shown_grouped_as_on_the_contact_pages(
    cast: Cast, people: People, reminded: None
) -> None:
    """ "+6281200001001" is hard to read out or check against a phone: the lists show
    "+62 812-0000-1001", as the contact pages do (the wa.me link keeps the digits)."""
    for url in (reverse("outreach_today"), reverse("outreach_log"), BATANGHARI):
        body = as_user(cast.citra).get(url).content.decode()
        assert "+62 812-0000-1001" in body, url
        assert ">+6281200001001" not in body and " +6281200001001 " not in body, url
    assert (
        "https://wa.me/6281200001001"
        in as_user(cast.citra).get(reverse("outreach_today")).content.decode()
    )


def test_a_regency_that_reached_its_target_is_not_reminded_by_hand(
    cast: Cast, people: People, period: Period
) -> None:
    """The reminder would say "baru 2 dari 2 responden ... mohon segera diisi": the page
    offers no button, and a posted send is refused with a message; nothing is stored."""
    batanghari = assignment(period, "15.04")
    small_quotas(batanghari)
    fill_quota(period, batanghari, cast.eko)
    client = as_user(cast.citra)
    page = client.get(BATANGHARI).content.decode()
    assert "Kirim pengingat sekarang" not in page and "sudah terpenuhi" in page
    url = reverse("outreach_send_now", args=["15.04"])
    response = client.post(url, {"contact": people.rina.pk, "channel": "email"}, follow=True)
    assert "sudah memenuhi target" in response.content.decode()
    assert not OutreachMessage.objects.exists() and not Email.objects.exists()
