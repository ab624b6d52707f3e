"""The world of the scoping matrix (tests/accounts/conftest.py holds its fixtures): the same
objects in Jambi and in Aceh, built through the real actions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.accounts import actions as accounts
from kotan.accounts.models import Contact, Organization, Role, User
from kotan.collection import actions as collection
from kotan.collection.exports import XLSX
from kotan.collection.jobs import RESPONSES_XLSX
from kotan.collection.models import Assignment, Period, RespondentLink, Response
from kotan.jobs import actions as jobs
from kotan.jobs.models import Job
from kotan.jobs.registry import JobResult
from kotan.monev import actions as monev
from kotan.monev.models import (
    FollowUp,
    FollowUpEvidence,
    FollowUpNote,
    Point,
    Session,
    TeamMember,
    Theme,
    Visit,
)
from kotan.notifications.models import Notification
from kotan.notifications.send import notify
from kotan.outreach.models import OutreachMessage
from kotan.outreach.sending import prepare_whatsapp
from kotan.regions.models import Province, Regency
from kotan.scoring import publication, runs
from kotan.scoring.models import IndexRun
from tests.support.cast import Cast, build_cast, make_user, region
from tests.support.contacts import add_contact
from tests.support.files import PDF_BYTES
from tests.support.periods import MIN_RESPONDENTS, answer_some, build_period
from tests.support.public import make_period, synthetic_run


@dataclass
class Side:
    """One province's objects; the matrix opens each page on Jambi's and on Aceh's."""

    province: Province
    regency: Regency
    institution: Organization  # a Kesbangpol of the regency
    bnnk: Organization
    operator: User  # the BNNK operator who owns the follow-ups
    assignment: Assignment
    link: RespondentLink
    response: Response
    visit: Visit
    member: TeamMember
    session: Session
    point: Point  # an obstacle with the follow-ups
    spare_point: Point  # no follow-up: moved and removed
    spare_session: Session  # no point: removed
    follow_up: FollowUp  # open, owned by the BNNK
    done_follow_up: FollowUp  # finished by the BNNK operator, not yet verified
    note: FollowUpNote
    evidence: FollowUpEvidence
    enumerator: User  # the account the account pages act on (no email)
    starter: User  # the province operator who started the side's jobs
    contact: Contact  # of the institution, with email and WhatsApp
    institution_link: RespondentLink  # of the institution: bulk sending reaches the contact
    message: OutreachMessage  # a WhatsApp reminder to the contact, prepared, not yet sent
    notification: Notification  # unread, for the BNNK operator
    job: Job  # finished, with a file
    failed_job: Job


@dataclass
class World:
    cast: Cast
    intan: User  # BNNK Aceh Utara operator
    joko: User  # viewer of Aceh Utara
    period: Period
    run: IndexRun  # provisional, computed from the answers (the run pages open it)
    published: IndexRun  # final, of the same year, published: the public pages answer 200
    unpublished: IndexRun  # final, of UNPUBLISHED_YEAR, not published: the publish form's
    jambi: Side
    aceh: Side
    sessions: dict[str, str] = dataclasses.field(default_factory=dict)  # username -> session

    def sign_in(self, client: Client, username: str) -> None:
        """``force_login`` done once for the module: the session is part of the world."""
        if username not in self.sessions:
            once = Client()
            once.force_login(self.users()[username])
            self.sessions[username] = once.cookies[settings.SESSION_COOKIE_NAME].value
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[username]

    def users(self) -> dict[str, User]:
        c = self.cast
        return {
            "ani": c.ani,
            "budi": c.budi,
            "citra": c.citra,
            "dewi": c.dewi,
            "eko": c.eko,
            "fajar": c.fajar,
            "gita": c.gita,
            "hadi": c.hadi,
            "intan": self.intan,
            "joko": self.joko,
        }


def build_answered_period(cast: Cast) -> Period:
    """The scoring tests' period: Jambi's regencies and Aceh Utara, a minimum of 5 answers."""
    period = build_period(cast, min_respondents=MIN_RESPONDENTS)
    answer_some(period, cast)  # 15.04, 15.05, 15.71 and 11.08 answer
    return period


def build_side(
    cast: Cast,
    period: Period,
    *,
    code: str,
    name: str,
    institution: Organization,
    bnnk: Organization,
    operator: User,
    manager: User,
    enumerator: User,
    starter: User,
    number: int,
) -> Side:
    """One province's objects, named after ``name`` (a regency) so that they can be told apart."""
    today = timezone.localdate()
    regency = region(code)
    province = regency.province
    assignment = Assignment.objects.get(period=period, regency=regency)
    link = collection.create_link(
        actor=manager, assignment=assignment, unit_code="gov", label=f"Dinas Pendidikan {name}"
    )
    response = Response.objects.filter(assignment=assignment).order_by("pk").first()
    assert response is not None
    visit = monev.create_visit(
        actor=cast.ani,
        province=province,
        regencies=[regency],
        year=2022,
        period_label="Semester II",
        title=f"Monev KOTAN {name}",
        organizer=f"Direktorat PSM untuk {name}",
        starts_on=date(2022, 12, 21),
        ends_on=date(2022, 12, 22),
        purpose=f"Memantau pelaksanaan KOTAN di {name}.",
    )
    member = monev.add_team_member(
        actor=cast.ani, visit=visit, role="anggota", name=f"Anggota Tim {name}"
    )
    session = monev.add_session(
        actor=cast.ani,
        visit=visit,
        venue=f"Ruang Rapat Kantor {province.name}",
        held_on=date(2022, 12, 21),
        received_by=f"Kepala BNNP {province.name}",
        methods=["diskusi"],
        institutions=[bnnk],
    )
    point = monev.add_point(
        actor=cast.ani,
        session=session,
        kind="kendala",
        text=f"Jumlah personel {name} masih kurang.",
        themes=[Theme.objects.get(code="personel")],
        regency=regency,
    )
    spare_point = monev.add_point(
        actor=cast.ani, session=session, kind="rencana", text=f"MoU pemangku kepentingan {name}."
    )
    spare_session = monev.add_session(
        actor=cast.ani,
        visit=visit,
        venue=f"Aula Kantor Bupati {name}",
        held_on=date(2022, 12, 22),
        methods=["wawancara"],
    )
    follow_up = monev.create_follow_up(
        actor=cast.ani,
        point=point,
        action=f"Koordinasi dengan Kesbangpol {name}.",
        owner=bnnk,
        owner_person=f"Kepala {bnnk.name}",
        due_on=today - timedelta(days=3),
        priority="tinggi",
    )
    done = monev.create_follow_up(
        actor=cast.ani,
        point=point,
        action=f"Pendataan relawan {name}.",
        owner=bnnk,
        due_on=today + timedelta(days=30),
    )
    done = monev.set_follow_up_status(
        actor=operator, follow_up=done, status="selesai", note=f"Selesai di {name}."
    )
    note = monev.add_note(actor=operator, follow_up=follow_up, text=f"Rapat awal di {name}.")
    upload = SimpleUploadedFile(
        f"bukti-{name.lower().replace(' ', '-')}.pdf", PDF_BYTES, "application/pdf"
    )
    (evidence,) = monev.add_evidence(actor=operator, follow_up=follow_up, uploads=[upload])
    contact, institution_link, message = build_outreach(
        period, assignment, institution, manager, name=name, number=number
    )
    notify(
        [operator],
        "assignment_returned",
        f"Penugasan {name} dikembalikan",
        f"Kuota keluarga {name} belum terpenuhi.",
        reverse("assignment_detail", args=[assignment.pk]),
        key=f"matrix:{code}",
    )
    notification = Notification.objects.get(recipient=operator, key=f"matrix:{code}")
    job, failed_job = build_jobs(period, starter, name)
    return Side(
        province=province,
        regency=regency,
        institution=institution,
        bnnk=bnnk,
        operator=operator,
        assignment=assignment,
        link=link,
        response=response,
        visit=visit,
        member=member,
        session=session,
        point=point,
        spare_point=spare_point,
        spare_session=spare_session,
        follow_up=follow_up,
        done_follow_up=done,
        note=note,
        evidence=evidence,
        enumerator=enumerator,
        starter=starter,
        contact=contact,
        institution_link=institution_link,
        message=message,
        notification=notification,
        job=job,
        failed_job=failed_job,
    )


def build_outreach(
    period: Period,
    assignment: Assignment,
    institution: Organization,
    manager: User,
    *,
    name: str,
    number: int,
) -> tuple[Contact, RespondentLink, OutreachMessage]:
    """The institution's contact, its own link, and a WhatsApp reminder prepared for it."""
    first = {"Batanghari": "Larasati", "Aceh Utara": "Rahmah"}.get(name, "Narahubung")
    contact = add_contact(institution, f"{first} Contoh", number)
    link = collection.create_link(
        actor=manager,
        assignment=assignment,
        unit_code="gov",
        label=f"Kesbangpol {name}",
        institution=institution,
    )
    message = prepare_whatsapp(
        key=f"matrix:{assignment.regency.code}",
        number=contact.whatsapp,
        recipient_name=contact.name,
        body=f"Yth. {contact.name}, mohon lengkapi kuesioner IKOTAN {name} sebelum tenggat.",
        kind=OutreachMessage.Kind.REMINDER,
        period=period,
        regency=assignment.regency,
        organization=institution,
        contact=contact,
        created_by=manager,
    ).message
    return contact, link, message


def build_jobs(period: Period, starter: User, name: str) -> tuple[Job, Job]:
    """Two exports started by ``starter``: one finished with its file, one failed."""
    params = {"period": period.pk}
    done = jobs.start_job(starter, RESPONSES_XLSX, f"Ekspor jawaban {name} (XLSX)", params)
    claimed = jobs.claim_job(done.pk)
    assert claimed is not None
    done = jobs.finish_job(
        claimed,
        JobResult(content=b"PK-matrix", filename=f"jawaban-{name}.xlsx", content_type=XLSX),
    )
    failed = jobs.start_job(starter, RESPONSES_XLSX, f"Ekspor ulang {name} (XLSX)", params)
    failed = jobs.fail_job(failed.pk, f"Ekspor {name} terhenti: periode sedang diubah.")
    return done, failed


UNPUBLISHED_YEAR = 2025  # a final run, not published: its public pages answer 404


def build_public_runs(cast: Cast, period: Period) -> tuple[IndexRun, IndexRun]:
    """A final run of ``period`` over its assigned regencies (synthetic figures, Jambi's and
    Aceh Utara's), published; and a final run of UNPUBLISHED_YEAR over the same regencies."""
    regencies = list(
        Regency.objects.filter(assignments__period=period).select_related("province").distinct()
    )
    regencies.sort(key=lambda r: r.code)
    published = synthetic_run(period, actor=cast.ani, regencies=regencies, insufficient=0)
    publication.publish_run(actor=cast.ani, run=published, note="Terbit untuk uji cakupan.")
    earlier = make_period(cast.ani, UNPUBLISHED_YEAR, instrument=period.instrument)
    unpublished = synthetic_run(earlier, actor=cast.ani, regencies=regencies, insufficient=0)
    return published, unpublished


def build_world() -> World:
    cast = build_cast()
    bnnk_aceh_utara = accounts.create_organization(
        actor=None, name="BNNK Aceh Utara", kind="bnnk", regency=region("11.08")
    )
    intan = make_user(
        "intan", Role.REGENCY_OPERATOR, organization=bnnk_aceh_utara, regency=region("11.08")
    )
    joko = make_user(
        "joko", Role.VIEWER, organization=cast.kesbangpol_aceh_utara, regency=region("11.08")
    )
    lukman = make_user(
        "lukman", Role.ENUMERATOR, organization=bnnk_aceh_utara, regency=region("11.08")
    )
    period = build_answered_period(cast)
    jambi = build_side(
        cast,
        period,
        code="15.04",
        name="Batanghari",
        institution=cast.kesbangpol_batanghari,
        bnnk=cast.bnnk_batanghari,
        operator=cast.citra,
        manager=cast.citra,
        enumerator=cast.eko,
        starter=cast.budi,
        number=1501,
    )
    aceh = build_side(
        cast,
        period,
        code="11.08",
        name="Aceh Utara",
        institution=cast.kesbangpol_aceh_utara,
        bnnk=bnnk_aceh_utara,
        operator=intan,
        manager=intan,
        enumerator=lukman,
        starter=cast.hadi,
        number=1108,
    )
    run = runs.compute_run(actor=cast.ani, period=period, bootstrap=0)
    published, unpublished = build_public_runs(cast, period)
    world = World(cast, intan, joko, period, run, published, unpublished, jambi, aceh)
    for username in world.users():
        world.sign_in(Client(), username)
    return world
