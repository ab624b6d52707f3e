"""JSON endpoint for submissions: the offline app, scripts and the load benchmark use it.

POST /api/v1/submissions/ with the payload of collection.payload as JSON. Answers: 201 new,
200 resend of the same payload (same receipt), 409 conflicting resend (kept), 422 invalid
(kept, with every problem), 400 for a body that is not JSON (kept as well).
A signed-in user (enumerator) must send the CSRF token; an anonymous sender needs a link token
in the payload.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, has_capability
from kotan.collection.actions import ingest_submission
from kotan.collection.models import Channel
from kotan.core.problems import Problem, register_messages

MAX_BODY_CHARS = 1_000_000
register_messages(
    {
        "auth.csrf": (
            "Token CSRF tidak ada atau tidak valid.",
            "The CSRF token is missing or invalid.",
        )
    }
)
CHANNELS = {c.value for c in Channel}


def _csrf_failure(request: HttpRequest) -> JsonResponse | None:
    rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})  # type: ignore[arg-type]
    if rejected is None:
        return None
    problem = Problem("auth.csrf", "")
    return JsonResponse(problem.as_dict(), status=403)


def _may_send(user: User, payload: object) -> bool:
    """A link is its own authority (a signed-in focal point may fill a public link);
    without one, only accounts that fill questionnaires may send to an assignment."""
    has_link = isinstance(payload, dict) and bool(payload.get("link"))
    return has_link or has_capability(user, Capability.FILL_QUESTIONNAIRE)


@csrf_exempt  # anonymous link submissions carry no cookie to protect; sessions are checked below
@require_POST
def submissions(request: HttpRequest) -> JsonResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and (failure := _csrf_failure(request)) is not None:
        return failure
    channel = request.GET.get("kanal", Channel.OFFLINE)
    if channel not in CHANNELS:
        channel = Channel.OFFLINE
    body = request.body.decode("utf-8", errors="replace")
    try:
        payload = json.loads(body)
        bad_json = False
    except ValueError:
        payload = {"_body_not_json": body[:MAX_BODY_CHARS]}
        bad_json = True
    if user is not None and not _may_send(user, payload):
        # Refused before anything is stored, as ODK does: not a lost submission, a forbidden one.
        return JsonResponse(Problem("submission.not_allowed", "").as_dict(), status=403)
    result = ingest_submission(payload, channel=channel, user=user)
    data: dict[str, object] = {"receipt": result.receipt_number}
    if result.ok:
        data["status"] = "accepted" if result.status == 201 else "duplicate"
        return JsonResponse(data, status=result.status)
    problems = result.problems or [Problem("submission.not_object", "")]
    data.update(
        {
            "code": problems[0].code if result.status == 409 else "submission.invalid",
            "detail": problems[0].message(),
            "problems": [p.as_dict() for p in problems],
        }
    )
    return JsonResponse(data, status=400 if bad_json else result.status)
