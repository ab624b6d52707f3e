"""The operator's desk: invalid and conflicting submissions corrected or rejected, routed to
the region they name; responses included again; evidence served in scope only."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.collection import actions, desk
from kotan.collection.actions import TransitionError
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import (
    Assignment,
    Evidence,
    Period,
    RawSubmission,
    RespondentLink,
    Response,
)
from tests.support.cast import Cast
from tests.support.periods import payload


def invalid_raw(context: dict[str, Any], **overrides: Any) -> RawSubmission:
    """An invalid raw submission: an unknown answer code, sent by an anonymous sender."""
    data = payload(context, **overrides)
    data.setdefault("answers", {})["MAS1_01"] = "99"
    result = ingest_submission(data)
    assert result.status in (401, 422), result
    return RawSubmission.objects.get(receipt_number=result.receipt_number)


def body_of(raw: RawSubmission) -> dict[str, Any]:
    assert isinstance(raw.payload, dict)
    return raw.payload


def unparsable_raw(context: dict[str, Any]) -> RawSubmission:
    """A payload whose envelope does not parse (no unit): stored without an assignment."""
    data = payload(context)
    del data["unit"]
    result = ingest_submission(data)
    raw = RawSubmission.objects.get(receipt_number=result.receipt_number)
    assert raw.assignment_id is None
    return raw


@pytest.fixture
def link(cast: Cast, batanghari: Assignment) -> RespondentLink:
    return actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")


@pytest.fixture
def aceh(period: Period) -> Assignment:
    return Assignment.objects.get(period=period, regency__code="11.08")


# --- routing --------------------------------------------------------------------------------


def test_routing_follows_a_known_link_or_assignment_and_nothing_uncertain(
    link: RespondentLink, batanghari: Assignment, aceh: Assignment
) -> None:
    refs = {
        1: desk.Refs(link=link.token),
        2: desk.Refs(assignment=str(batanghari.pk)),
        3: desk.Refs(link=link.token, assignment=str(batanghari.pk)),
        4: desk.Refs(link="unknown-token"),
        5: desk.Refs(assignment="999999"),
        6: desk.Refs(link=link.token, assignment=str(aceh.pk)),  # disagree
        7: desk.Refs(link="unknown-token", assignment=str(batanghari.pk)),  # half unknown
        8: desk.Refs(assignment="12abc"),
        9: desk.Refs(),
    }
    assert desk.route(refs) == {1: batanghari.pk, 2: batanghari.pk, 3: batanghari.pk}


def test_payload_refs_ignore_values_of_the_wrong_type() -> None:
    assert desk.payload_refs({"link": 5, "assignment": True}) == desk.Refs()
    assert desk.payload_refs([1, 2]) == desk.Refs()
    assert desk.payload_refs({"link": "abc", "assignment": 7}) == desk.Refs("abc", "7")


def test_a_row_without_region_goes_to_the_operators_its_link_names(
    cast: Cast, link: RespondentLink
) -> None:
    raw = unparsable_raw({"link": link.token})
    junk = unparsable_raw({"link": "no-such-token"})
    assert list(desk.desk_queryset(cast.citra)) == [raw]  # BNNK Batanghari
    assert list(desk.desk_queryset(cast.budi)) == [raw]  # BNNP Jambi
    assert list(desk.desk_queryset(cast.hadi)) == []  # Aceh
    assert set(desk.desk_queryset(cast.ani)) == {raw, junk}  # the centre sees the rest
    assert desk.visible_to(cast.citra, raw) and not desk.visible_to(cast.citra, junk)
    assert not desk.visible_to(cast.gita, raw)  # a viewer has no desk


# --- reject ---------------------------------------------------------------------------------


def test_reject_needs_a_reason_and_records_who_and_when(cast: Cast, batanghari: Assignment) -> None:
    raw = invalid_raw({"assignment": batanghari.pk})
    with pytest.raises(TransitionError):
        desk.reject_submission(actor=cast.citra, raw=raw, reason="   ")
    raw.refresh_from_db()
    assert raw.resolution == ""
    desk.reject_submission(actor=cast.citra, raw=raw, reason="Kiriman uji coba")
    raw.refresh_from_db()
    assert (raw.resolution, raw.resolution_reason, raw.resolved_by) == (
        "rejected",
        "Kiriman uji coba",
        cast.citra,
    )
    assert raw.resolved_at is not None
    entry = LogEntry.objects.get_for_object(raw).get()
    assert entry.actor == cast.citra and entry.changes_dict["resolution"][1] == "rejected"
    assert raw not in desk.desk_queryset(cast.citra)
    with pytest.raises(TransitionError):  # once only
        desk.reject_submission(actor=cast.citra, raw=raw, reason="lagi")


def test_another_province_cannot_reject(cast: Cast, batanghari: Assignment) -> None:
    raw = invalid_raw({"assignment": batanghari.pk})
    with pytest.raises(TransitionError):
        desk.reject_submission(actor=cast.hadi, raw=raw, reason="bukan urusan saya")
    raw.refresh_from_db()
    assert raw.resolution == ""


# --- correct --------------------------------------------------------------------------------


def test_a_correction_becomes_a_new_response_and_the_original_is_kept(
    cast: Cast, link: RespondentLink
) -> None:
    raw = invalid_raw({"link": link.token})
    before = (raw.payload, raw.status, raw.errors, raw.client_uuid)
    fixed = {**body_of(raw), "answers": {**body_of(raw)["answers"], "MAS1_01": "3"}}
    done = desk.correct_submission(actor=cast.citra, raw=raw, payload=fixed)
    assert done.ok and done.raw is not None
    new = RawSubmission.objects.get(pk=done.raw.pk)
    assert new.corrects == raw and new.client_uuid != raw.client_uuid
    assert new.status == "accepted" and new.channel == raw.channel
    response = Response.objects.get(raw=new)
    assert response.assignment == link.assignment
    raw.refresh_from_db()
    assert (raw.payload, raw.status, raw.errors, raw.client_uuid) == before
    assert (raw.resolution, raw.resolved_by) == ("corrected", cast.citra)
    assert LogEntry.objects.get_for_object(raw).get().actor == cast.citra


def test_a_correction_still_invalid_resolves_nothing(cast: Cast, batanghari: Assignment) -> None:
    raw = invalid_raw({"assignment": batanghari.pk})
    done = desk.correct_submission(actor=cast.citra, raw=raw, payload=dict(body_of(raw)))
    assert not done.ok
    assert done.result.status == 422 and done.result.problems
    raw.refresh_from_db()
    assert raw.resolution == "" and raw.resolved_by is None
    assert not Response.objects.filter(assignment=batanghari).exists()
    # The failed attempt is listed with the original, not as a new case on the desk.
    assert list(desk.desk_queryset(cast.citra)) == [raw]
    assert raw.corrections.count() == 1


def test_a_correction_must_land_in_the_operators_area(
    cast: Cast, batanghari: Assignment, aceh: Assignment
) -> None:
    raw = invalid_raw({"assignment": batanghari.pk})
    aceh_link = actions.create_link(actor=cast.ani, assignment=aceh, unit_code="gov")
    moved = {**body_of(raw), "link": aceh_link.token, "answers": {"MAS1_01": "3"}}
    moved.pop("assignment")
    with pytest.raises(TransitionError):
        desk.correct_submission(actor=cast.citra, raw=raw, payload=moved)
    assert not Response.objects.filter(assignment=aceh).exists()


def test_desk_pages_correct_and_reject(client: Client, cast: Cast, link: RespondentLink) -> None:
    raw = invalid_raw({"link": link.token})
    other = invalid_raw({"link": link.token})
    client.force_login(cast.citra)
    listing = client.get(reverse("desk_list"))
    assert raw.receipt_number in listing.text and other.receipt_number in listing.text
    page = client.get(reverse("desk_detail", args=[raw.pk]))
    assert page.status_code == 200
    assert "&quot;MAS1_01&quot;: &quot;99&quot;" in page.text  # the payload, escaped
    fixed = {k: v for k, v in body_of(raw).items() if k != "uuid"}
    fixed["answers"]["MAS1_01"] = "2"
    answer = client.post(
        reverse("desk_correct", args=[raw.pk]),
        {"payload": json.dumps(fixed), "institution": "Kesbangpol Batanghari"},
    )
    assert answer.status_code == 302
    new = RawSubmission.objects.get(corrects=raw)
    assert new.response.institution_name == "Kesbangpol Batanghari"
    refused = client.post(reverse("desk_reject", args=[other.pk]), {"reason": ""})
    assert refused.status_code == 400 and "Alasan wajib diisi" in refused.text
    assert (
        client.post(reverse("desk_reject", args=[other.pk]), {"reason": "Ganda"}).status_code == 302
    )
    assert "Tidak ada kiriman yang menunggu" in client.get(reverse("desk_list")).text


def test_desk_page_of_bytes_shows_size_and_hash_safely(client: Client, cast: Cast) -> None:
    result = ingest_submission(None, body=b"<script>alert(1)</script>\xff", user=cast.ani)
    raw = RawSubmission.objects.get(receipt_number=result.receipt_number)
    client.force_login(cast.ani)
    page = client.get(reverse("desk_detail", args=[raw.pk]))
    assert page.status_code == 200
    assert raw.body_sha256 in page.text and "<script>alert" not in page.text
    client.force_login(cast.budi)
    assert client.get(reverse("desk_detail", args=[raw.pk])).status_code == 404


def test_desk_is_closed_to_viewers_and_other_provinces(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    raw = invalid_raw({"assignment": batanghari.pk})
    client.force_login(cast.gita)
    assert client.get(reverse("desk_list")).status_code == 403
    client.force_login(cast.hadi)
    assert client.get(reverse("desk_detail", args=[raw.pk])).status_code == 404
    assert raw.receipt_number not in client.get(reverse("desk_list")).text


# --- stuck submissions --------------------------------------------------------------------


def test_stuck_rows_are_counted_in_scope_and_reprocessed(
    client: Client, cast: Cast, link: RespondentLink
) -> None:
    data = payload({"link": link.token})
    raw = RawSubmission.objects.create(
        client_uuid=data["uuid"],
        payload=data,
        payload_hash="x",
        channel="web",
        receipt_number="KTN-STUCK00001",
    )
    RawSubmission.objects.filter(pk=raw.pk).update(
        received_at=timezone.now() - timedelta(minutes=10)
    )
    assert desk.stuck_queryset(cast.citra).count() == 1
    assert desk.stuck_queryset(cast.hadi).count() == 0
    client.force_login(cast.hadi)
    assert "KTN-STUCK00001" not in client.get(reverse("quality")).text
    client.post(reverse("quality_reprocess"))
    raw.refresh_from_db()
    assert raw.status == "received"  # Aceh's button does not touch Jambi's rows
    client.force_login(cast.citra)
    answer = client.post(reverse("quality_reprocess"), follow=True)
    assert "1 kiriman diproses ulang" in answer.text
    raw.refresh_from_db()
    assert raw.status == "accepted"


# --- responses, evidence, re-inclusion ------------------------------------------------------


def _response(cast: Cast, assignment: Assignment) -> Response:
    result = ingest_submission(payload({"assignment": assignment.pk}), user=cast.ani)
    assert result.response_id is not None
    return Response.objects.get(pk=result.response_id)


def test_evidence_is_downloaded_in_scope_only(
    client: Client, cast: Cast, batanghari: Assignment, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    response = _response(cast, batanghari)
    ev = Evidence(
        response=response,
        original_name="perda.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    ev.file.save("e.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    url = reverse("evidence_download", args=[ev.pk])
    client.force_login(cast.citra)
    got = client.get(url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"%PDF-1.4\n"  # type: ignore[attr-defined]
    assert got["Content-Disposition"].startswith("attachment")
    assert "perda.pdf" in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"
    client.force_login(cast.hadi)
    assert client.get(url).status_code == 404


def test_an_excluded_response_is_included_again_with_a_reason(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    response = _response(cast, batanghari)
    actions.exclude_response(actor=cast.citra, response=response, reason="Ganda")
    with pytest.raises(TransitionError):
        desk.include_response(actor=cast.citra, response=response, reason="")
    with pytest.raises(TransitionError):
        desk.include_response(actor=cast.hadi, response=response, reason="salah")
    client.force_login(cast.citra)
    url = reverse("response_include", args=[response.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Ternyata bukan ganda"}).status_code == 302
    response.refresh_from_db()
    assert not response.excluded and response.excluded_reason == ""
    entry = LogEntry.objects.get_for_object(response).order_by("-pk").first()
    assert entry is not None and entry.actor == cast.citra
    assert entry.changes_dict["included_reason"][1] == "Ternyata bukan ganda"


def test_response_page_shows_labels_not_codes_only(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    response = _response(cast, batanghari)
    client.force_login(cast.budi)
    page = client.get(reverse("response_detail", args=[response.pk]))
    assert page.status_code == 200
    answer = response.answers.select_related("item").first()
    assert answer is not None
    option = batanghari.period.instrument.options.get(code=answer.value)
    assert answer.item.text[:40] in page.text and option.label in page.text
    assert response.receipt_number in page.text
    client.force_login(cast.hadi)
    assert client.get(reverse("response_detail", args=[response.pk])).status_code == 404


def test_send_back_history_keeps_every_reason(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    _response(cast, batanghari)
    for reason in ("Kuota keluarga belum terpenuhi", "Bukti Perda belum diunggah"):
        actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
        actions.transition_assignment(
            actor=cast.budi, assignment=batanghari, action="return", reason=reason
        )
    client.force_login(cast.citra)
    page = client.get(reverse("assignment_responses", args=[batanghari.pk]))
    assert page.status_code == 200
    assert "Kuota keluarga belum terpenuhi" in page.text
    assert "Bukti Perda belum diunggah" in page.text


def test_a_failed_correction_attempt_is_not_resolved_on_its_own(
    cast: Cast, batanghari: Assignment
) -> None:
    raw = invalid_raw({"assignment": batanghari.pk})
    attempt = desk.correct_submission(actor=cast.citra, raw=raw, payload=dict(body_of(raw))).raw
    assert attempt is not None and attempt.corrects_id == raw.pk
    with pytest.raises(TransitionError):
        desk.reject_submission(actor=cast.citra, raw=attempt, reason="Ganda")
    fixed = {**body_of(raw), "answers": {"MAS1_01": "3"}}
    assert desk.correct_submission(actor=cast.citra, raw=raw, payload=fixed).ok
    raw.refresh_from_db()
    assert raw.resolution == "corrected" and raw.corrections.count() == 2


def test_desk_list_queries_do_not_grow_with_rows(
    client: Client, cast: Cast, link: RespondentLink, django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast.citra)
    for _ in range(2):
        invalid_raw({"link": link.token})
        unparsable_raw({"link": link.token})
    client.get(reverse("desk_list"))  # warm the session and the caches
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("desk_list"))
    for _ in range(6):
        invalid_raw({"link": link.token})
        unparsable_raw({"link": link.token})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("desk_list")).status_code == 200
