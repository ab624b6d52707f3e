"""Publishing a final run: national admin only, audited, one public run per year, withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.scoring import publication
from kotan.scoring.models import AwardRule, IndexRun, Publication
from tests.support.cast import Cast
from tests.support.public import PublicWorld, public_world_fixtures, synthetic_run

world, cast = public_world_fixtures()


def _others(cast: Cast) -> list:  # type: ignore[type-arg]
    return [u for role, u in cast.by_role().items() if role != "national_admin"] + [cast.hadi]


def _messages(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(m) for m in response.context["messages"])


def test_national_admin_publishes_through_the_run_page(
    world: PublicWorld, cast: Cast, client: Client
) -> None:
    run = world.unpublished
    client.force_login(cast.ani)
    page = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "Belum diterbitkan" in page and reverse("publication_publish", args=[run.pk]) in page
    response = client.post(
        reverse("publication_publish", args=[run.pk]), {"note": "Rilis resmi"}, follow=True
    )
    assert "diterbitkan di halaman publik" in _messages(response)
    pub = Publication.objects.get(run=run)
    assert pub.published_by == cast.ani and pub.note == "Rilis resmi" and pub.year == 2025
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Publication), object_pk=str(pub.pk)
    )
    assert entry.actor == cast.ani and entry.action == LogEntry.Action.CREATE
    page = response.content.decode()
    assert "Diterbitkan" in page and "oleh Ani" in page
    assert reverse("publication_withdraw", args=[run.pk]) in page
    assert client.get(reverse("public_ranking", args=[2025])).status_code == 200


def test_a_provisional_run_is_refused_with_its_number(
    world: PublicWorld, cast: Cast, client: Client
) -> None:
    run = world.provisional_only
    client.force_login(cast.ani)
    response = client.post(reverse("publication_publish", args=[run.pk]), follow=True)
    text = _messages(response)
    assert f"#{run.pk}" in text and "sementara" in text
    assert reverse("publication_publish", args=[run.pk]) not in response.content.decode()
    assert "Hanya perhitungan final yang dapat diterbitkan" in response.content.decode()
    assert not Publication.objects.filter(run=run).exists()
    with pytest.raises(ValidationError):
        publication.set_award_rule(actor=cast.ani, run=run, top_national=3, top_per_category=1)


def test_others_get_403_and_nothing_changes(world: PublicWorld, cast: Cast, client: Client) -> None:
    run = world.unpublished
    for user in _others(cast):
        client.force_login(user)
        for name, data in (
            ("publication_publish", {"note": "x"}),
            ("publication_withdraw", {"reason": "x"}),
            ("publication_award_rule", {"top_national": "3", "top_per_category": "1"}),
        ):
            assert client.post(reverse(name, args=[world.run.pk]), data).status_code == 403
            assert client.post(reverse(name, args=[run.pk]), data).status_code == 403
        with pytest.raises(PermissionDenied):
            publication.publish_run(actor=user, run=run)
        with pytest.raises(PermissionDenied):
            publication.withdraw_run(actor=user, run=world.run, reason="x")
    assert not Publication.objects.filter(run=run).exists()
    assert Publication.objects.get(run=world.run).withdrawn_at is None
    assert not AwardRule.objects.exists()
    client.logout()
    response = client.post(reverse("publication_publish", args=[run.pk]))
    assert response.status_code == 302 and "next=" in response["Location"]  # to sign in
    assert not Publication.objects.filter(run=run).exists()


def test_only_the_national_admin_sees_the_forms(
    world: PublicWorld, cast: Cast, client: Client
) -> None:
    client.force_login(cast.budi)
    page = client.get(reverse("run_detail", args=[world.run.pk])).content.decode()
    assert "Diterbitkan" in page  # the state, for everyone who reads the run
    assert reverse("publication_withdraw", args=[world.run.pk]) not in page
    assert reverse("publication_award_rule", args=[world.run.pk]) not in page


def test_get_is_not_allowed(world: PublicWorld, cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    assert (
        client.get(reverse("publication_publish", args=[world.unpublished.pk])).status_code == 405
    )


def test_csrf_is_required(world: PublicWorld, cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.ani)
    assert (
        client.post(reverse("publication_publish", args=[world.unpublished.pk])).status_code == 403
    )
    assert not Publication.objects.filter(run=world.unpublished).exists()


def test_one_public_run_per_year(world: PublicWorld, cast: Cast, client: Client) -> None:
    second = synthetic_run(world.run.period, actor=cast.ani, regencies=[])
    client.force_login(cast.ani)
    response = client.post(reverse("publication_publish", args=[second.pk]), follow=True)
    text = _messages(response)
    assert "sudah diterbitkan" in text and f"#{world.run.pk}" in text and "Tarik dulu" in text
    assert not Publication.objects.filter(run=second).exists()
    publication.withdraw_run(actor=cast.ani, run=world.run, reason="Diganti perhitungan baru.")
    publication.publish_run(actor=cast.ani, run=second)
    from kotan.public.queries import published_run

    assert published_run(2026) == second
    # A withdrawn run is not published again.
    with pytest.raises(ValidationError, match="sudah ditarik"):
        publication.publish_run(actor=cast.ani, run=world.run)


def test_withdrawing_needs_a_reason_and_is_audited(
    world: PublicWorld, cast: Cast, client: Client
) -> None:
    run = world.run
    client.force_login(cast.ani)
    for reason in ("", "   "):
        response = client.post(
            reverse("publication_withdraw", args=[run.pk]), {"reason": reason}, follow=True
        )
        assert "Alasan penarikan" in _messages(response) or "alasan" in _messages(response)
        assert Publication.objects.get(run=run).withdrawn_at is None
    response = client.post(
        reverse("publication_withdraw", args=[run.pk]),
        {"reason": "Data satu provinsi salah."},
        follow=True,
    )
    assert "ditarik" in _messages(response)
    pub = Publication.objects.get(run=run)
    assert pub.withdrawn_by == cast.ani and pub.withdrawn_reason == "Data satu provinsi salah."
    assert "Ditarik" in response.content.decode() and "Data satu provinsi salah." in (
        response.content.decode()
    )
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Publication),
        object_pk=str(pub.pk),
        action=LogEntry.Action.UPDATE,
    ).get()
    assert entry.actor == cast.ani and "withdrawn_reason" in entry.changes_dict
    assert client.get(reverse("public_ranking", args=[2026])).status_code == 404
    # Twice: refused, nothing changes.
    with pytest.raises(ValidationError, match="tidak sedang diterbitkan"):
        publication.withdraw_run(actor=cast.ani, run=run, reason="lagi")
    # The run itself did not change.
    assert IndexRun.objects.get(pk=run.pk).kind == "final"


def test_a_future_date_is_refused_and_a_past_one_kept(world: PublicWorld, cast: Cast) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="setelah hari ini"):
        publication.publish_run(actor=cast.ani, run=world.unpublished, published_on=tomorrow)
    assert not Publication.objects.filter(run=world.unpublished).exists()
    past = timezone.localdate() - timedelta(days=3)
    pub = publication.publish_run(actor=cast.ani, run=world.unpublished, published_on=past)
    assert timezone.localtime(pub.published_at).date() == past


def test_award_rule_set_and_refused(world: PublicWorld, cast: Cast, client: Client) -> None:
    run = world.run
    client.force_login(cast.ani)
    response = client.post(
        reverse("publication_award_rule", args=[run.pk]),
        {"top_national": "10", "top_per_category": "3", "note": "Penghargaan 2026"},
        follow=True,
    )
    assert "disimpan" in _messages(response)
    rule = AwardRule.objects.get(run=run)
    assert (rule.top_national, rule.top_per_category, rule.set_by) == (10, 3, cast.ani)
    assert "10 teratas nasional, 3 teratas per kategori" in response.content.decode()
    for data in (
        {"top_national": "-1", "top_per_category": "3"},
        {"top_national": "abc", "top_per_category": "3"},
        {"top_national": "600", "top_per_category": "3"},
    ):
        response = client.post(reverse("publication_award_rule", args=[run.pk]), data, follow=True)
        assert "Teratas nasional" in _messages(response) or "Paling banyak 514" in _messages(
            response
        )
        assert AwardRule.objects.get(run=run).top_national == 10
    publication.set_award_rule(actor=cast.ani, run=run, top_national=0, top_per_category=5)
    rule.refresh_from_db()
    assert (rule.top_national, rule.top_per_category) == (0, 5)
    assert (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(AwardRule), object_pk=str(rule.pk)
        ).count()
        == 2
    )


def test_a_run_that_does_not_exist_is_404(world: PublicWorld, cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    missing = IndexRun.objects.order_by("-pk").first().pk + 100  # type: ignore[union-attr]
    for name in ("publication_publish", "publication_withdraw", "publication_award_rule"):
        assert client.post(reverse(name, args=[missing]), {"reason": "x"}).status_code == 404
    assert Publication.objects.count() == 1
