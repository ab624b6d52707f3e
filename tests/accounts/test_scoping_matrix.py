"""Who sees what: every role x every page x own region / another province.

``PAGES`` holds every named route of the site (``test_every_route_is_in_the_matrix`` fails when a
new one is missing), each opened on Jambi's object and on Aceh's object (the same URL for a list
or a national object). The expected status comes from the role's capabilities
(``accounts.permissions.ROLE_CAPABILITIES``: 403 without the capability) and its scope
(``accounts.scoping``: 404 for another province's object); a person's own objects (a
notification, a job) do not exist for anyone else (404). A POST that is refused must change
nothing; one that is done must change something. A user of Aceh, on every answer they get,
sees nothing of Jambi's (``jambi_markers``). The public pages (/publik/) are the exception by
design: everyone, anonymous included, reads every region's published figures there
(``public``), so they are opened on both sides for everyone and are not leak-checked.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from post_office.models import Email

from kotan.accounts.models import Contact, Role, User
from kotan.accounts.permissions import ROLE_CAPABILITIES, Capability
from kotan.collection.actions import exclude_response, transition_assignment
from kotan.collection.channels import odk
from kotan.collection.ingest import ingest_submission
from kotan.collection.jobs import PERIOD_PDFS, RESPONSES_XLSX
from kotan.collection.models import Evidence, RawSubmission, Response
from kotan.instruments.models import Instrument
from kotan.jobs.models import Job
from kotan.monev.models import FollowUp, Point, Session, TeamMember
from kotan.notifications.models import Notification
from kotan.outreach import bulk
from kotan.outreach.forms_bulk import sign_plan
from kotan.outreach.models import OutreachMessage
from kotan.regions.models import Province, Regency
from kotan.scoring.jobs import INDEX_RUN
from kotan.scoring.models import AwardRule, IndexRun, Publication
from tests.support.cast import make_user
from tests.support.files import PDF_BYTES
from tests.support.matrix import UNPUBLISHED_YEAR, Side, World
from tests.support.odk import basic, collect_instance, gov_values
from tests.support.periods import payload

OK, CREATED, FOUND, UNAUTHORIZED, DENIED, HIDDEN, INVALID = 200, 201, 302, 401, 403, 404, 422
LOGIN = "/akun/masuk/"
ADMIN_LOGIN = "/admin/login/"


# --- who ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    user: str  # World.users() key
    role: str
    province: str  # "15" Jambi, "11" Aceh: the own side
    national: bool = False  # scope covers every province

    @property
    def caps(self) -> frozenset[Capability]:
        return ROLE_CAPABILITIES[self.role]

    def can(self, *capabilities: Capability) -> bool:
        return any(c in self.caps for c in capabilities)


WHO: dict[str, Who] = {
    "national_admin": Who("ani", Role.NATIONAL_ADMIN, "15", national=True),
    "province_operator": Who("budi", Role.PROVINCE_OPERATOR, "15"),
    "regency_operator": Who("citra", Role.REGENCY_OPERATOR, "15"),
    "focal_point": Who("dewi", Role.FOCAL_POINT, "15"),
    "enumerator": Who("eko", Role.ENUMERATOR, "15"),
    "viewer_national": Who("fajar", Role.VIEWER, "15", national=True),
    "viewer_province": Who("gita", Role.VIEWER, "15"),
    # Another province, at province and at regency level: they must see nothing of Jambi's.
    "aceh_province_operator": Who("hadi", Role.PROVINCE_OPERATOR, "11"),
    "aceh_regency_operator": Who("intan", Role.REGENCY_OPERATOR, "11"),
    "aceh_regency_viewer": Who("joko", Role.VIEWER, "11"),
}
# Whose own objects each side holds (tests/support/matrix.py): the BNNK operator is notified,
# the province operator started the jobs.
NOTIFIED = {"citra", "intan"}
JOB_STARTERS = {"budi", "hadi"}


# --- expectations ---------------------------------------------------------------------------

Expect = Callable[[Who], tuple[int, int]]  # (own side, other side)


def listing(*need: Capability, ok: int = OK) -> Expect:
    """A list or a national object (one URL): open with any of ``need``, else 403."""

    def expect(who: Who) -> tuple[int, int]:
        status = ok if who.can(*need) else DENIED
        return status, status

    return expect


def scoped(
    *need: Capability,
    ok: int | Callable[[Who], int] = OK,
    hidden: int = HIDDEN,
    allowed: Callable[[Who], bool] | None = None,
    every: bool = False,
) -> Expect:
    """A region's object: 403 without ``need`` (any of them; ``every``: all of them); another
    province's object is ``hidden`` (404, or 422 for a submission naming an assignment out of
    scope) unless the scope is national. ``ok``: the answer in scope, or a rule giving it per
    role. ``allowed``: a rule beyond the capability, for an object in scope (else 403)."""

    def expect(who: Who) -> tuple[int, int]:
        held = all(who.can(c) for c in need) if every else who.can(*need)
        if not held:
            return DENIED, DENIED
        answer = ok(who) if callable(ok) else ok
        in_scope = answer if allowed is None or allowed(who) else DENIED
        return in_scope, in_scope if who.national else hidden

    return expect


def own_only(owners: set[str], ok: int = OK) -> Expect:
    """A person's own object (a notification, a job): ``owners`` are the users owning each
    side's object; anyone else gets 404, as if it did not exist, whatever their capabilities
    (another side's object is never one's own)."""

    def expect(who: Who) -> tuple[int, int]:
        return (ok if who.user in owners else HIDDEN), HIDDEN

    return expect


def starter_or_admin(ok: int = OK) -> Expect:
    """A job: its starter (each side's province operator) and national admins; others 404."""

    def expect(who: Who) -> tuple[int, int]:
        if who.role == Role.NATIONAL_ADMIN:
            return ok, ok
        return own_only(JOB_STARTERS, ok)(who)

    return expect


def focal_point_only(who: Who) -> tuple[int, int]:
    """A focal point's own link: only the focal point, for its own regency's assignment; every
    other role is refused (403), the national admin included (it is not an institution)."""
    if who.can(Capability.MAKE_OWN_LINKS) and who.role == Role.FOCAL_POINT:
        return FOUND, HIDDEN
    return DENIED, DENIED


def deactivation(who: Who) -> int:
    """Closing an account with no reason: the centre may; an operator must say why (422)."""
    return FOUND if who.role == Role.NATIONAL_ADMIN else INVALID


def nobody(status: int) -> Expect:
    return lambda who: (status, status)


def everyone(who: Who) -> tuple[int, int]:
    return OK, OK


def everyone_found(who: Who) -> tuple[int, int]:
    return FOUND, FOUND


def admin_site(who: Who) -> tuple[int, int]:
    return (OK, OK) if who.role == Role.NATIONAL_ADMIN else (FOUND, FOUND)


# The public pages (/publik/): every role, on every region, and anonymous too (``public``
# below sets the anonymous answer to the same status).
everyone_including_anonymous = everyone


def own_dashboard(who: Who) -> tuple[int, int]:
    """/dasbor/: national scopes read it; a regional scope is sent to its own dashboard
    (``test_dashboard_sends_regional_users_to_their_own`` checks where); 403 without
    VIEW_COLLECTION."""
    if not who.can(Capability.VIEW_COLLECTION):
        return DENIED, DENIED
    return (OK, OK) if who.national else (FOUND, FOUND)


# Monev follow-ups (monev.rules): managers of the province update them, and so does the BNNK
# owning them (each side's follow-ups belong to its BNNK); province operators and the centre
# verify a BNNK's work; managers reopen.
def updates_follow_up(who: Who) -> bool:
    return who.can(Capability.MANAGE_MONEV) or who.role == Role.REGENCY_OPERATOR


def verifies_bnnk(who: Who) -> bool:
    return who.role in (Role.NATIONAL_ADMIN, Role.PROVINCE_OPERATOR)


def manages_monev(who: Who) -> bool:
    return who.can(Capability.MANAGE_MONEV)


# --- pages ----------------------------------------------------------------------------------

Url = Callable[[World, Side], str]
Post = Callable[[World, Side], dict[str, Any]]
State = Callable[[World, Side], object]


@dataclass(frozen=True)
class Page:
    name: str  # the URL name
    url: Url  # the page on one side's object; ignores the side for a list
    expect: Expect
    method: str = "GET"
    post: Post | None = None  # client.post keyword arguments
    state: State | None = None  # what a refused POST must leave as it was
    body: str = "text"  # text | zip (XLSX, DOCX: their XML parts) | pdf (the HTML laid out)
    basic: bool = False  # HTTP Basic instead of the session (ODK Collect)
    anonymous: int = FOUND  # FOUND: to the login page
    sided_post: bool = False  # one URL, but the POST body names one side's object
    public: bool = False  # public by design (/publik/): every region's data, for anyone
    # Draws the national tile map (dashboards): every province's tile is named, as on any map
    # of Indonesia, but only the provinces in scope carry a value; the name alone is allowed.
    tile_map: bool = False

    def own_and_other(self, world: World, who: Who) -> tuple[Side, Side]:
        return (world.jambi, world.aceh) if who.province == "15" else (world.aceh, world.jambi)


def at(name: str, *args: Callable[[World, Side], object]) -> Url:
    return lambda w, s: reverse(name, args=[a(w, s) for a in args])


def plain(name: str) -> Url:
    return lambda w, s: reverse(name)


def public(name: str, url: Url, status: int = OK, **kwargs: Any) -> Page:
    """A public page: ``status`` for everyone, signed in or not, on either side's region."""
    expect = everyone_including_anonymous if status == OK else nobody(status)
    return Page(name, url, expect, anonymous=status, public=True, **kwargs)


def refused_post(name: str, url: Url) -> Page:
    """A read-only page: a POST is 405 for anyone, before any sign-in."""
    return Page(name, url, nobody(405), method="POST", anonymous=405)


def publication_form(name: str, run: str, *, get: bool = False, **data: object) -> Page:
    """A publication form of the run page on ``World.<run>``: a POST by the national admin
    changes the run's publication or award rule (``publication_state``); a GET is 405."""
    url: Url = lambda w, s: reverse(name, args=[getattr(w, run).pk])  # noqa: E731
    if get:
        return Page(name, url, nobody(405), anonymous=405)
    return Page(
        name,
        url,
        listing(Capability.COMPUTE_RESULTS, ok=FOUND),
        method="POST",
        post=form(**data),
        state=publication_state(run),
    )


def publication_state(run: str) -> State:
    """``World.<run>``'s publication and award rule, as the publication forms change them."""

    def state(w: World, s: Side) -> object:
        target = getattr(w, run)
        row = Publication.objects.filter(run=target).first()
        rule = AwardRule.objects.filter(run=target).first()
        return (
            row and (row.pk, row.withdrawn_at, row.withdrawn_reason),
            rule and (rule.top_national, rule.top_per_category),
        )

    return state


def province_query(name: str) -> Url:
    return lambda w, s: reverse(name) + f"?provinsi={s.province.code}"


def form(**data: object) -> Post:
    return lambda w, s: {"data": data}


def count_responses(w: World, s: Side) -> object:
    return Response.objects.filter(assignment=s.assignment).count()


def follow_up_state(w: World, s: Side) -> object:
    fu = FollowUp.objects.get(pk=s.follow_up.pk)
    return fu.status, fu.notes.count(), fu.evidence.count(), fu.updated_at


def done_follow_up_state(w: World, s: Side) -> object:
    fu = FollowUp.objects.get(pk=s.done_follow_up.pk)
    return fu.status, fu.verified_at, fu.notes.count()


def api_post(w: World, s: Side) -> dict[str, Any]:
    body = payload({"assignment": s.assignment.pk})
    return {"data": json.dumps(body), "content_type": "application/json"}


def odk_post(w: World, s: Side) -> dict[str, Any]:
    gov = next(f for f in odk.period_forms(w.period, w.cast.ani) if f.unit_code == "gov")
    body = collect_instance(odk.xform_text(gov), gov_values(gov, regency=s.regency.code))
    upload = SimpleUploadedFile("2026-03-02_09-25-30.xml", body, content_type="text/xml")
    return {"data": {"xml_submission_file": upload}}


def evidence_post(w: World, s: Side) -> dict[str, Any]:
    upload = SimpleUploadedFile("laporan.pdf", PDF_BYTES, "application/pdf")
    return {"data": {"uploads": upload}}


def desk_raw(w: World, s: Side) -> int:
    """An invalid raw submission of the side's assignment (an unknown answer code), made once
    per test: the desk's pages open it."""
    found = RawSubmission.objects.filter(
        assignment=s.assignment, status="invalid", payload__institution="Meja operator"
    ).first()
    if found is None:
        body = payload(
            {"assignment": s.assignment.pk}, institution="Meja operator", answers={"MAS1_01": "99"}
        )
        result = ingest_submission(body, user=w.cast.ani)
        found = RawSubmission.objects.get(receipt_number=result.receipt_number)
    return found.pk


def desk_list_url(w: World, s: Side) -> str:
    for side in (w.jambi, w.aceh):
        desk_raw(w, side)
        if not RawSubmission.objects.filter(payload__link=side.link.token).exists():
            body = payload({"link": side.link.token})
            del body["unit"]  # the envelope does not parse: stored without an assignment
            ingest_submission(body)
    return reverse("desk_list")


def desk_resolution(w: World, s: Side) -> object:
    raw = RawSubmission.objects.get(pk=desk_raw(w, s))
    return raw.resolution, raw.corrections.count()


def desk_correction(w: World, s: Side) -> dict[str, Any]:
    body = payload({"assignment": s.assignment.pk}, answers={"MAS1_01": "3"})
    body.pop("uuid")
    return {"data": {"payload": json.dumps(body)}}


def excluded_response(w: World, s: Side) -> int:
    response = Response.objects.get(pk=s.response.pk)
    if not response.excluded:
        exclude_response(actor=w.cast.ani, response=response, reason="Responden ganda")
    return response.pk


def response_evidence(w: World, s: Side) -> int:
    row = Evidence.objects.filter(response=s.response).first()
    if row is None:
        row = Evidence(
            response=s.response,
            original_name="perda.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
        )
        row.file.save("perda.pdf", ContentFile(PDF_BYTES), save=True)
    return row.pk


def contact_count(w: World, s: Side) -> object:
    return Contact.objects.filter(organization=s.institution).count()


def user_state(w: World, s: Side) -> object:
    user = User.objects.get(pk=s.enumerator.pk)
    return user.is_active, Email.objects.count(), LogEntry.objects.get_for_object(user).count()


def job_count(kind: str | None = None) -> State:
    def state(w: World, s: Side) -> object:
        rows = Job.objects.all() if kind is None else Job.objects.filter(kind=kind)
        return rows.count()

    return state


def regency_messages(w: World, s: Side) -> object:
    return OutreachMessage.objects.filter(regency=s.regency).count()


def message_state(w: World, s: Side) -> object:
    message = OutreachMessage.objects.get(pk=s.message.pk)
    return message.status, message.sent_at, message.reply_note


BULK_LIST = (
    "Instansi;Nama;Jabatan;Email;WhatsApp\n"
    "Dinas Sosial Contoh;Wahyu Contoh;Kepala;wahyu@example.org;0812 0000 1777"
)


def bulk_list_post(w: World, s: Side) -> dict[str, Any]:
    return {"data": {"unit": "gov", "uses": "sekali", "valid_days": "30", "daftar": BULK_LIST}}


def bulk_confirm_post(w: World, s: Side) -> dict[str, Any]:
    """A preview's signed plan, new for each request (a plan is made once: its nonce)."""
    settings = {"unit": "gov", "max_uses": 1, "valid_days": 30}
    plan = sign_plan(s.assignment.pk, settings, bulk.read_text(BULK_LIST))
    return {"data": {"rencana": plan}}


def link_count(w: World, s: Side) -> object:
    return s.assignment.links.count()


VIEW_REGIONS, VIEW_ORGS = Capability.VIEW_REGIONS, Capability.VIEW_ORGANIZATIONS
VIEW_COLL, MANAGE_COLL = Capability.VIEW_COLLECTION, Capability.MANAGE_COLLECTION
FILL, MANAGE_INSTR = Capability.FILL_QUESTIONNAIRE, Capability.MANAGE_INSTRUMENTS
VIEW_MONEV, MANAGE_MONEV = Capability.VIEW_MONEV, Capability.MANAGE_MONEV
YEAR = lambda w, s: w.period.year  # noqa: E731
ASSIGNMENT = lambda w, s: s.assignment.pk  # noqa: E731
LINK = lambda w, s: s.link.pk  # noqa: E731
RUN = lambda w, s: w.run.pk  # noqa: E731
PUBLISHED = lambda w, s: w.published.pk  # noqa: E731
PUBLIC_YEAR = lambda w, s: w.published.period.year  # noqa: E731
PROVINCE = lambda w, s: s.province.code  # noqa: E731
REGENCY = lambda w, s: s.regency.code  # noqa: E731
VISIT = lambda w, s: s.visit.pk  # noqa: E731
SESSION = lambda w, s: s.session.pk  # noqa: E731
FOLLOW_UP = lambda w, s: s.follow_up.pk  # noqa: E731
DONE = lambda w, s: s.done_follow_up.pk  # noqa: E731
INSTRUMENT = lambda w, s: w.period.instrument_id  # noqa: E731
GOV = lambda w, s: "gov"  # noqa: E731
CONTACT = lambda w, s: s.contact.pk  # noqa: E731
ENUMERATOR = lambda w, s: s.enumerator.pk  # noqa: E731
JOB = lambda w, s: s.job.pk  # noqa: E731
FAILED_JOB = lambda w, s: s.failed_job.pk  # noqa: E731
MESSAGE = lambda w, s: s.message.pk  # noqa: E731
MANAGE_ACCOUNTS, MANAGE_CONTACTS = Capability.MANAGE_ACCOUNTS, Capability.MANAGE_CONTACTS
SEND, TEMPLATES = Capability.SEND_MESSAGES, Capability.MANAGE_TEMPLATES

PAGES: dict[str, Page] = {
    # --- home, regions, organisations, users, audit, admin
    "home": Page("home", plain("home"), everyone),
    "province_list": Page("province_list", plain("province_list"), listing(VIEW_REGIONS)),
    "province_detail": Page(
        "province_detail", at("province_detail", lambda w, s: s.province.code), scoped(VIEW_REGIONS)
    ),
    "regency_detail": Page("regency_detail", at("regency_detail", REGENCY), scoped(VIEW_REGIONS)),
    "organization_list": Page("organization_list", plain("organization_list"), listing(VIEW_ORGS)),
    "organization_detail": Page(
        "organization_detail",
        at("organization_detail", lambda w, s: s.institution.pk),
        scoped(VIEW_ORGS),
    ),
    "user_list": Page("user_list", plain("user_list"), listing(Capability.VIEW_USERS)),
    # --- accounts: passwords, contacts, users
    "password_change": Page("password_change", plain("password_change"), everyone),
    "password_change_done": Page("password_change_done", plain("password_change_done"), everyone),
    "contact_add": Page(
        "contact_add", at("contact_add", lambda w, s: s.institution.pk), scoped(MANAGE_CONTACTS)
    ),
    "contact_add.post": Page(
        "contact_add",
        at("contact_add", lambda w, s: s.institution.pk),
        scoped(MANAGE_CONTACTS, ok=FOUND),
        method="POST",
        post=form(name="Bayu Contoh", position="Staf", email="bayu@example.org", whatsapp=""),
        state=contact_count,
    ),
    "contact_edit": Page("contact_edit", at("contact_edit", CONTACT), scoped(MANAGE_CONTACTS)),
    "contact_deactivate": Page(
        "contact_deactivate",
        at("contact_deactivate", CONTACT),
        scoped(MANAGE_CONTACTS, ok=FOUND),
        method="POST",
        state=lambda w, s: Contact.objects.get(pk=s.contact.pk).is_active,
    ),
    "user_create": Page("user_create", plain("user_create"), listing(MANAGE_ACCOUNTS)),
    "user_detail": Page(
        "user_detail", at("user_detail", lambda w, s: s.operator.pk), scoped(Capability.VIEW_USERS)
    ),
    # On each side's enumerator, with an empty body: only the centre closes an account without
    # a reason; the account is active already; it has no email to send a link to.
    "user_deactivate": Page(
        "user_deactivate",
        at("user_deactivate", ENUMERATOR),
        scoped(MANAGE_ACCOUNTS, ok=deactivation),
        method="POST",
        state=user_state,
    ),
    "user_deactivate.reason": Page(
        "user_deactivate",
        at("user_deactivate", ENUMERATOR),
        scoped(MANAGE_ACCOUNTS, ok=FOUND),
        method="POST",
        post=form(reason="Pindah tugas ke kabupaten lain."),
        state=user_state,
    ),
    "user_reactivate": Page(
        "user_reactivate",
        at("user_reactivate", ENUMERATOR),
        scoped(MANAGE_ACCOUNTS, ok=INVALID),
        method="POST",
        state=user_state,
    ),
    "user_send_reset": Page(
        "user_send_reset",
        at("user_send_reset", ENUMERATOR),
        scoped(MANAGE_ACCOUNTS, ok=INVALID),
        method="POST",
        state=user_state,
    ),
    "audit_list": Page("audit_list", plain("audit_list"), listing(Capability.VIEW_AUDIT)),
    "admin": Page("admin:index", plain("admin:index"), admin_site),
    # --- instruments (national: no region)
    "instrument_list": Page(
        "instrument_list", plain("instrument_list"), listing(Capability.VIEW_INSTRUMENTS)
    ),
    "instrument_detail": Page(
        "instrument_detail",
        at("instrument_detail", INSTRUMENT),
        listing(Capability.VIEW_INSTRUMENTS),
    ),
    "instrument_download.yaml": Page(
        "instrument_download",
        at("instrument_download", INSTRUMENT, lambda w, s: "yaml"),
        listing(Capability.VIEW_INSTRUMENTS),
    ),
    "instrument_download.xlsx": Page(
        "instrument_download",
        at("instrument_download", INSTRUMENT, lambda w, s: "xlsx"),
        listing(Capability.VIEW_INSTRUMENTS),
        body="zip",
    ),
    "instrument_action": Page(
        "instrument_action",
        at("instrument_action", INSTRUMENT, lambda w, s: "salin"),
        listing(MANAGE_INSTR, ok=FOUND),
        method="POST",
        post=form(year="2031"),
        state=lambda w, s: Instrument.objects.count(),
    ),
    # --- collection: periods, assignments, links
    "period_create": Page("period_create", plain("period_create"), listing(MANAGE_INSTR)),
    "period_status": Page(
        "period_status",
        at("period_status", YEAR, lambda w, s: "tutup"),
        listing(Capability.COMPUTE_RESULTS, ok=FOUND),
        method="POST",
        state=lambda w, s: type(w.period).objects.get(pk=w.period.pk).status,
    ),
    "assignment_list": Page("assignment_list", plain("assignment_list"), listing(VIEW_COLL)),
    "assignment_detail": Page(
        "assignment_detail", at("assignment_detail", ASSIGNMENT), scoped(VIEW_COLL)
    ),
    "assignment_transition": Page(
        "assignment_transition",
        at("assignment_transition", ASSIGNMENT, lambda w, s: "ajukan"),
        scoped(MANAGE_COLL, ok=FOUND),
        method="POST",
        state=lambda w, s: type(s.assignment).objects.get(pk=s.assignment.pk).status,
    ),
    "link_create": Page(
        "link_create",
        at("link_create", ASSIGNMENT),
        scoped(MANAGE_COLL, ok=FOUND),
        method="POST",
        post=form(unit="gov", label="Tautan baru", uses="sekali", valid_days="30"),
        state=lambda w, s: s.assignment.links.count(),
    ),
    "link_detail": Page("link_detail", at("link_detail", LINK), scoped(MANAGE_COLL)),
    "link_print": Page("link_print", at("link_print", LINK), scoped(MANAGE_COLL)),
    "link_qr": Page("link_qr", at("link_qr", LINK), scoped(MANAGE_COLL)),
    "link_deactivate": Page(
        "link_deactivate",
        at("link_deactivate", LINK),
        scoped(MANAGE_COLL, ok=FOUND),
        method="POST",
        state=lambda w, s: type(s.link).objects.get(pk=s.link.pk).is_active,
    ),
    # --- collection: filling (the public link pages are EXEMPT: scoped by their token)
    "enumerator_home": Page("enumerator_home", plain("enumerator_home"), listing(FILL)),
    "form_enumerator": Page(
        "form_enumerator", at("form_enumerator", ASSIGNMENT, GOV), scoped(FILL)
    ),
    # Without a draft of the user's own, review and receipt send back to the form.
    "form_enumerator_review": Page(
        "form_enumerator_review",
        at("form_enumerator_review", ASSIGNMENT, GOV),
        scoped(FILL, ok=FOUND),
    ),
    "form_enumerator_receipt": Page(
        "form_enumerator_receipt",
        at("form_enumerator_receipt", ASSIGNMENT, GOV),
        scoped(FILL, ok=FOUND),
    ),
    "form_enumerator_offline": Page(
        "form_enumerator_offline", at("form_enumerator_offline", ASSIGNMENT, GOV), scoped(FILL)
    ),
    # A signed-in sender needs FILL_QUESTIONNAIRE; an assignment out of scope is refused like
    # an unknown one (422, kept for review, no response). Anonymous senders need a link token.
    "api_submissions": Page(
        "api_submissions",
        plain("api_submissions"),
        scoped(FILL, ok=CREATED, hidden=INVALID),
        method="POST",
        post=api_post,
        sided_post=True,
        state=count_responses,
        anonymous=UNAUTHORIZED,
    ),
    "excel_page": Page("excel_page", at("excel_page", ASSIGNMENT), scoped(MANAGE_COLL)),
    "excel_template": Page(
        "excel_template", at("excel_template", ASSIGNMENT), scoped(MANAGE_COLL), body="zip"
    ),
    "paper_assignment": Page(
        "paper_assignment", at("paper_assignment", ASSIGNMENT, GOV), scoped(VIEW_COLL), body="pdf"
    ),
    "paper_period": Page(
        "paper_period", at("paper_period", YEAR, GOV), listing(VIEW_COLL), body="pdf"
    ),
    # Every role with an assignment of the period in scope (every role here) prints and
    # exports its own scope; the ZIP and the XLSX are made by a job (the POST starts it).
    "paper_period_page": Page(
        "paper_period_page", at("paper_period_page", YEAR), listing(VIEW_COLL)
    ),
    "paper_period_zip": Page(
        "paper_period_zip",
        at("paper_period_zip", YEAR),
        listing(VIEW_COLL, ok=FOUND),
        method="POST",
        state=job_count(PERIOD_PDFS),
    ),
    "responses_export": Page("responses_export", at("responses_export", YEAR), listing(VIEW_COLL)),
    "responses_export_start": Page(
        "responses_export_start",
        at("responses_export_start", YEAR),
        listing(VIEW_COLL, ok=FOUND),
        method="POST",
        state=job_count(RESPONSES_XLSX),
    ),
    # --- collection: ODK Collect (HTTP Basic) and its help page
    "odk_help": Page("odk_help", plain("odk_help"), listing(FILL, VIEW_COLL)),
    "odk_form_list": Page(
        "odk_form_list", plain("odk_form_list"), listing(FILL), basic=True, anonymous=UNAUTHORIZED
    ),
    "odk_form": Page(
        "odk_form",
        at("odk_form", YEAR, GOV),
        listing(FILL),
        basic=True,
        anonymous=UNAUTHORIZED,
    ),
    "odk_submission": Page(
        "odk_submission",
        plain("odk_submission"),
        scoped(FILL, ok=CREATED, hidden=INVALID),
        method="POST",
        post=odk_post,
        sided_post=True,
        state=count_responses,
        basic=True,
        anonymous=UNAUTHORIZED,
    ),
    "odk_download_xlsform": Page(
        "odk_download_xlsform",
        at("odk_download_xlsform", YEAR, GOV),
        listing(FILL, VIEW_COLL),
        body="zip",
    ),
    "odk_download_xform": Page(
        "odk_download_xform", at("odk_download_xform", YEAR, GOV), listing(FILL, VIEW_COLL)
    ),
    # --- collection: progress and quality
    "progress": Page("progress", plain("progress"), listing(VIEW_COLL)),
    "progress_csv": Page("progress_csv", plain("progress_csv"), listing(VIEW_COLL)),
    # The province filter narrows the rows in scope: another province's lists nothing, like
    # a province without data.
    "progress?provinsi": Page("progress", province_query("progress"), listing(VIEW_COLL)),
    "progress_csv?provinsi": Page(
        "progress_csv", province_query("progress_csv"), listing(VIEW_COLL)
    ),
    "quality": Page("quality", plain("quality"), listing(VIEW_COLL)),
    "response_exclude": Page(
        "response_exclude",
        at("response_exclude", lambda w, s: s.response.pk),
        scoped(MANAGE_COLL),
    ),
    "response_exclude.post": Page(
        "response_exclude",
        at("response_exclude", lambda w, s: s.response.pk),
        scoped(MANAGE_COLL, ok=FOUND),
        method="POST",
        post=form(reason="Responden ganda"),
        state=lambda w, s: Response.objects.get(pk=s.response.pk).excluded,
    ),
    # Stuck submissions: each manager reprocesses those of their own area (nothing here).
    "quality_reprocess": Page(
        "quality_reprocess",
        plain("quality_reprocess"),
        listing(MANAGE_COLL, ok=FOUND),
        method="POST",
    ),
    "assignment_responses": Page(
        "assignment_responses", at("assignment_responses", ASSIGNMENT), scoped(VIEW_COLL)
    ),
    "response_detail": Page(
        "response_detail", at("response_detail", lambda w, s: s.response.pk), scoped(VIEW_COLL)
    ),
    "response_include.post": Page(
        "response_include",
        at("response_include", excluded_response),
        scoped(MANAGE_COLL, ok=FOUND),
        method="POST",
        post=form(reason="Ternyata bukan ganda"),
        # The URL excludes the response first (idempotent); the state must not.
        state=lambda w, s: Response.objects.get(pk=s.response.pk).excluded,
    ),
    "evidence_download": Page(
        "evidence_download", at("evidence_download", response_evidence), scoped(VIEW_COLL)
    ),
    # --- collection: the operator's desk (managers of collection, in their area)
    # Both sides hold an invalid row and one without a region routed by its link.
    "desk_list": Page("desk_list", desk_list_url, listing(MANAGE_COLL)),
    "desk_detail": Page("desk_detail", at("desk_detail", desk_raw), scoped(MANAGE_COLL)),
    "desk_correct.post": Page(
        "desk_correct",
        at("desk_correct", desk_raw),
        scoped(MANAGE_COLL, ok=FOUND),
        method="POST",
        post=desk_correction,
        state=desk_resolution,
    ),
    "desk_reject.post": Page(
        "desk_reject",
        at("desk_reject", desk_raw),
        scoped(MANAGE_COLL, ok=FOUND),
        method="POST",
        post=form(reason="Kiriman uji coba"),
        state=desk_resolution,
    ),
    # --- results
    "run_list": Page("run_list", plain("run_list"), listing(VIEW_COLL)),
    "run_compute": Page(
        "run_compute",
        plain("run_compute"),
        listing(Capability.COMPUTE_RESULTS, ok=FOUND),
        method="POST",
        post=lambda w, s: {"data": {"period": w.period.pk, "bootstrap": "0"}},
        # The run is computed by a job: the page starts it and sends to the job's page.
        state=job_count(INDEX_RUN),
    ),
    "run_detail": Page("run_detail", at("run_detail", RUN), listing(VIEW_COLL)),
    "run_regency": Page("run_regency", at("run_regency", RUN, REGENCY), scoped(VIEW_COLL)),
    "run_regency_answers": Page(
        "run_regency_answers", at("run_regency_answers", RUN, REGENCY), scoped(VIEW_COLL)
    ),
    # Exports of a run for leaders: the rows of the reader's scope (Jambi's rows are not in an
    # Aceh user's XLSX: its cells are read by the leak check).
    "run_export_xlsx": Page(
        "run_export_xlsx", at("run_export_xlsx", RUN), listing(VIEW_COLL), body="zip"
    ),
    "run_export_xlsx.per_provinsi": Page(
        "run_export_xlsx",
        lambda w, s: reverse("run_export_xlsx", args=[w.run.pk]) + "?per_provinsi=1",
        listing(VIEW_COLL),
        body="zip",
    ),
    "run_export_xlsx.final": Page(
        "run_export_xlsx", at("run_export_xlsx", PUBLISHED), listing(VIEW_COLL), body="zip"
    ),
    "run_export_pdf": Page(
        "run_export_pdf", at("run_export_pdf", RUN), listing(VIEW_COLL), body="pdf"
    ),
    "run_export_pdf.final": Page(
        "run_export_pdf", at("run_export_pdf", PUBLISHED), listing(VIEW_COLL), body="pdf"
    ),
    "run_export_xlsx.post": refused_post("run_export_xlsx", at("run_export_xlsx", RUN)),
    "run_export_pdf.post": refused_post("run_export_pdf", at("run_export_pdf", RUN)),
    # Publication forms of the run page: POST, national admin only (COMPUTE_RESULTS).
    "publication_publish": publication_form("publication_publish", "unpublished", note="Pleno."),
    "publication_withdraw": publication_form(
        "publication_withdraw", "published", reason="Salah input data Batanghari."
    ),
    "publication_award_rule": publication_form(
        "publication_award_rule", "published", top_national="5", top_per_category="2"
    ),
    "publication_publish.get": publication_form("publication_publish", "unpublished", get=True),
    "publication_withdraw.get": publication_form("publication_withdraw", "published", get=True),
    "publication_award_rule.get": publication_form("publication_award_rule", "published", get=True),
    # --- public pages (/publik/): published final runs, every region, no sign-in. Their
    # answers are not leak-checked: every region's index is public by design (``public``).
    "public_years": public("public_years", plain("public_years")),
    "public_ranking": public("public_ranking", at("public_ranking", PUBLIC_YEAR)),
    "public_ranking.unpublished": public(
        "public_ranking", at("public_ranking", lambda w, s: UNPUBLISHED_YEAR), HIDDEN
    ),
    "public_ranking.post": public(
        "public_ranking", at("public_ranking", PUBLIC_YEAR), 405, method="POST"
    ),
    "public_data.csv": public("public_data", at("public_data", PUBLIC_YEAR, lambda w, s: "csv")),
    "public_data.xlsx": public(
        "public_data", at("public_data", PUBLIC_YEAR, lambda w, s: "xlsx"), body="zip"
    ),
    "public_data.json": public("public_data", at("public_data", PUBLIC_YEAR, lambda w, s: "json")),
    "public_data.unknown": public(
        "public_data", at("public_data", PUBLIC_YEAR, lambda w, s: "txt"), HIDDEN
    ),
    "public_data.unpublished": public(
        "public_data", at("public_data", lambda w, s: UNPUBLISHED_YEAR, lambda w, s: "csv"), HIDDEN
    ),
    "public_regency": public("public_regency", at("public_regency", PUBLIC_YEAR, REGENCY)),
    "public_regency.unpublished": public(
        "public_regency", at("public_regency", lambda w, s: UNPUBLISHED_YEAR, REGENCY), HIDDEN
    ),
    "public_regency.post": public(
        "public_regency", at("public_regency", PUBLIC_YEAR, REGENCY), 405, method="POST"
    ),
    "public_methodology": public("public_methodology", at("public_methodology", PUBLIC_YEAR)),
    "public_methodology.post": public(
        "public_methodology", at("public_methodology", PUBLIC_YEAR), 405, method="POST"
    ),
    "public_awards": public("public_awards", at("public_awards", PUBLIC_YEAR)),
    "public_awards.unpublished": public(
        "public_awards", at("public_awards", lambda w, s: UNPUBLISHED_YEAR), HIDDEN
    ),
    "public_awards.post": public(
        "public_awards", at("public_awards", PUBLIC_YEAR), 405, method="POST"
    ),
    # --- dashboards per scope (read-only)
    "dashboard_national": Page(
        "dashboard_national", plain("dashboard_national"), own_dashboard, tile_map=True
    ),
    "dashboard_province": Page(
        "dashboard_province", at("dashboard_province", PROVINCE), scoped(VIEW_COLL), tile_map=True
    ),
    "dashboard_regency": Page(
        "dashboard_regency", at("dashboard_regency", REGENCY), scoped(VIEW_COLL), tile_map=True
    ),
    "dashboard_province.post": refused_post(
        "dashboard_province", at("dashboard_province", PROVINCE)
    ),
    # --- Monev: visits, team, sessions, points
    "monev_visit_list": Page("monev_visit_list", plain("monev_visit_list"), listing(VIEW_MONEV)),
    # Monev's province filter is a scoped lookup: another province answers 404.
    "monev_visit_list?provinsi": Page(
        "monev_visit_list", province_query("monev_visit_list"), scoped(VIEW_MONEV)
    ),
    "monev_visit_create": Page(
        "monev_visit_create", province_query("monev_visit_create"), scoped(MANAGE_MONEV)
    ),
    "monev_visit_detail": Page(
        "monev_visit_detail", at("monev_visit_detail", VISIT), scoped(VIEW_MONEV)
    ),
    "monev_visit_edit": Page(
        "monev_visit_edit", at("monev_visit_edit", VISIT), scoped(MANAGE_MONEV)
    ),
    "monev_report.docx": Page(
        "monev_report",
        at("monev_report", VISIT, lambda w, s: "docx"),
        scoped(VIEW_MONEV),
        body="zip",
    ),
    "monev_report.pdf": Page(
        "monev_report",
        at("monev_report", VISIT, lambda w, s: "pdf"),
        scoped(VIEW_MONEV),
        body="pdf",
    ),
    "monev_team_add": Page(
        "monev_team_add",
        at("monev_team_add", VISIT),
        scoped(MANAGE_MONEV, ok=FOUND),
        method="POST",
        post=form(role="anggota", name="Tamu"),
        state=lambda w, s: s.visit.team.count(),
    ),
    "monev_team_remove": Page(
        "monev_team_remove",
        at("monev_team_remove", lambda w, s: s.member.pk),
        scoped(MANAGE_MONEV, ok=FOUND),
        method="POST",
        state=lambda w, s: TeamMember.objects.filter(pk=s.member.pk).exists(),
    ),
    "monev_session_create": Page(
        "monev_session_create", at("monev_session_create", VISIT), scoped(MANAGE_MONEV)
    ),
    "monev_session_edit": Page(
        "monev_session_edit", at("monev_session_edit", SESSION), scoped(MANAGE_MONEV)
    ),
    "monev_session_remove": Page(
        "monev_session_remove",
        at("monev_session_remove", lambda w, s: s.spare_session.pk),
        scoped(MANAGE_MONEV, ok=FOUND),
        method="POST",
        state=lambda w, s: Session.objects.filter(pk=s.spare_session.pk).exists(),
    ),
    "monev_point_create": Page(
        "monev_point_create", at("monev_point_create", SESSION), scoped(MANAGE_MONEV)
    ),
    "monev_point_edit": Page(
        "monev_point_edit", at("monev_point_edit", lambda w, s: s.point.pk), scoped(MANAGE_MONEV)
    ),
    "monev_point_move": Page(
        "monev_point_move",
        at("monev_point_move", lambda w, s: s.spare_point.pk, lambda w, s: "naik"),
        scoped(MANAGE_MONEV, ok=FOUND),
        method="POST",
        state=lambda w, s: list(s.session.points.values_list("pk", "order")),
    ),
    "monev_point_remove": Page(
        "monev_point_remove",
        at("monev_point_remove", lambda w, s: s.spare_point.pk),
        scoped(MANAGE_MONEV, ok=FOUND),
        method="POST",
        state=lambda w, s: Point.objects.filter(pk=s.spare_point.pk).exists(),
    ),
    # --- Monev: follow-ups
    "monev_follow_up_create": Page(
        "monev_follow_up_create",
        at("monev_follow_up_create", lambda w, s: s.point.pk),
        scoped(MANAGE_MONEV),
    ),
    "monev_follow_up_list": Page(
        "monev_follow_up_list", plain("monev_follow_up_list"), listing(VIEW_MONEV)
    ),
    "monev_follow_up_list?provinsi": Page(
        "monev_follow_up_list", province_query("monev_follow_up_list"), scoped(VIEW_MONEV)
    ),
    "monev_follow_up_detail": Page(
        "monev_follow_up_detail", at("monev_follow_up_detail", FOLLOW_UP), scoped(VIEW_MONEV)
    ),
    "monev_follow_up_edit": Page(
        "monev_follow_up_edit", at("monev_follow_up_edit", FOLLOW_UP), scoped(MANAGE_MONEV)
    ),
    "monev_follow_up_status": Page(
        "monev_follow_up_status",
        at("monev_follow_up_status", FOLLOW_UP),
        scoped(VIEW_MONEV, ok=FOUND, allowed=updates_follow_up),
        method="POST",
        post=form(status="berjalan", note=""),
        state=follow_up_state,
    ),
    "monev_follow_up_note": Page(
        "monev_follow_up_note",
        at("monev_follow_up_note", FOLLOW_UP),
        scoped(VIEW_MONEV, ok=FOUND, allowed=updates_follow_up),
        method="POST",
        post=form(noted_on="2023-01-02", text="Catatan tambahan."),
        state=follow_up_state,
    ),
    "monev_follow_up_evidence": Page(
        "monev_follow_up_evidence",
        at("monev_follow_up_evidence", FOLLOW_UP),
        scoped(VIEW_MONEV, ok=FOUND, allowed=updates_follow_up),
        method="POST",
        post=evidence_post,
        state=follow_up_state,
    ),
    "monev_follow_up_verify": Page(
        "monev_follow_up_verify",
        at("monev_follow_up_verify", DONE),
        scoped(VIEW_MONEV, ok=FOUND, allowed=verifies_bnnk),
        method="POST",
        post=form(note=""),
        state=done_follow_up_state,
    ),
    "monev_follow_up_reopen": Page(
        "monev_follow_up_reopen",
        at("monev_follow_up_reopen", DONE),
        scoped(VIEW_MONEV, ok=FOUND, allowed=manages_monev),
        method="POST",
        post=form(reason="Bukti belum lengkap."),
        state=done_follow_up_state,
    ),
    "monev_evidence": Page(
        "monev_evidence",
        at("monev_evidence", lambda w, s: s.evidence.pk),
        scoped(VIEW_MONEV),
        body="pdf",
    ),
    "monev_analytics": Page("monev_analytics", plain("monev_analytics"), listing(VIEW_MONEV)),
    "monev_analytics?provinsi": Page(
        "monev_analytics", province_query("monev_analytics"), scoped(VIEW_MONEV)
    ),
    # --- notifications: each user's own; another's does not exist (404)
    "notification_list": Page("notification_list", plain("notification_list"), everyone),
    "notification_open": Page(
        "notification_open",
        at("notification_open", lambda w, s: s.notification.pk),
        own_only(NOTIFIED, ok=FOUND),
        method="POST",
        state=lambda w, s: Notification.objects.get(pk=s.notification.pk).read_at,
    ),
    # Marks the user's own as read (test_reading_all_marks_only_ones_own checks whose).
    "notification_read_all": Page(
        "notification_read_all", plain("notification_read_all"), everyone_found, method="POST"
    ),
    "notification_settings": Page(
        "notification_settings", plain("notification_settings"), everyone
    ),
    # --- jobs: the starter's and the national admins'; for anyone else they do not exist
    "job_list": Page("job_list", plain("job_list"), everyone),
    "job_detail": Page("job_detail", at("job_detail", JOB), starter_or_admin()),
    "job_status": Page("job_status", at("job_status", JOB), starter_or_admin()),
    "job_download": Page("job_download", at("job_download", JOB), starter_or_admin(), body="zip"),
    "job_download.failed": Page("job_download", at("job_download", FAILED_JOB), nobody(HIDDEN)),
    "job_retry": Page(
        "job_retry",
        at("job_retry", FAILED_JOB),
        starter_or_admin(ok=FOUND),
        method="POST",
        state=job_count(),
    ),
    "job_retry.get": Page("job_retry", at("job_retry", FAILED_JOB), nobody(405), anonymous=405),
    # --- outreach: operators (SEND_MESSAGES) in their scope; templates and plans: the centre
    "outreach_regency": Page("outreach_regency", at("outreach_regency", REGENCY), scoped(SEND)),
    "outreach_send_now": Page(
        "outreach_send_now",
        at("outreach_send_now", REGENCY),
        scoped(SEND, ok=FOUND),
        method="POST",
        post=lambda w, s: {"data": {"contact": s.contact.pk, "channel": "email"}},
        state=regency_messages,
    ),
    "outreach_today": Page("outreach_today", plain("outreach_today"), listing(SEND)),
    "outreach_log": Page("outreach_log", plain("outreach_log"), listing(SEND)),
    "outreach_mark_sent": Page(
        "outreach_mark_sent",
        at("outreach_mark_sent", MESSAGE),
        scoped(SEND, ok=FOUND),
        method="POST",
        state=message_state,
    ),
    "outreach_note_reply": Page(
        "outreach_note_reply",
        at("outreach_note_reply", MESSAGE),
        scoped(SEND, ok=FOUND),
        method="POST",
        post=form(reply_note="Dibalas: kuesioner diisi pekan depan."),
        state=message_state,
    ),
    "outreach_template_list": Page(
        "outreach_template_list", plain("outreach_template_list"), listing(TEMPLATES)
    ),
    "outreach_template_edit": Page(
        "outreach_template_edit",
        at("outreach_template_edit", lambda w, s: "reminder_before"),
        listing(TEMPLATES),
    ),
    "outreach_plan": Page("outreach_plan", at("outreach_plan", YEAR), listing(TEMPLATES)),
    # --- bulk sending from an assignment: who both manages collection and sends messages
    "bulk_start": Page(
        "bulk_start", at("bulk_start", ASSIGNMENT), scoped(MANAGE_COLL, SEND, every=True)
    ),
    "bulk_start.post": Page(
        "bulk_start",
        at("bulk_start", ASSIGNMENT),
        scoped(MANAGE_COLL, SEND, every=True),
        method="POST",
        post=bulk_list_post,
        state=link_count,  # a preview makes nothing
    ),
    "bulk_template": Page(
        "bulk_template",
        at("bulk_template", ASSIGNMENT),
        scoped(MANAGE_COLL, SEND, every=True),
        body="zip",
    ),
    "bulk_confirm": Page(
        "bulk_confirm",
        at("bulk_confirm", ASSIGNMENT),
        scoped(MANAGE_COLL, SEND, every=True, ok=FOUND),
        method="POST",
        post=bulk_confirm_post,
        state=link_count,
    ),
    "bulk_batch": Page(
        "bulk_batch", at("bulk_batch", ASSIGNMENT), scoped(MANAGE_COLL, SEND, every=True)
    ),
    "bulk_send": Page(
        "bulk_send",
        at("bulk_send", ASSIGNMENT),
        scoped(MANAGE_COLL, SEND, every=True, ok=FOUND),
        method="POST",
        post=lambda w, s: {"data": {"tautan": str(s.institution_link.pk), "kanal": ["email"]}},
        state=regency_messages,
    ),
    "bulk_qr_sheet": Page(
        "bulk_qr_sheet", at("bulk_qr_sheet", ASSIGNMENT), scoped(MANAGE_COLL, SEND, every=True)
    ),
    "bulk_qr_pdf": Page(
        "bulk_qr_pdf",
        at("bulk_qr_pdf", ASSIGNMENT),
        scoped(MANAGE_COLL, SEND, every=True),
        body="pdf",
    ),
    "own_link_create": Page(
        "own_link_create",
        at("own_link_create", ASSIGNMENT),
        focal_point_only,
        method="POST",
        post=form(**{"sendiri-unit": "gov", "sendiri-uses": "sekali", "sendiri-valid_days": "30"}),
        state=link_count,
    ),
}

# Routes outside the matrix, each with why.
EXEMPT: dict[str, str] = {
    "health": "public liveness probe for load balancers; reads no data",
    "login": "the login page itself",
    "logout": "ends the caller's own session; reads no data",
    "service_worker": "public static script of the offline form; reads no data",
    "form_link": "public questionnaire: scoped by its link token, not by login",
    "form_link_review": "public questionnaire: scoped by its link token, not by login",
    "form_link_receipt": "public questionnaire: scoped by its link token, not by login",
    "form_link_offline": "public questionnaire: scoped by its link token, not by login",
    "password_reset": "public form asking for an email; the same answer for any address",
    "password_reset_done": "public page after asking for a link; reads no data",
    "password_reset_confirm": "public: scoped by its one-time token, not by login",
    "password_reset_complete": "public page after setting a password; reads no data",
}


# --- what the routes are --------------------------------------------------------------------


def route_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    """Every named route, with its namespace (``admin:index``), included ones too."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def matrix_routes() -> set[str]:
    """The routes the matrix must cover: all but the admin site's own pages (the admin is
    for national admins and is checked through its index) and the language switch."""
    return {
        name
        for name in route_names()
        if (not name.startswith("admin:") or name == "admin:index") and name != "set_language"
    }


def test_every_route_is_in_the_matrix() -> None:
    covered = {page.name for page in PAGES.values()}
    routes = matrix_routes()
    assert all(reason.strip() for reason in EXEMPT.values()), "every exemption says why"
    assert not set(EXEMPT) & covered, "a route is both exempt and in the matrix"
    missing = routes - covered - set(EXEMPT)
    assert not missing, f"routes missing from PAGES (or EXEMPT, with a reason): {sorted(missing)}"
    stale = (covered | set(EXEMPT)) - routes
    assert not stale, f"PAGES or EXEMPT name routes that no longer exist: {sorted(stale)}"
    assert len(routes) >= 70


# --- what a Jambi user's data looks like ----------------------------------------------------


def jambi_markers(world: World) -> list[str]:
    """Names and values that only Jambi's data holds: none may reach a user of Aceh."""
    jambi = world.jambi
    regencies = Regency.objects.filter(province__code="15")
    names = list(regencies.values_list("name", flat=True))  # "Kabupaten Batanghari"
    receipts = Response.objects.filter(assignment__regency__province__code="15")
    return [
        "Jambi",
        *names,
        *(n.removeprefix("Kabupaten ").removeprefix("Kota ") for n in names),
        *(f">{code}<" for code in regencies.values_list("code", flat=True)),
        *(f",{code}," for code in regencies.values_list("code", flat=True)),
        *(f"@{u}" for u in ("budi", "citra", "dewi", "eko", "gita")),
        *("Budi", "Citra", "Dewi", "Gita"),
        "Instansi 15.",  # institutions of Jambi's responses
        *receipts.values_list("receipt_number", flat=True),
        jambi.link.token,
        jambi.link.label,
        jambi.visit.title,
        jambi.member.name,
        jambi.session.venue,
        jambi.point.text,
        jambi.spare_point.text,
        jambi.spare_session.venue,
        jambi.follow_up.action,
        jambi.done_follow_up.action,
        jambi.note.text,
        jambi.evidence.original_name,
        jambi.contact.name,
        jambi.contact.email,
        jambi.contact.whatsapp,
        jambi.contact.whatsapp.removeprefix("+"),
        jambi.institution_link.token,
        jambi.institution_link.label,
        jambi.message.body,
        jambi.notification.title,
        jambi.job.label,
        jambi.failed_job.label,
        jambi.failed_job.error,
    ]


def readable(response: HttpResponse, kind: str) -> str | None:
    """The response's text as a person or a program reads it (for a PDF, the HTML laid out)."""
    if response.streaming:
        return None
    content = response.content
    if kind == "pdf":
        if not content.startswith(PDF_STUB):
            return None  # a real PDF (evidence as uploaded): its status is what is checked
        content = content.removeprefix(PDF_STUB)
    if kind == "zip" and content.startswith(b"PK"):
        with zipfile.ZipFile(BytesIO(content)) as archive:
            return "\n".join(
                archive.read(n).decode("utf-8", "replace")
                for n in archive.namelist()
                if n.endswith((".xml", ".rels"))
            )
    return content.decode("utf-8", "replace")


def leaks(text: str | None, markers: list[str]) -> list[str]:
    if not text:
        return []
    return [m for m in markers if m and m in text]


# --- the matrix -----------------------------------------------------------------------------

PDF_STUB = b"%PDF-matrix\n"


@pytest.fixture(autouse=True)
def html_instead_of_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents are laid out as PDF by WeasyPrint, seconds each (tests/collection/test_paper.py
    and tests/monev/test_report.py check the PDFs). Here the HTML they would lay out is sent
    instead, behind a PDF header: who gets which document, and what it says, stay real."""

    def html_to_pdf(html: str) -> bytes:
        return PDF_STUB + html.encode()

    monkeypatch.setattr("kotan.collection.channels.paper.html_to_pdf", html_to_pdf)
    monkeypatch.setattr("kotan.monev.report.html_to_pdf", html_to_pdf)
    monkeypatch.setattr("kotan.outreach.views_bulk.html_to_pdf", html_to_pdf)
    monkeypatch.setattr("kotan.scoring.exports.html_to_pdf", html_to_pdf)


def send(client: Client, page: Page, world: World, side: Side, username: str | None) -> Any:
    url = page.url(world, side)
    extra: dict[str, Any] = dict(basic(username)) if page.basic and username else {}
    if page.method == "GET":
        return client.get(url, **extra)
    kwargs = page.post(world, side) if page.post else {}
    return client.post(url, **kwargs, **extra)


@pytest.fixture(scope="module")
def markers(world: World) -> list[str]:
    return jambi_markers(world)


@pytest.fixture(scope="module")
def shared_client() -> Client:
    """One client for the module: a new one loads the middleware again (WhiteNoise scans the
    static files), a tenth of a second per test."""
    return Client()


@pytest.fixture
def fresh_client(shared_client: Client) -> Client:
    shared_client.cookies.clear()
    return shared_client


@pytest.mark.parametrize("page_key", list(PAGES))
@pytest.mark.parametrize("who_key", list(WHO))
def test_role_page_region_matrix(
    world_db: World, fresh_client: Client, markers: list[str], who_key: str, page_key: str
) -> None:
    world, page, who, client = world_db, PAGES[page_key], WHO[who_key], fresh_client
    username = who.user
    if not page.basic:
        world.sign_in(client, username)
    own, other = page.own_and_other(world, who)
    expected = dict(zip(("own", "other"), page.expect(who), strict=True))
    # The public pages show every region by design: no leak check there (``Page.public``).
    markers = markers if who.province == "11" and not page.public else []
    if page.tile_map:
        markers = [m for m in markers if m != world.jambi.province.name]
    problems: list[str] = []
    answered: dict[str, int] = {}
    for where, side in (("own", own), ("other", other)):
        url = page.url(world, side)
        if where == "other" and url == page.url(world, own) and not page.sided_post:
            got = answered["own"]  # a list or a national object: one URL, one answer
            if got != expected["other"]:
                problems.append(f"other {url}: expected {expected['other']}, got {got}")
            continue
        before = page.state(world, side) if page.state else None
        response = send(client, page, world, side, username)
        answered[where] = got = response.status_code
        if got != expected[where]:
            problems.append(f"{where} {url}: expected {expected[where]}, got {got}")
        if got == FOUND and response["Location"].startswith(LOGIN):
            problems.append(f"{where} {url}: signed in, yet sent to the login page")
        if page.state:
            after = page.state(world, side)
            if expected[where] in (DENIED, HIDDEN, INVALID) and after != before:
                problems.append(f"{where} {url}: refused ({got}) but changed {before} -> {after}")
            if expected[where] in (FOUND, CREATED) and got == expected[where] and after == before:
                problems.append(f"{where} {url}: answered {got} but did nothing")
        if markers and not 300 <= got < 400:
            found = leaks(readable(response, page.body), markers)
            if found:
                problems.append(f"{where} {url} ({got}): Jambi's data leaked: {found}")
    assert not problems, f"{who_key} ({username}) on {page_key}: " + "; ".join(problems)


@pytest.mark.parametrize("page_key", list(PAGES))
def test_anonymous_is_sent_to_login(
    world_db: World, fresh_client: Client, markers: list[str], page_key: str
) -> None:
    world, page, client = world_db, PAGES[page_key], fresh_client
    sides = [world.jambi, world.aceh]
    if page.url(world, world.jambi) == page.url(world, world.aceh) and not page.sided_post:
        sides = sides[:1]
    for side in sides:
        before = page.state(world, side) if page.state else None
        response = send(client, page, world, side, None)
        url = page.url(world, side)
        assert response.status_code == page.anonymous, url
        if page.anonymous == FOUND:
            login = ADMIN_LOGIN if page.name.startswith("admin:") else LOGIN
            assert response["Location"].startswith(login), url
        if page.state:
            assert page.state(world, side) == before, f"anonymous changed {url}"
        if not page.public:  # public by design: every region's published figures
            assert not leaks(readable(response, page.body), markers), url


def test_regency_viewer_of_aceh_is_scoped_to_its_regency(world_db: World, client: Client) -> None:
    """The Aceh viewer and BNNK operator are regency-level: the rest of Aceh is hidden too."""
    for user in (world_db.joko, world_db.intan):
        client.force_login(user)
        assert client.get(reverse("regency_detail", args=["11.08"])).status_code == 200
        assert client.get(reverse("regency_detail", args=["11.01"])).status_code == 404
        body = client.get(reverse("province_detail", args=["11"])).content.decode()
        assert "Aceh Utara" in body and "Aceh Besar" not in body


def test_bnnk_operator_sees_covered_regencies_only(world_db: World, client: Client) -> None:
    client.force_login(world_db.cast.citra)
    assert client.get(reverse("regency_detail", args=["15.05"])).status_code == 200  # covered
    assert client.get(reverse("regency_detail", args=["15.71"])).status_code == 404  # BNNP's
    body = client.get(reverse("province_detail", args=["15"])).content.decode()
    assert "Muaro Jambi" in body and "Batanghari" in body
    assert "Kota Jambi" not in body


def test_province_operator_sees_every_regency_of_the_province(
    world_db: World, client: Client
) -> None:
    client.force_login(world_db.cast.budi)
    body = client.get(reverse("province_detail", args=["15"])).content.decode()
    assert body.count('href="/wilayah/15.') == 11
    assert "BNNK Batanghari" in body and "BNNP Jambi" in body  # coverage column


def test_lists_show_only_the_users_in_scope(world_db: World, client: Client) -> None:
    client.force_login(world_db.cast.citra)
    body = client.get(reverse("user_list")).content.decode()
    assert "@dewi" in body and "@eko" in body
    assert not re.search(r"@(budi|hadi|ani|intan|joko)\b", body)
    client.force_login(world_db.cast.ani)
    body = client.get(reverse("user_list")).content.decode()
    assert all(f"@{u}" in body for u in world_db.users())


def test_province_page_does_not_grow_queries_with_regencies(
    world_db: World, client: Client, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client.force_login(world_db.cast.ani)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("province_detail", args=["32"])).status_code == 200


# --- what the matrix cannot say in one status -----------------------------------------------


def test_reading_all_marks_only_ones_own(world_db: World, client: Client) -> None:
    client.force_login(world_db.cast.citra)
    assert client.post(reverse("notification_read_all")).status_code == FOUND
    mine = Notification.objects.get(pk=world_db.jambi.notification.pk)
    theirs = Notification.objects.get(pk=world_db.aceh.notification.pk)
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_empty_contact_form_stores_nothing(world_db: World, client: Client) -> None:
    client.force_login(world_db.cast.citra)
    org = world_db.jambi.institution
    before = Contact.objects.filter(organization=org).count()
    response = client.post(reverse("contact_add", args=[org.pk]), {})
    assert response.status_code == OK
    assert response.context["form"].errors
    assert Contact.objects.filter(organization=org).count() == before


def test_send_now_refuses_a_contact_of_another_regency(world_db: World, client: Client) -> None:
    """Even the national admin: Aceh Utara's page cannot remind Batanghari's contact."""
    client.force_login(world_db.cast.ani)
    aceh, jambi = world_db.aceh, world_db.jambi
    url = reverse("outreach_send_now", args=[aceh.regency.code])
    before = OutreachMessage.objects.count()
    response = client.post(url, {"contact": jambi.contact.pk, "channel": "email"})
    assert response.status_code == HIDDEN
    assert OutreachMessage.objects.count() == before


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("paper_period_page", "get"),
        ("paper_period_zip", "post"),
        ("responses_export", "get"),
        ("responses_export_start", "post"),
    ],
)
def test_period_pages_need_an_assignment_in_scope(
    world_db: World, client: Client, name: str, method: str
) -> None:
    """A viewer of West Java, where the period assigned no regency: the period does not exist
    for them, and nothing is started."""
    viewer = make_user("wulan", Role.VIEWER, province=Province.objects.get(code="32"))
    client.force_login(viewer)
    jobs = Job.objects.count()
    response = getattr(client, method)(reverse(name, args=[world_db.period.year]))
    assert response.status_code == HIDDEN
    assert Job.objects.count() == jobs


def test_bulk_pages_send_back_when_the_assignment_takes_no_answers(
    world_db: World, client: Client
) -> None:
    jambi = world_db.jambi
    transition_assignment(actor=world_db.cast.citra, assignment=jambi.assignment, action="submit")
    client.force_login(world_db.cast.citra)
    links = jambi.assignment.links.count()
    back = reverse("assignment_detail", args=[jambi.assignment.pk])
    answers = [
        client.get(reverse("bulk_start", args=[jambi.assignment.pk])),
        client.post(
            reverse("bulk_start", args=[jambi.assignment.pk]),
            bulk_list_post(world_db, jambi)["data"],
        ),
        client.post(
            reverse("bulk_confirm", args=[jambi.assignment.pk]),
            bulk_confirm_post(world_db, jambi)["data"],
        ),
    ]
    assert [(a.status_code, a["Location"]) for a in answers] == [(FOUND, back)] * 3
    assert jambi.assignment.links.count() == links


# --- issue 13: exports, publication, dashboards, public pages --------------------------------


def xlsx_cells(content: bytes) -> set[str]:
    book = openpyxl.load_workbook(BytesIO(content), read_only=True)
    return {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }


@pytest.mark.parametrize("by_province", ["0", "1"])
def test_run_xlsx_holds_only_the_rows_in_scope(
    world_db: World, client: Client, by_province: str
) -> None:
    """Read as cells: the centre's file names Batanghari; Aceh's operators' files do not."""
    url = reverse("run_export_xlsx", args=[world_db.run.pk]) + f"?per_provinsi={by_province}"
    client.force_login(world_db.cast.ani)
    everything = xlsx_cells(client.get(url).content)
    assert {"Kabupaten Batanghari", "Kabupaten Aceh Utara"} <= everything
    for user in (world_db.cast.hadi, world_db.intan, world_db.joko):
        client.force_login(user)
        cells = xlsx_cells(client.get(url).content)
        assert "Kabupaten Aceh Utara" in cells, user.username
        assert not {c for c in cells if "Jambi" in c or "Batanghari" in c}, user.username


@pytest.mark.parametrize(
    ("username", "target"),
    [
        ("budi", "/dasbor/15/"),
        ("gita", "/dasbor/15/"),
        ("hadi", "/dasbor/11/"),
        ("intan", "/dasbor/11.08/"),
        ("joko", "/dasbor/11.08/"),
    ],
)
def test_dashboard_sends_regional_users_to_their_own(
    world_db: World, fresh_client: Client, username: str, target: str
) -> None:
    world_db.sign_in(fresh_client, username)
    response = fresh_client.get(reverse("dashboard_national"))
    assert (response.status_code, response["Location"]) == (FOUND, target)


def test_regency_user_sees_only_their_regency_on_the_province_dashboard(
    world_db: World, fresh_client: Client
) -> None:
    world_db.sign_in(fresh_client, "joko")
    body = fresh_client.get(reverse("dashboard_province", args=["11"])).content.decode()
    assert "Aceh Utara" in body
    assert "Aceh Besar" not in body
    assert fresh_client.get(reverse("dashboard_regency", args=["11.01"])).status_code == HIDDEN


@pytest.mark.parametrize("name", ["publication_publish", "publication_withdraw"])
def test_publication_of_a_missing_run_is_404(world_db: World, client: Client, name: str) -> None:
    client.force_login(world_db.cast.ani)
    before = Publication.objects.count()
    missing = IndexRun.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    response = client.post(reverse(name, args=[missing]), {"reason": "Tidak ada."})
    assert response.status_code == HIDDEN
    assert Publication.objects.count() == before


def test_public_pages_show_every_region_to_anyone(world_db: World, fresh_client: Client) -> None:
    """Public by design (the reason the leak check skips them): an Aceh user and an anonymous
    visitor both read Batanghari's published index; the unpublished year stays hidden."""
    year = world_db.published.period.year
    for username in ("hadi", None):
        fresh_client.cookies.clear()
        if username:
            world_db.sign_in(fresh_client, username)
        body = fresh_client.get(reverse("public_ranking", args=[year])).content.decode()
        assert "Batanghari" in body and "Aceh Utara" in body
        unpublished = fresh_client.get(reverse("public_ranking", args=[UNPUBLISHED_YEAR]))
        assert unpublished.status_code == HIDDEN
