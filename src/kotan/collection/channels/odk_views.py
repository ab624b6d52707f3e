"""ODK Collect / KoboCollect: the OpenRosa endpoints and the help page with the form downloads.

Collect's server URL is ``https://<host>/odk``; it appends ``/formList`` and ``/submission``.

- ``GET /odk/formList``: the forms of open periods the user may fill (OpenRosa form list).
- ``GET /odk/forms/<year>/<unit>.xml``: one XForm.
- ``HEAD /odk/submission`` (204) and ``POST /odk/submission`` (multipart, the instance in
  ``xml_submission_file``): through ``ingest_submission``. 201 new, and 201 with the first
  receipt for a resend (OpenRosa counts only 201/202 as received: a 200 would make Collect
  send it again and again); 409 conflicting resend, 422 invalid (both kept for review); 400 for
  XML that cannot be read safely, 413 too large (neither kept: Collect keeps the instance).

Authentication is HTTP Basic, checked on every request through ``authenticate`` (so the
django-axes lockout applies). Digest is not possible: it needs a reversible password or an
MD5 of it on the server, and passwords are stored only as Argon2 hashes. Collect sends Basic
credentials only over HTTPS, which production uses. No cookies, so no CSRF token: the
endpoints are csrf_exempt and accept no session.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, current_user, has_capability
from kotan.accounts.scoping import Level, user_scope
from kotan.collection import sharing
from kotan.collection.channels import excel, odk
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Channel, Period
from kotan.method.problems import Problem, ProblemsError

logger = logging.getLogger(__name__)

REALM = "SI-KOTAN"
MAX_BODY_BYTES = 10 * 1024 * 1024  # X-OpenRosa-Accept-Content-Length; the form has no media
XML = "text/xml; charset=utf-8"


def _openrosa(response: HttpResponse) -> HttpResponse:
    # The Date header OpenRosa asks for is the WSGI server's (gunicorn and runserver always
    # send one); setting it here would send it twice.
    response["X-OpenRosa-Version"] = "1.0"
    response["X-OpenRosa-Accept-Content-Length"] = str(MAX_BODY_BYTES)
    return response


def _reply(status: int, message: str, nature: str = "") -> HttpResponse:
    """An OpenRosa response document: Collect shows its message to the enumerator."""
    body = render_to_string(
        "collection/odk/response.xml", {"message": message, "nature": nature or "error"}
    )
    return _openrosa(HttpResponse(body, status=status, content_type=XML))


def _problems_text(problems: list[Problem]) -> str:
    # Without the location: the messages name the item themselves, other locations are codes.
    return " ".join(Problem(p.code, "", p.params).message() for p in problems)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _basic_user(request: HttpRequest) -> User | None:
    scheme, _sep, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    if not sep:
        return None
    # django-axes records a failed attempt with the request's form fields: give it none, so a
    # wrong password never makes Django parse (or axes store) a submission's body.
    parsed = request.__dict__.pop("_post", None), request.__dict__.pop("_files", None)
    request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
    try:
        user = authenticate(request=request, username=username, password=password)
    finally:
        del request._post, request._files  # type: ignore[attr-defined]
        if parsed[0] is not None:
            request._post, request._files = parsed  # type: ignore[attr-defined]
    if not isinstance(user, User):
        return None
    # A correct password clears earlier failures, as a web login does (AXES_RESET_ON_SUCCESS):
    # Basic authentication never sends the login signal that axes listens to.
    handler = AxesProxyHandler.get_implementation()
    if settings.AXES_RESET_ON_SUCCESS and hasattr(handler, "reset_user_attempts"):
        handler.reset_user_attempts(request, {"username": username})
    return user


def _collect_user(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """HTTP Basic for Collect: 401 with a challenge without (valid) credentials, 403 for an
    account that does not fill questionnaires or has no region."""

    @csrf_exempt
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _declared_length(request) > MAX_BODY_BYTES:  # before any password check
            return _reply(
                413, Problem("odk.too_large", "", {"limit": MAX_BODY_BYTES // 1024}).message()
            )
        user = _basic_user(request)
        if user is None:
            response = _reply(401, _("Masuk dengan nama pengguna dan kata sandi SI-KOTAN."))
            response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
            return response
        if (
            not has_capability(user, Capability.FILL_QUESTIONNAIRE)
            or user_scope(user).level == Level.NONE
        ):
            return _reply(403, _("Akun Anda tidak dapat mengisi kuesioner."))
        return view(request, user, *args, **kwargs)

    return wrapped


# --- OpenRosa -------------------------------------------------------------------------------


@require_GET
@_collect_user
def form_list(request: HttpRequest, user: User) -> HttpResponse:
    forms = [f for period in odk.fillable_periods(user) for f in odk.period_forms(period, user)]
    wanted = request.GET.get("formID")
    if wanted:
        forms = [f for f in forms if f.form_id == wanted]
    entries = [
        {
            "form": form,
            "md5": odk.xform_md5(odk.xform_text(form)),
            "url": request.build_absolute_uri(
                reverse("odk_form", args=[form.year, form.unit_code])
            ),
        }
        for form in forms
    ]
    body = render_to_string("collection/odk/form_list.xml", {"entries": entries})
    return _openrosa(HttpResponse(body, content_type=XML))


def _form(user: User, year: int, unit: str) -> odk.OdkForm:
    period = get_object_or_404(odk.periods_in_scope(user), year=year)
    form = next((f for f in odk.period_forms(period, user) if f.unit_code == unit), None)
    if form is None:
        raise Http404
    return form


@require_GET
@_collect_user
def form_xml(request: HttpRequest, user: User, year: int, unit: str) -> HttpResponse:
    text = odk.xform_text(_form(user, year, unit))
    return _openrosa(HttpResponse(text.encode("utf-8"), content_type=XML))


def _instance_bytes(request: HttpRequest) -> bytes:
    upload = request.FILES.get("xml_submission_file")
    if upload is not None:
        return upload.read(odk.MAX_XML_BYTES + 1)
    return request.POST.get("xml_submission_file", "").encode("utf-8")


@require_http_methods(["HEAD", "POST"])
@_collect_user
def submission(request: HttpRequest, user: User) -> HttpResponse:
    if request.method == "HEAD":
        return _openrosa(HttpResponse(status=204))
    try:
        try:
            data = _instance_bytes(request)
        except (MultiPartParserError, SuspiciousOperation) as exc:
            raise ProblemsError([Problem("odk.multipart", "")]) from exc
        if not data:
            raise ProblemsError([Problem("odk.no_instance", "xml_submission_file")])
        payload = odk.parse_instance(data)
    except ProblemsError as exc:
        code = exc.problems[0].code
        logger.warning("ODK submission refused (%s) from user %s", code, user.username)
        return _reply(413 if code == "odk.too_large" else 400, _problems_text(exc.problems))
    result = ingest_submission(payload, channel=Channel.ODK, user=user)
    if result.ok:
        if result.status == 201:
            text = _("Kiriman diterima. Nomor tanda terima: %(receipt)s.")
        else:
            text = _("Kiriman ini sudah diterima sebelumnya. Nomor tanda terima: %(receipt)s.")
        return _reply(201, text % {"receipt": result.receipt_number}, "submit_success")
    text = _("Kiriman tidak diterima (nomor %(receipt)s):")
    return _reply(
        result.status,
        f"{text % {'receipt': result.receipt_number}} {_problems_text(result.problems)}",
    )


# --- the help page and downloads for people -------------------------------------------------


def _reader(request: HttpRequest) -> User:
    user = current_user(request)
    allowed = has_capability(user, Capability.FILL_QUESTIONNAIRE) or has_capability(
        user, Capability.VIEW_COLLECTION
    )
    if not allowed or user_scope(user).level == Level.NONE:
        raise PermissionDenied
    return user


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    period: Period | None = (
        odk.periods_in_scope(user).filter(status=Period.Status.OPEN).order_by("-year").first()
    )
    server_url = request.build_absolute_uri(reverse("odk_form_list")).removesuffix("/formList")
    can_send = has_capability(user, Capability.FILL_QUESTIONNAIRE)
    code = odk.collect_settings_code(server_url, user.get_username())
    qr = mark_safe(  # noqa: S308 - segno's output: path data and an escaped title
        sharing.qr_svg_inline(code, _("Kode QR pengaturan ODK Collect")) if can_send else ""
    )
    return render(
        request,
        "collection/odk/help.html",
        {
            "period": period,
            "forms": odk.period_forms(period, user) if period else [],
            "server_url": server_url,
            "qr_svg": qr,
            "can_send": can_send,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
    )


@login_required
def form_download(request: HttpRequest, year: int, unit: str, fmt: str) -> HttpResponse:
    form = _form(_reader(request), year, unit)
    if fmt == "xlsx":
        response = HttpResponse(form.xlsform_bytes(), content_type=excel.XLSX_TYPE)
    else:
        response = HttpResponse(odk.xform_text(form).encode("utf-8"), content_type=XML)
    response["Content-Disposition"] = f'attachment; filename="{form.form_id}.{fmt}"'
    return response
