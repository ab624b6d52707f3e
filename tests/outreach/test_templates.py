"""Message templates: named placeholders checked with located messages, defaults, preview,
saving refused on a bad placeholder."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kotan.outreach.actions import ensure_templates, save_template
from kotan.outreach.defaults import DEFAULT_TEMPLATES
from kotan.outreach.models import MessageTemplate, ReminderPlan
from kotan.outreach.placeholders import PLACEHOLDERS, check, render
from tests.support.cast import Cast

# --- the pure checks ------------------------------------------------------------------------


def test_an_unknown_placeholder_is_located_and_the_known_ones_listed() -> None:
    (problem,) = check("reminder_before", "Yth. {nama},\nPengisian di {wilaya} tertinggal.")
    assert str(problem).startswith("baris 2, kolom 14: {wilaya} tidak dikenal; yang tersedia: ")
    assert "{wilayah}" in str(problem) and "{sisa_hari}" in str(problem)


def test_broken_braces_are_located() -> None:
    problems = [str(p) for p in check("reminder_before", "Halo {nama\nlalu } selesai")]
    assert problems[0].startswith("baris 1, kolom 6: '{' tidak ditutup")
    assert problems[1].startswith("baris 2, kolom 6: '}' tanpa '{'")


def test_doubled_braces_are_literal_and_placeholders_fill() -> None:
    assert check("invitation", "{{contoh}} {tautan}") == []
    assert render("{{x}} {nama}: {tautan}", {"nama": "Rina", "tautan": "u"}) == "{x} Rina: u"


def test_a_placeholder_of_another_kind_is_unknown() -> None:
    assert check("reminder_before", "{daftar}")  # only the summaries have a list
    assert not check("escalation_province", "{daftar}")


def test_every_default_uses_only_its_own_placeholders() -> None:
    assert set(DEFAULT_TEMPLATES) == set(PLACEHOLDERS) == set(MessageTemplate.Key.values)
    for key, (subject, body) in DEFAULT_TEMPLATES.items():
        assert check(key, str(subject)) == [] and check(key, str(body)) == [], key


# --- saving ---------------------------------------------------------------------------------


def test_the_defaults_are_created_once_when_missing(db: None) -> None:
    assert set(ensure_templates()) == set(DEFAULT_TEMPLATES)
    ensure_templates()
    assert MessageTemplate.objects.count() == len(DEFAULT_TEMPLATES)


def test_saving_a_bad_placeholder_is_refused_and_nothing_stored(cast: Cast) -> None:
    before = ensure_templates()["reminder_after"].body
    with pytest.raises(ValidationError) as err:
        save_template(actor=cast.ani, key="reminder_after", subject="Ok", body="Halo {wilaya}")
    assert "baris 1, kolom 6: {wilaya} tidak dikenal" in str(err.value.message_dict["body"])
    assert MessageTemplate.objects.get(key="reminder_after").body == before
    saved = save_template(
        actor=cast.ani, key="reminder_after", subject="Lewat {hari_lewat} hari", body="{nama}"
    )
    assert saved.updated_by == cast.ani and saved.body == "{nama}"


def test_the_edit_page_previews_without_saving_and_refuses_bad_text(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.ani)
    url = reverse("outreach_template_edit", args=["reminder_before"])
    page = client.get(url).content.decode()
    assert "Kabupaten Batanghari" in page  # the preview with example values
    assert "{sisa_hari}" in page  # the list of what is available
    preview = client.post(url, {"subject": "S", "body": "Untuk {wilayah}.", "aksi": "pratinjau"})
    assert "Untuk Kabupaten Batanghari." in preview.content.decode()
    assert MessageTemplate.objects.get(key="reminder_before").body != "Untuk {wilayah}."
    bad = client.post(url, {"subject": "S", "body": "a\nb {wilaya}", "aksi": "simpan"})
    assert bad.status_code == 200
    assert "baris 2, kolom 3: {wilaya} tidak dikenal" in bad.content.decode()
    good = client.post(url, {"subject": "S {sisa_hari}", "body": "{wilayah}", "aksi": "simpan"})
    assert good.status_code == 302
    assert MessageTemplate.objects.get(key="reminder_before").subject == "S {sisa_hari}"


def test_the_plan_page_saves_and_refuses_bad_days(cast: Cast) -> None:
    from kotan.collection.models import Period
    from tests.support.periods import build_period

    period: Period = build_period(cast)
    client = Client()
    client.force_login(cast.ani)
    url = reverse("outreach_plan", args=[period.year])
    assert "14, 7, 3, 1" in client.get(url).content.decode()
    bad = client.post(url, {"days_before": "14, 7, 7", "days_after": "1, 100", "enabled": "on"})
    assert bad.status_code == 200 and "dua kali" in bad.content.decode()
    assert "antara 0 dan 90" in bad.content.decode()
    assert not ReminderPlan.objects.filter(period=period).exists()
    ok = client.post(url, {"days_before": "5, 10", "days_after": "2", "enabled": "on"})
    assert ok.status_code == 302
    plan = Period.objects.get(pk=period.pk).reminder_plan
    assert (plan.days_before, plan.days_after, plan.enabled) == ([10, 5], [2], True)
    budi = Client()
    budi.force_login(cast.budi)
    assert budi.post(url, {"days_before": "1", "days_after": ""}).status_code == 403
    plan.refresh_from_db()
    assert plan.days_before == [10, 5]


def test_an_invitation_without_its_link_is_refused(cast: Cast) -> None:
    """Every bulk invitation would arrive with no questionnaire address to open."""
    before = ensure_templates()["invitation"].body
    client = Client()
    client.force_login(cast.ani)
    url = reverse("outreach_template_edit", args=["invitation"])
    posted = {
        "subject": "Undangan",
        "body": "Yth. {nama}, silakan isi kuesioner.",
        "aksi": "simpan",
    }
    response = client.post(url, posted)
    assert response.status_code == 200
    assert "harus memuat {tautan}" in " ".join(response.context["form"].errors["body"])
    assert MessageTemplate.objects.get(key="invitation").body == before
    good = client.post(url, posted | {"body": "Yth. {nama}, silakan isi: {tautan}"})
    assert good.status_code == 302
    # Reminders may leave the link out (the operator's own words, sent by hand).
    save_template(actor=cast.ani, key="reminder_before", subject="S", body="Yth. {nama}.")
