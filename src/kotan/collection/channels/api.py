"""JSON endpoint for submissions: the offline app, scripts and the load benchmark use it.

POST /api/v1/submissions/ with the payload of collection.payload as JSON, or as
``multipart/form-data`` with the JSON in the field ``payload`` and documents in ``evidence``
(the offline outbox sends a questionnaire with its files this way). Answers, always in the
one problem shape (``code``, ``detail``, ``location``, ``problems``): 201 new, 200 resend of
the same payload (same receipt), 409 conflicting resend (kept), 422 invalid (kept, with every
problem), 400 a body that is not JSON (kept as bytes), 401 a session is needed (kept; send
it again after signing in), 403 CSRF or an account that may not send, 413 too large (a
bounded record kept), 429 too many anonymous requests (nothing stored; try again later).
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, has_capability
from kotan.collection import evidence, limits
from kotan.collection.ingest import IngestResult, ingest_submission
from kotan.collection.models import Channel
from kotan.collection.payload import decode_body
from kotan.core.errors import problem_json
from kotan.core.limits import content_length
from kotan.method.problems import Problem

# A questionnaire of 1000 answers is about 25 KB of JSON: anonymous senders get room for that
# and little more; signed-in senders (scripts, imports) more.
MAX_ANONYMOUS_BYTES = 64 * 1024
MAX_SIGNED_IN_BYTES = 1024 * 1024
CHANNELS = {c.value for c in Channel}


def _csrf_failure(request: HttpRequest) -> JsonResponse | None:
    rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})  # type: ignore[arg-type]
    return None if rejected is None else problem_json(403, [Problem("auth.csrf", "")])


def _may_send(user: User, payload: object) -> bool:
    """A link is its own authority (a signed-in focal point may fill a public link);
    without one, only accounts that fill questionnaires may send to an assignment."""
    has_link = isinstance(payload, dict) and bool(payload.get("link"))
    return has_link or has_capability(user, Capability.FILL_QUESTIONNAIRE)


def _read_body(request: HttpRequest) -> bytes:
    """The JSON text: the request body, or the ``payload`` field of a multipart form."""
    if request.content_type == "multipart/form-data":
        return request.POST.get("payload", "").encode("utf-8", errors="surrogatepass")
    return request.body


def _answer(result: IngestResult, **extra: object) -> JsonResponse:
    if result.ok:
        status_word = "accepted" if result.status == 201 else "duplicate"
        return JsonResponse(
            {"receipt": result.receipt_number, "status": status_word, **extra},
            status=result.status,
        )
    problems = result.problems or [Problem("submission.not_object", "")]
    if result.status == 401:
        extra["login_url"] = reverse("login")
    return problem_json(result.status, problems, receipt=result.receipt_number, **extra)


@csrf_exempt  # anonymous link submissions carry no cookie to protect; sessions are checked below
@require_POST
def submissions(request: HttpRequest) -> JsonResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and (failure := _csrf_failure(request)) is not None:
        return failure
    channel = request.GET.get("kanal", Channel.OFFLINE)
    if channel not in CHANNELS:
        channel = Channel.OFFLINE
    limit = MAX_SIGNED_IN_BYTES if user is not None else MAX_ANONYMOUS_BYTES
    too_large = [Problem("submission.too_large", "", {"limit": limit // 1024})]
    if content_length(request) > max(limit, 1) and request.content_type != "multipart/form-data":
        # Not read at all: a bounded record of its size is all that is kept.
        result = ingest_submission(
            None, channel=channel, user=user, body=request.read(limit), problems=too_large
        )
        return _answer(result)
    try:
        body = _read_body(request)
    except RequestDataTooBig:
        return problem_json(413, too_large)
    if len(body) > limit:
        return _answer(
            ingest_submission(None, channel=channel, user=user, body=body, problems=too_large)
        )
    payload, not_storable = decode_body(body)
    if not_storable:
        return _answer(ingest_submission(None, channel=channel, user=user, body=body))
    token = payload.get("link") if isinstance(payload, dict) else None
    if (wait := limits.retry_after(request, token if isinstance(token, str) else None)) is not None:
        return limits.limited_response(request, wait)  # type: ignore[return-value]
    if user is not None and not _may_send(user, payload):
        # Refused before anything is stored, as ODK does: not a lost submission, a forbidden one.
        return problem_json(403, [Problem("submission.not_allowed", "")])
    result = ingest_submission(payload, channel=channel, user=user)
    files = request.FILES.getlist("evidence") if request.FILES else []
    if result.ok and result.response_id is not None and files:
        return _answer(result, evidence_rejected=evidence.attach_uploads(result.response_id, files))
    return _answer(result)
