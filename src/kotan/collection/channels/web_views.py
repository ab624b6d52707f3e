"""The questionnaire form: by public link (no account) or by a signed-in enumerator.

Every page is load → authorise → act → render. A respondent's draft is found through a
signed cookie per link; an enumerator's through ``?draf=<key>`` among their own drafts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache

import kotan
from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, current_user, has_capability
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.collection import evidence
from kotan.collection.actions import TransitionError
from kotan.collection.channels.web import (
    remove_draft_evidence,
    save_section,
    start_draft,
    submit_draft,
)
from kotan.collection.channels.web_forms import (
    EVIDENCE,
    INSTITUTION,
    OPENED,
    Questionnaire,
    Section,
    SectionForm,
    field_name,
    load_questionnaire,
    sign_opened,
)
from kotan.collection.models import (
    Assignment,
    Channel,
    Draft,
    Evidence,
    Quota,
    RespondentLink,
    Response,
    collecting,
)
from kotan.instruments.models import ObservationUnit
from kotan.method.problems import Problem

COOKIE_SALT = "kotan.collection.draft"
# Receipts name the time of the capital (WIB), as BNN's letters do, wherever the respondent is.
RECEIPT_TIME_ZONE = ZoneInfo("Asia/Jakarta")
# "Siapkan semua untuk luring" keeps at most this many unit forms on one device.
MAX_OFFLINE_UNITS = 200
COOKIE_MAX_AGE = 30 * 24 * 3600

UNAVAILABLE = {
    "unknown": (
        gettext_lazy("Tautan tidak ditemukan"),
        gettext_lazy(
            "Tautan pengisian ini tidak dikenal. Periksa kembali alamatnya, atau hubungi "
            "petugas BNN yang mengirimkannya kepada Anda."
        ),
    ),
    "inactive": (
        gettext_lazy("Tautan sudah dinonaktifkan"),
        gettext_lazy(
            "Tautan pengisian ini sudah dinonaktifkan oleh petugas. Hubungi petugas BNN bila "
            "Anda masih perlu mengisi kuesioner."
        ),
    ),
    "expired": (
        gettext_lazy("Tautan sudah kedaluwarsa"),
        gettext_lazy(
            "Masa berlaku tautan ini sudah habis. Hubungi petugas BNN untuk meminta tautan baru."
        ),
    ),
    "used_up": (
        gettext_lazy("Tautan sudah dipakai"),
        gettext_lazy(
            "Kuesioner dari tautan ini sudah diisi sebanyak batas yang ditentukan. Terima kasih "
            "atas partisipasi Anda."
        ),
    ),
    "closed": (
        gettext_lazy("Pengisian sudah ditutup"),
        gettext_lazy("Pengisian kuesioner untuk wilayah ini tidak lagi menerima jawaban."),
    ),
}


@dataclass
class Filling:
    """One questionnaire being filled: what, for whom, and its draft (None before saving)."""

    assignment: Assignment
    unit: ObservationUnit
    questionnaire: Questionnaire
    draft: Draft | None
    link: RespondentLink | None = None
    user: User | None = None
    new: bool = False  # an enumerator asked for a new questionnaire (?baru=1)

    @property
    def show_codes(self) -> bool:
        """Item codes (``KEL1_01``) help enumerators and operators; a respondent opening a
        public link sees the questions only."""
        return self.link is None

    @property
    def institution_default(self) -> str:
        if self.link is None:
            return ""
        return self.link.institution.name if self.link.institution else self.link.label

    def url(self, page: str = "form", *, fresh: bool = False, **params: Any) -> str:
        if self.link is not None:
            base = reverse(f"form_link{_SUFFIX[page]}", args=[self.link.token])
        else:
            base = reverse(
                f"form_enumerator{_SUFFIX[page]}", args=[self.assignment.pk, self.unit.code]
            )
            if fresh:
                params = {"baru": "1", **params}
            elif self.draft is not None:
                params = {"draf": str(self.draft.key), **params}
            elif self.new:
                params = {"baru": "1", **params}
        query = urlencode(params)
        return f"{base}?{query}" if query else base


_SUFFIX = {"form": "", "review": "_review", "receipt": "_receipt"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def _unavailable(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    title, message = UNAVAILABLE[reason]
    return render(
        request,
        "collection/form/unavailable.html",
        {"title": title, "message": message},
        status=status,
    )


def _problem_text(problem: Problem) -> str:
    return Problem(problem.code, "", problem.params).message()


def _link_state(link: RespondentLink) -> str | None:
    """Why a link can take no (more) answers, or None."""
    reason = link.unavailable_reason()
    if reason is None and not link.assignment.accepts_responses:
        return "closed"
    return reason


# --- the public link -------------------------------------------------------------------------


def _cookie_name(link: RespondentLink) -> str:
    return f"kotan_draf_{link.pk}"


def _cookie_draft(request: HttpRequest, link: RespondentLink) -> Draft | None:
    value = request.get_signed_cookie(
        _cookie_name(link), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    try:
        key = uuid.UUID(str(value))
    except ValueError:
        return None
    return Draft.objects.filter(key=key, link=link).first()


def _remember(response: HttpResponse, filling: Filling) -> HttpResponse:
    """Keep a respondent's draft key in a signed cookie for this link only (30 days)."""
    if filling.link is not None and filling.draft is not None:
        response.set_signed_cookie(
            _cookie_name(filling.link),
            str(filling.draft.key),
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            path=reverse("form_link", args=[filling.link.token]),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _link_filling(request: HttpRequest, token: str) -> Filling | HttpResponse:
    link = (
        RespondentLink.objects.select_related(
            "assignment__period__instrument", "assignment__regency", "unit", "institution"
        )
        .filter(token=token)
        .first()
    )
    if link is None:
        return _unavailable(request, "unknown", 404)
    draft = _cookie_draft(request, link)
    if draft is None or not draft.submitted_receipt:  # a sent draft keeps its receipt page
        reason = _link_state(link)
        if reason is not None:
            return _unavailable(request, reason, 410)
    questionnaire = load_questionnaire(link.assignment.period.instrument, link.unit)
    if not questionnaire.sections:
        raise Http404
    return Filling(link.assignment, link.unit, questionnaire, draft, link=link)


def _by_link(page: Callable[[HttpRequest, Filling], HttpResponse]) -> Callable[..., HttpResponse]:
    @never_cache
    @wraps(page)
    def view(request: HttpRequest, token: str) -> HttpResponse:
        filling = _link_filling(request, token)
        if isinstance(filling, HttpResponse):
            return filling
        return page(request, filling)

    return view


# --- enumerators -----------------------------------------------------------------------------


def _filler_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users go to the login page; roles that do not fill questionnaires get 403."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_capability(current_user(request), Capability.FILL_QUESTIONNAIRE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _enumerator_filling(
    request: HttpRequest, assignment_id: int, unit_code: str
) -> Filling | HttpResponse:
    user = current_user(request)
    assignment = get_scoped_or_404(
        user,
        Assignment.objects.select_related("period__instrument", "regency"),
        pk=assignment_id,
    )
    unit = get_object_or_404(
        ObservationUnit, instrument_id=assignment.period.instrument_id, code=unit_code
    )
    drafts = Draft.objects.filter(enumerator=user, assignment=assignment, unit=unit)
    new = request.GET.get("baru") == "1"
    draft = None
    if request.GET.get("draf"):
        try:
            draft = drafts.get(key=uuid.UUID(request.GET["draf"]))
        except (ValueError, Draft.DoesNotExist) as exc:
            raise Http404 from exc
    elif not new:
        draft = drafts.filter(submitted_receipt="").order_by("-updated_at").first()
    if (draft is None or not draft.submitted_receipt) and not assignment.accepts_responses:
        return _unavailable(request, "closed", 410)
    questionnaire = load_questionnaire(assignment.period.instrument, unit)
    if not questionnaire.sections:
        raise Http404
    return Filling(assignment, unit, questionnaire, draft, user=user, new=new)


def _by_enumerator(
    page: Callable[[HttpRequest, Filling], HttpResponse],
) -> Callable[..., HttpResponse]:
    @_filler_required
    @wraps(page)
    def view(request: HttpRequest, assignment_id: int, unit_code: str) -> HttpResponse:
        filling = _enumerator_filling(request, assignment_id, unit_code)
        if isinstance(filling, HttpResponse):
            return filling
        return page(request, filling)

    return view


@dataclass(frozen=True)
class UnitRow:
    """One unit of an assignment on the enumerator's list: responses filled against quota."""

    assignment: Assignment
    unit: ObservationUnit
    quota: int
    filled: int

    @property
    def full(self) -> bool:
        return self.quota > 0 and self.filled >= self.quota

    @property
    def offline_url(self) -> str:
        return reverse("form_enumerator_offline", args=[self.assignment.pk, self.unit.code])


def _unit_rows(assignments: list[Assignment]) -> None:
    """Attach ``unit_rows`` to each assignment, with one aggregate query for the counts."""
    filled = {
        (row["assignment_id"], row["unit_id"]): row["n"]
        for row in Response.objects.filter(assignment__in=assignments, excluded=False)
        .values("assignment_id", "unit_id")
        .annotate(n=Count("id"))
    }
    for assignment in assignments:
        assignment.unit_rows = [  # type: ignore[attr-defined]
            UnitRow(assignment, q.unit, q.quota, filled.get((assignment.pk, q.unit_id), 0))
            for q in assignment.quotas.all()
        ]


def _offline_units(assignments: Any) -> list[dict[str, str]]:
    """Every unit form of the open assignments in scope, for "Siapkan semua untuk luring"."""
    quotas = (
        Quota.objects.filter(assignment__in=assignments)
        .select_related("assignment__regency", "unit")
        .order_by("assignment__regency__code", "unit__order")[:MAX_OFFLINE_UNITS]
    )
    return [
        {
            "url": reverse("form_enumerator_offline", args=[q.assignment_id, q.unit.code]),
            "label": f"{q.unit.name} · {q.assignment.regency.name}",
        }
        for q in quotas
    ]


@_filler_required
def enumerator_home(request: HttpRequest) -> HttpResponse:
    """Assignments in scope (regency × unit, filled against quota, a start button), the
    user's open drafts, and what waits on this device (pengisian.js; the page is kept for
    offline use by the service worker)."""
    user = current_user(request)
    assignments = scope_queryset(
        user,
        Assignment.objects.collecting()
        .select_related("regency", "period")
        .prefetch_related("quotas__unit"),
    )
    page = Paginator(assignments, 20).get_page(request.GET.get("halaman"))
    _unit_rows(list(page.object_list))
    drafts = scope_queryset(
        user,
        Draft.objects.filter(
            collecting("assignment__"), enumerator=user, submitted_receipt=""
        ).select_related("assignment__regency", "assignment__period", "unit"),
    ).order_by("-updated_at")[:50]
    config = {
        "user": user.pk,
        "endpoint": reverse("api_submissions") + "?kanal=offline",
        "login": reverse("login"),
        "sw": reverse("service_worker"),
        "assets": [*_offline_assets(), static("kotan/pengisian.js")],
        "units": _offline_units(assignments),
        "text": {
            **_outbox_text(),
            "prepared": _("{n} dari {total} siap"),
            "prepare_failed": _(
                "{n} formulir belum dapat disiapkan. Periksa sinyal, lalu tekan lagi."
            ),
            "prepare_done": _("Semua formulir siap dibuka tanpa sinyal."),
            "drafting": _("Sedang diisi di perangkat ini"),
            "open": _("Buka"),
        },
    }
    return render(
        request,
        "collection/form/enumerator_home.html",
        {"page": page, "drafts": drafts, "config": config},
    )


# --- the pages, shared by both ways in ------------------------------------------------------


def _section_form(
    filling: Filling, section: Section, request: HttpRequest | None = None
) -> SectionForm:
    draft = filling.draft
    answers: dict[str, str] = draft.answers if draft is not None else {}
    initial: dict[str, Any] = {field_name(code): value for code, value in answers.items()}
    initial[INSTITUTION] = draft.institution_name if draft else filling.institution_default
    if draft is None:
        initial[OPENED] = sign_opened(timezone.now())
    return SectionForm(
        request.POST if request else None,
        request.FILES if request else None,
        initial=initial,
        questionnaire=filling.questionnaire,
        section=section,
        draft=draft,
        first=section.number == 1,
        with_evidence=section.number == 1 and filling.unit.code in evidence.EVIDENCE_UNITS,
    )


def _save(request: HttpRequest, filling: Filling, form: SectionForm) -> None:
    """Save whatever in the section is valid; invalid parts stay on the form with errors."""
    form.is_valid()
    if filling.draft is None:
        try:
            filling.draft = start_draft(
                assignment=filling.assignment,
                unit=filling.unit,
                link=filling.link,
                enumerator=filling.user,
                institution_name=filling.institution_default,
                opened_at=form.opened_at(),
            )
        except TransitionError as exc:  # a link that has started too many drafts
            form.add_error(None, [_problem_text(p) for p in exc.problems])
            return
    uploads = form.valid_uploads()
    try:
        filling.draft = save_section(
            filling.draft, form.valid_answers(), form.valid_institution(), uploads
        )
    except ValidationError as exc:  # documents refused at the last moment (count)
        form.add_error(EVIDENCE, exc)
        filling.draft = save_section(filling.draft, form.valid_answers(), form.valid_institution())
        return
    if uploads:
        messages.success(
            request,
            ngettext("%(n)d dokumen tersimpan.", "%(n)d dokumen tersimpan.", len(uploads))
            % {"n": len(uploads)},
        )
    removed = _int(request.POST.get("hapus_bukti"), 0)
    if removed and remove_draft_evidence(filling.draft, removed):
        messages.success(request, _("Dokumen dihapus."))


def _next_url(filling: Filling, section: Section, action: str | None) -> str:
    if action == "kembali":
        return filling.url(bagian=max(section.number - 1, 1))
    if action in ("unggah", "hapus"):
        return filling.url(bagian=section.number)
    if section.number >= len(filling.questionnaire.sections):
        return filling.url("review")
    return filling.url(bagian=section.number + 1)


def _section_page(request: HttpRequest, filling: Filling) -> HttpResponse:
    if filling.draft is not None and filling.draft.submitted_receipt:
        return redirect(filling.url("receipt"))
    source = request.POST if request.method == "POST" else request.GET
    resume = filling.questionnaire.resume_at(filling.draft.answers if filling.draft else {})
    section = filling.questionnaire.section(_int(source.get("bagian"), resume))
    if request.method == "POST":
        form = _section_form(filling, section, request)
        _save(request, filling, form)
        if not form.errors:
            action = "hapus" if "hapus_bukti" in request.POST else request.POST.get("aksi")
            return _remember(redirect(_next_url(filling, section, action)), filling)
    else:
        form = _section_form(filling, section)
    answers = filling.draft.answers if filling.draft else {}
    answered = filling.questionnaire.answered(answers)
    context = {
        "filling": filling,
        "form": form,
        "section": section,
        "answered": answered,
        # The live counter (form.js) adds what is ticked on this page to the other sections.
        "answered_elsewhere": answered - sum(1 for q in section.questions if answers.get(q.code)),
        "last": section.number == len(filling.questionnaire.sections),
        "evidence": Evidence.objects.filter(draft=filling.draft).order_by("uploaded_at")
        if form.has_evidence and filling.draft
        else [],
    }
    return _remember(render(request, "collection/form/section.html", context), filling)


def _review_page(request: HttpRequest, filling: Filling) -> HttpResponse:
    draft = filling.draft
    if draft is None:
        return redirect(filling.url())
    if draft.submitted_receipt:
        return redirect(filling.url("receipt"))
    problems: list[str] = []
    if request.method == "POST":
        # An enumerator typing in a paper questionnaire says so: the response records it.
        paper = filling.user is not None and request.POST.get("kertas") == "1"
        sent = submit_draft(
            draft, user=filling.user, channel=Channel.PAPER if paper else Channel.WEB
        )
        filling.draft = draft = sent.draft
        if sent.receipt:
            return _remember(redirect(filling.url("receipt")), filling)
        problems = [_problem_text(p) for p in sent.problems]
    answers = draft.answers
    context = {
        "filling": filling,
        "problems": problems,
        "answered": filling.questionnaire.answered(answers),
        "gaps": [
            (section, filling.url(bagian=section.number), questions)
            for section, questions in filling.questionnaire.unanswered(answers)
        ],
        "back_url": filling.url(bagian=len(filling.questionnaire.sections)),
        "send_url": filling.url("review"),
        "evidence": Evidence.objects.filter(draft=draft).order_by("uploaded_at"),
    }
    return _remember(render(request, "collection/form/review.html", context), filling)


def _receipt_page(request: HttpRequest, filling: Filling) -> HttpResponse:
    draft = filling.draft
    if draft is None or not draft.submitted_receipt:
        return redirect(filling.url())
    link = filling.link
    another = link is not None and link.max_uses != 1 and _link_state(link) is None
    if request.method == "POST" and link is not None and another:
        # Another respondent on the same device: forget this browser's (sent) draft.
        response = redirect(filling.url())
        response.delete_cookie(
            _cookie_name(link), path=reverse("form_link", args=[link.token]), samesite="Lax"
        )
        return response
    received = (
        Response.objects.filter(receipt_number=draft.submitted_receipt)
        .values_list("raw__received_at", flat=True)
        .first()
    )
    context = {
        "filling": filling,
        "another": another,
        "new_url": filling.url(fresh=True),
        "received": _receipt_time(received) if received else None,
    }
    return render(request, "collection/form/receipt.html", context)


def _receipt_time(moment: datetime) -> dict[str, str]:
    """When a receipt was issued, in WIB: "3 Desember 2026 pukul 09.15 WIB"."""
    local = timezone.localtime(moment, RECEIPT_TIME_ZONE)
    return {
        "iso": local.isoformat(timespec="minutes"),
        "text": _("%(date)s pukul %(time)s WIB")
        % {"date": date_format(local, "j F Y"), "time": local.strftime("%H.%M")},
    }


link_form = _by_link(_section_page)
link_review = _by_link(_review_page)
link_receipt = _by_link(_receipt_page)
enumerator_form = _by_enumerator(_section_page)
enumerator_review = _by_enumerator(_review_page)
enumerator_receipt = _by_enumerator(_receipt_page)


# --- the offline questionnaire (installable, works with no network) ------------------------


def _offline_assets() -> list[str]:
    """The files an offline questionnaire needs, kept on the device with the page."""
    return [
        static("kotan/site.css"),
        static("kotan/form.css"),
        static("kotan/outbox.js"),
        static("kotan/offline.js"),
        static("kotan/favicon.svg"),
    ]


def _outbox_text() -> dict[str, str]:
    """The words of the outbox, the same on the offline questionnaire and on /pengisian/."""
    return {
        "online": _("Tersambung ke server."),
        "offline": _("Tidak ada sinyal. Jawaban tetap tersimpan di perangkat ini."),
        "ready": _("Versi luring siap: halaman ini dapat dibuka tanpa sinyal."),
        "waiting": _("Tersimpan di perangkat, menunggu dikirim"),
        "sent": _("Terkirim"),
        "receipt": _("Nomor tanda terima:"),
        "rejected": _("Kiriman belum dapat diterima"),
        "retry": _("Gagal mengirim; dicoba lagi otomatis."),
        "login": _("Sesi Anda sudah berakhir. Jawaban tetap tersimpan di perangkat ini."),
        "login_link": _("Masuk lagi untuk mengirim"),
        "items": _("{n} butir"),
        "files": _("{n} dokumen"),
        "files_refused": _("Dokumen tidak diterima:"),
        "none": _("Belum ada kuesioner yang disimpan di perangkat ini."),
        "wib": _("WIB"),
    }


def _offline_page(request: HttpRequest, filling: Filling) -> HttpResponse:
    """The whole questionnaire on one page, kept on the device by the service worker.

    Answers and documents live in the browser's IndexedDB as they are entered; a finished
    questionnaire waits in an outbox and is sent to the JSON API under its client UUID
    (static/kotan/outbox.js, offline.js). The page itself holds no answers, so the cached
    copy is the same for every questionnaire filled from it.
    """
    if filling.link is not None:
        form_key = f"isi/{filling.link.token}"
        context: dict[str, Any] = {"link": filling.link.token}
    else:
        # Per user: on a shared phone, one enumerator's drafts and outbox are never shown to,
        # or sent as, the next one.
        user_pk = filling.user.pk if filling.user is not None else 0
        form_key = f"pengisian/{filling.assignment.pk}/{filling.unit.code}/{user_pk}"
        context = {"assignment": filling.assignment.pk}
    with_evidence = filling.unit.code in evidence.EVIDENCE_UNITS
    config = {
        "form": form_key,
        "context": context,
        "unit": filling.unit.code,
        "label": f"{filling.unit.name} · {filling.assignment.regency.name}",
        "institution": filling.institution_default,
        "endpoint": reverse("api_submissions") + "?kanal=offline",
        "login": reverse("login"),
        "sw": reverse("service_worker"),
        "assets": _offline_assets(),
        "evidence": {
            "max_bytes": evidence.MAX_BYTES,
            "max_files": evidence.MAX_FILES_PER_DRAFT,
            "extensions": sorted(evidence.KINDS_BY_EXTENSION),
        }
        if with_evidence
        else None,
        "text": {
            **_outbox_text(),
            "answered": _("{n} dari {total} butir terjawab"),
            "kept": _("tersimpan di perangkat"),
            "empty": _(
                "Belum ada jawaban yang diisi. Isi paling sedikit satu pertanyaan sebelum mengirim."
            ),
            "queued": _("Kuesioner tersimpan di perangkat dan akan dikirim saat ada sinyal."),
            "remove": _("Hapus"),
            "file_kind": _("Berkas '{name}' ditolak: hanya PDF, JPEG atau PNG yang diterima."),
            "file_size": _("Berkas '{name}' terlalu besar: maksimum 5 MB."),
            "file_count": _("Paling banyak {n} dokumen per kuesioner."),
        },
    }
    return render(
        request,
        "collection/form/offline.html",
        {
            "filling": filling,
            "questionnaire": filling.questionnaire,
            "config": config,
            "with_evidence": with_evidence,
            "accept": evidence.ACCEPT,
        },
    )


def _revalidated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The offline page is revalidated on every visit but not "no-store": a no-store page
    never enters the browser's back/forward cache, and this page holds no answers (they are
    in IndexedDB). Redirects and refusals keep never_cache's headers."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = "private, no-cache"
        return response

    return wrapped


offline_link = _revalidated(_by_link(_offline_page))
offline_enumerator = _revalidated(_by_enumerator(_offline_page))


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site root so that its scope covers the forms."""
    # The version makes every release a new worker for the browser (it compares bytes).
    response = render(
        request,
        "collection/form/sw.js",
        {"version": kotan.__version__},
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
