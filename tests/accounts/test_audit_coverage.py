"""Every model of SI-KOTAN is in the audit trail, or is listed here with the reason it is not."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.support.cast import Cast

NOT_AUDITED = {
    # Append-only records that are their own audit trail: written once, never changed.
    "collection.rawsubmission": "every payload as received, with sender, channel and time",
    "collection.answer": "part of a response; the raw submission holds what was sent",
    "scoring.regencyresult": "part of an immutable index run (the run itself is audited)",
    # A respondent's scratch copy, saved on every answer; what is sent becomes a raw submission.
    "collection.draft": "autosaved work in progress, not data of record",
    # The explicit item-unit through table is audited as the item's `units` (many-to-many).
    "instruments.itemunit": "audited through Item.units",
}


def test_every_model_is_audited_or_explained() -> None:
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("kotan."):
            continue
        label = model._meta.label_lower
        if not auditlog.contains(model) and label not in NOT_AUDITED:
            missing.append(label)
    assert missing == [], f"models neither audited nor explained: {missing}"
    for label in NOT_AUDITED:  # the list holds no stale names
        assert not auditlog.contains(apps.get_model(label)), label


def test_audit_page_speaks_the_users_language(cast: Cast, client: Client) -> None:
    from kotan.accounts import actions as account_actions

    account_actions.deactivate_user(actor=cast.ani, user=cast.eko)
    client.force_login(cast.ani)
    body = client.get(reverse("audit_list"), {"pelaku": "ani"}).content.decode()
    assert "aktif" in body and "ya → tidak" in body  # verbose name and a boolean in words
    assert "diubah" in body and ">update<" not in body
    body = client.get(reverse("audit_list")).content.decode()
    assert "Kabupaten Batanghari" in body  # a foreign key shown by its name, not its id
    assert ".None" not in body  # no reverse relations listed on create
