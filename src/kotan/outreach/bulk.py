"""Sending the questionnaire out in bulk: a list of institutions and their contact person, typed
or uploaded as XLSX, becomes one respondent link per institution in one step; each contact is
then sent its link by email or a prepared WhatsApp message.

A list is always checked whole: every problem is reported with its row and column, and nothing
is created while any row has one (all or nothing). The creation itself goes through the audited
actions of the lower apps (organisations, contacts, links) in one transaction.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kotan.accounts import actions as accounts
from kotan.accounts.contacts import display_whatsapp, normalize_whatsapp
from kotan.accounts.models import Contact, Organization, User
from kotan.collection import actions as collection
from kotan.collection.models import Assignment, RespondentLink
from kotan.method.tables import cell_text
from kotan.method.workbooks import WorkbookRefused, open_workbook
from kotan.outreach.actions import ensure_templates
from kotan.outreach.models import MessageTemplate, OutreachMessage
from kotan.outreach.placeholders import render
from kotan.outreach.sending import prepare_whatsapp, send_email_message

MAX_ROWS = 300  # institutions per list: a regency has a few dozen offices and schools
MAX_TEXT_CHARS = 200_000
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 30
MAX_PROBLEMS = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET, GUIDE = "Daftar", "Petunjuk"

INSTITUTION, NAME, POSITION, EMAIL, WHATSAPP = (
    "institution",
    "name",
    "position",
    "email",
    "whatsapp",
)
# The headers as written on the page and in the template, in this order.
HEADERS = {
    INSTITUTION: "Instansi",
    NAME: "Nama",
    POSITION: "Jabatan",
    EMAIL: "Email",
    WHATSAPP: "WhatsApp",
}
REQUIRED_HEADERS = (INSTITUTION, NAME, EMAIL, WHATSAPP)
# What people write instead (lower case, spaces collapsed).
HEADER_ALIASES = {
    "instansi": INSTITUTION,
    "nama instansi": INSTITUTION,
    "lembaga": INSTITUTION,
    "nama": NAME,
    "nama kontak": NAME,
    "narahubung": NAME,
    "jabatan": POSITION,
    "email": EMAIL,
    "e-mail": EMAIL,
    "surel": EMAIL,
    "alamat email": EMAIL,
    "whatsapp": WHATSAPP,
    "wa": WHATSAPP,
    "no. whatsapp": WHATSAPP,
    "no whatsapp": WHATSAPP,
    "nomor whatsapp": WHATSAPP,
    "nomor wa": WHATSAPP,
}
MAX_LENGTHS = {INSTITUTION: 200, NAME: 150, POSITION: 150, EMAIL: 254, WHATSAPP: 40}

# The sector of a new institution follows the unit its respondents answer for.
UNIT_SECTORS = {
    "gov": Organization.Sector.PEMDA,
    "edu": Organization.Sector.EDUCATION,
    "biz": Organization.Sector.BUSINESS,
    "com": Organization.Sector.COMMUNITY,
    "fam": Organization.Sector.COMMUNITY,
}


# --- reading a list -----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One institution and its contact person, checked; ``whatsapp`` in E.164 or empty."""

    row: int
    institution: str
    name: str
    position: str
    email: str
    whatsapp: str


@dataclass(frozen=True)
class EntryProblem:
    """A problem where the operator sees it: the row (line or spreadsheet row) and column."""

    message: str
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        parts = [
            _("baris %(row)s") % {"row": self.row} if self.row else "",
            _("kolom %(column)s") % {"column": self.column} if self.column else "",
        ]
        where = ", ".join(p for p in parts if p)
        return f"{where}: {self.message}" if where else self.message


class ListRejected(ValueError):
    """The list was refused as a whole; ``problems`` lists every problem found."""

    def __init__(self, problems: list[EntryProblem]) -> None:
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            extra = EntryProblem(_("%(n)s masalah lain tidak ditampilkan.") % {"n": more})
            problems = [*problems[:MAX_PROBLEMS], extra]
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:20]))


def _refuse(message: str) -> ListRejected:
    return ListRejected([EntryProblem(message)])


def _key(text: str) -> str:
    """A name as a comparison key: case and runs of spaces do not make another institution."""
    return " ".join(text.split()).casefold()


def _clean(text: str) -> str:
    return " ".join(text.split())


def _columns(header: Sequence[str]) -> tuple[dict[str, int], list[EntryProblem]]:
    """Which position holds which column; problems for unknown, repeated or missing headers."""
    found: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        text = _clean(title)
        if not text:
            continue
        column = HEADER_ALIASES.get(text.casefold())
        if column is None:
            problems.append(
                EntryProblem(
                    _("judul kolom “%(title)s” tidak dikenal; yang dipakai: %(known)s")
                    % {"title": text[:40], "known": ", ".join(HEADERS.values())},
                    1,
                )
            )
        elif column in found:
            problems.append(
                EntryProblem(_("kolom %(title)s ada dua kali") % {"title": text[:40]}, 1)
            )
        else:
            found[column] = index
    missing = [HEADERS[c] for c in REQUIRED_HEADERS if c not in found]
    if missing:
        problems.append(
            EntryProblem(
                _(
                    "baris pertama harus berisi judul kolom; tidak ada kolom %(missing)s. "
                    "Judul yang dipakai: %(known)s"
                )
                % {"missing": ", ".join(missing), "known": ", ".join(HEADERS.values())},
                1,
            )
        )
    return found, problems


def _check_email(value: str) -> str | None:
    try:
        validate_email(value)
    except ValidationError:
        return _("alamat email tidak valid")
    return None


def check_rows(header: Sequence[str], rows: Iterable[tuple[int, Sequence[str]]]) -> list[Entry]:
    """Every row of a list as an Entry, or ListRejected with every problem located."""
    columns, problems = _columns(header)
    if problems:
        raise ListRejected(problems)
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        values = {
            column: _clean(cells[index]) if index < len(cells) else ""
            for column, index in columns.items()
        }
        if not any(values.values()):
            continue  # an empty row between others is no mistake
        if len(entries) + len(problems) >= MAX_ROWS * 2:
            break
        row_problems = []

        def problem(column: str, message: str) -> None:
            row_problems.append(EntryProblem(message, number, HEADERS[column]))  # noqa: B023

        for column, limit in MAX_LENGTHS.items():
            if len(values.get(column, "")) > limit:
                problem(column, _("terlalu panjang (paling banyak %(n)s huruf)") % {"n": limit})
                values[column] = ""
        if not values[INSTITUTION]:
            problem(INSTITUTION, _("nama instansi wajib diisi"))
        else:
            first = seen.setdefault(_key(values[INSTITUTION]), number)
            if first != number:
                problem(
                    INSTITUTION,
                    _("instansi ini sudah ada di baris %(row)s; satu tautan per instansi")
                    % {"row": first},
                )
        if not values[NAME]:
            problem(NAME, _("nama narahubung wajib diisi"))
        email = values[EMAIL]
        if email and (message := _check_email(email)):
            problem(EMAIL, message)
        whatsapp = ""
        if values[WHATSAPP]:
            try:
                whatsapp = normalize_whatsapp(values[WHATSAPP])
            except ValidationError as exc:
                problem(WHATSAPP, " ".join(exc.messages))
        if not email and not values[WHATSAPP]:
            problem(EMAIL, _("isi email atau nomor WhatsApp agar tautan dapat dikirim"))
        if row_problems:
            problems.extend(row_problems)
            continue
        entries.append(
            Entry(
                row=number,
                institution=values[INSTITUTION],
                name=values[NAME],
                position=values.get(POSITION, ""),
                email=email.lower() if email else "",
                whatsapp=whatsapp,
            )
        )
    if len(entries) + len({p.row for p in problems}) > MAX_ROWS:
        raise _refuse(
            _("Daftar terlalu panjang: paling banyak %(n)s instansi sekali kirim.")
            % {"n": MAX_ROWS}
        )
    if problems:
        raise ListRejected(problems)
    if not entries:
        raise _refuse(_("Daftar kosong: tulis satu instansi per baris di bawah judul kolom."))
    return entries


def read_text(text: str) -> list[Entry]:
    """A typed list: a header line, then one institution per line, separated by semicolons
    or tabs (what a spreadsheet gives when its cells are copied)."""
    if len(text) > MAX_TEXT_CHARS:
        raise _refuse(
            _("Daftar terlalu panjang: paling banyak %(n)s huruf.") % {"n": MAX_TEXT_CHARS}
        )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise _refuse(_("Daftar kosong: tulis judul kolom, lalu satu instansi per baris."))
    header_number, header_line = numbered[0]
    separator = "\t" if "\t" in header_line else ";"
    if separator == ";" and ";" not in header_line and "," in header_line:
        raise _refuse(
            _("Pisahkan kolom dengan titik koma (;) atau tab, bukan koma (baris %(row)s).")
            % {"row": header_number}
        )
    header = header_line.split(separator)
    rows = ((n, line.split(separator)) for n, line in numbered[1:])
    return check_rows(header, rows)


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """Whether a sheet holds a formula. The workbook is opened with cached values, so a
    formula would be read as whatever it showed when last saved, or as nothing at all."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = [
            info
            for info in archive.infolist()
            if info.filename.lower().startswith("xl/worksheets/")
            and info.filename.lower().endswith(".xml")
        ]
        return any(_FORMULA.search(archive.read(info)) for info in sheets)


_REFUSED = {
    "not_zip": gettext_lazy(
        "Berkas ini bukan buku kerja Excel (.xlsx). Simpan sebagai Buku Kerja Excel, atau "
        "salin isinya ke kotak daftar."
    ),
    "not_workbook": gettext_lazy("Berkas ini bukan buku kerja Excel (.xlsx)."),
    "macro": gettext_lazy(
        "Berkas berisi makro dan tidak dibuka. Simpan ulang tanpa makro (.xlsx)."
    ),
    "too_large": gettext_lazy("Isi berkas terlalu besar setelah dibuka (paling besar %(mb)s MB)."),
    "broken": gettext_lazy("Berkas Excel rusak atau tidak dapat dibaca."),
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return cell_text(value)


def _restore_leading_zero(raw: list[list[Any]], rows: list[list[str]]) -> None:
    """A mobile number typed into a number cell lost its leading 0 (812… for 0812…)."""
    if not rows:
        return
    header = [HEADER_ALIASES.get(_clean(title).casefold()) for title in rows[0]]
    if WHATSAPP not in header:
        return
    index = header.index(WHATSAPP)
    for values, texts in zip(raw[1:], rows[1:], strict=True):
        numeric = index < len(values) and isinstance(values[index], int | float)
        if numeric and texts[index].startswith("8"):
            texts[index] = "0" + texts[index]


def check_upload_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise _refuse(
            _("Berkas terlalu besar: %(size)s MB (paling besar %(limit)s MB).")
            % {
                "size": formats.number_format(size / 2**20, 1),
                "limit": MAX_UPLOAD_BYTES // 2**20,
            }
        )


def read_xlsx(data: bytes) -> list[Entry]:
    """An uploaded workbook: the sheet ``Daftar`` (else the first), judul kolom in row 1."""
    check_upload_size(len(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            _(
                "Berkas Excel lama (.xls) atau berkas berkata sandi tidak dapat dibaca; simpan "
                "ulang sebagai Buku Kerja Excel (.xlsx) tanpa kata sandi."
            )
        )
    try:
        workbook = open_workbook(data, max_unpacked=MAX_UNPACKED_BYTES, refuse_macros=True)
    except WorkbookRefused as exc:
        raise _refuse(str(_REFUSED[exc.reason]) % {"mb": MAX_UNPACKED_BYTES // 2**20}) from None
    try:
        if _has_formulas(data):
            raise _refuse(
                _(
                    "Berkas berisi rumus (formula). Salin sel lalu tempel sebagai nilai saja "
                    "(Tempel Spesial › Nilai), kemudian unggah lagi."
                )
            )
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        values = sheet.iter_rows(
            min_row=1, max_row=MAX_ROWS * 2 + 1, max_col=MAX_COLUMNS, values_only=True
        )
        raw = [list(row) for row in values]
    except ListRejected:
        raise
    except Exception:  # openpyxl fails in many ways on damaged parts
        raise _refuse(str(_REFUSED["broken"])) from None
    finally:
        workbook.close()
    rows = [[_cell(v) for v in row] for row in raw]
    _restore_leading_zero(raw, rows)
    if not rows or not any(rows[0]):
        raise _refuse(
            _("Baris pertama lembar harus berisi judul kolom: %(known)s.")
            % {"known": ", ".join(HEADERS.values())}
        )
    return check_rows(rows[0], ((n, row) for n, row in enumerate(rows[1:], start=2)))


def template_xlsx() -> bytes:
    """The workbook to fill in: the list sheet with its headers, and a sheet of instructions."""
    with translation.override("id"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = SHEET
        sheet.append(list(HEADERS.values()))
        for cell, width in zip(sheet[1], (40, 28, 28, 32, 20), strict=True):
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = width
        sheet.freeze_panes = "A2"
        for column in ("D", "E"):  # typed numbers keep their leading 0 and +
            for row in range(2, MAX_ROWS + 2):
                sheet[f"{column}{row}"].number_format = "@"
        guide = workbook.create_sheet(GUIDE)
        lines = [
            _("Daftar instansi dan narahubung untuk kuesioner IKOTAN"),
            "",
            _("Isi lembar “Daftar”: satu instansi per baris, mulai baris 2."),
            _("Instansi: nama lengkap instansi (wajib), misalnya Dinas Pendidikan."),
            _("Nama: nama narahubung di instansi itu (wajib)."),
            _("Jabatan: jabatan narahubung (boleh kosong)."),
            _("Email: alamat email narahubung."),
            _("WhatsApp: nomor WhatsApp, misalnya 0812 0000 1234 atau +62 812 0000 1234."),
            _("Isi paling sedikit salah satu dari Email atau WhatsApp."),
            _("Jangan ubah judul kolom di baris 1 dan jangan memakai rumus."),
            _("Paling banyak %(n)s instansi per berkas.") % {"n": MAX_ROWS},
        ]
        for line in lines:
            guide.append([line])
        guide["A1"].font = Font(bold=True, size=13)
        guide.column_dimensions["A"].width = 90
        for row in guide.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True)
                cell.data_type = "s"
        buffer = BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


# --- what a list will make, and making it -----------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One entry and what exists already: the institution (reused), its contact (updated)."""

    entry: Entry
    institution: Organization | None
    contact: Contact | None
    active_links: int  # the institution's links for this assignment still open


def _institutions(assignment: Assignment) -> dict[str, Organization]:
    found: dict[str, Organization] = {}
    for org in Organization.objects.filter(
        kind=Organization.Kind.INSTITUTION, regency=assignment.regency, is_active=True
    ).order_by("pk"):
        found.setdefault(_key(org.name), org)
    return found


def plan(assignment: Assignment, entries: Sequence[Entry]) -> list[Planned]:
    """What confirming the list will create and what it will reuse (a few queries in all)."""
    institutions = _institutions(assignment)
    wanted = [institutions.get(_key(e.institution)) for e in entries]
    org_ids = [org.pk for org in wanted if org is not None]
    contacts: dict[tuple[int, str], Contact] = {}
    for contact in Contact.objects.filter(organization_id__in=org_ids).order_by("pk"):
        contacts.setdefault((contact.organization_id, _key(contact.name)), contact)
    now = timezone.now()
    open_links: dict[int, int] = {}
    for link in RespondentLink.objects.filter(
        assignment=assignment, institution_id__in=org_ids, is_active=True
    ):
        if link.unavailable_reason(now) is None:
            assert link.institution_id is not None
            open_links[link.institution_id] = open_links.get(link.institution_id, 0) + 1
    return [
        Planned(
            entry,
            org,
            contacts.get((org.pk, _key(entry.name))) if org else None,
            open_links.get(org.pk, 0) if org else 0,
        )
        for entry, org in zip(entries, wanted, strict=True)
    ]


@dataclass(frozen=True)
class Made:
    link: RespondentLink
    contact: Contact
    new_institution: bool


@transaction.atomic
def create_batch(
    *,
    actor: User,
    assignment: Assignment,
    entries: Sequence[Entry],
    unit_code: str,
    max_uses: int | None,
    valid_days: int,
) -> list[Made]:
    """The institutions (reused by name in the assignment's regency), their contacts (reused
    and updated by name) and one link each, in one transaction: a failure keeps nothing."""
    made = []
    sector = UNIT_SECTORS.get(unit_code, Organization.Sector.PEMDA)
    for item in plan(assignment, entries):
        entry = item.entry
        org = item.institution
        if org is None:
            org = accounts.create_organization(
                actor=actor,
                name=entry.institution,
                kind=Organization.Kind.INSTITUTION,
                sector=sector,
                regency=assignment.regency,
            )
        contact = _save_contact(actor, org, entry, item.contact)
        link = collection.create_link(
            actor=actor,
            assignment=assignment,
            unit_code=unit_code,
            label=org.name,
            institution=org,
            max_uses=max_uses,
            valid_days=valid_days,
        )
        made.append(Made(link, contact, item.institution is None))
    return made


def _save_contact(
    actor: User, org: Organization, entry: Entry, existing: Contact | None
) -> Contact:
    """A new contact, or the one of that name brought up to date: what the list leaves empty
    is kept (a list with only emails does not erase the WhatsApp numbers)."""
    given = {
        "position": entry.position,
        "email": entry.email,
        "whatsapp": entry.whatsapp,
    }
    if existing is None:
        return accounts.add_contact(actor=actor, organization=org, name=entry.name, **given)
    changes: dict[str, object] = {
        field: value
        for field, value in given.items()
        if value and getattr(existing, field) != value
    }
    if not existing.is_active:
        changes["is_active"] = True
    if not changes:
        return existing
    return accounts.update_contact(actor=actor, contact=existing, **changes)


# --- sending each contact its link ---------------------------------------------------------

BY_EMAIL, BY_WHATSAPP = OutreachMessage.Channel.EMAIL.value, OutreachMessage.Channel.WHATSAPP.value
CHANNELS = (BY_EMAIL, BY_WHATSAPP)


def invitation_key(link: RespondentLink, contact: Contact, channel: str) -> str:
    """The key of the first invitation of a contact to a link by a channel: sending again
    meets it and sends nothing. A resend asked for explicitly adds its own suffix."""
    return f"invitation:{link.pk}:{contact.pk}:{channel}"


def _key_parts(key: str) -> tuple[int, int, str] | None:
    parts = key.split(":")
    if len(parts) < 4 or parts[0] != "invitation":
        return None
    try:
        return int(parts[1]), int(parts[2]), parts[3]
    except ValueError:
        return None


@dataclass(frozen=True)
class Recipient:
    """One contact of one link, with what was sent to them per channel (newest first)."""

    link: RespondentLink
    contact: Contact
    sent: dict[str, list[OutreachMessage]]

    def last(self, channel: str) -> OutreachMessage | None:
        found = self.sent.get(channel)
        return found[0] if found else None

    @property
    def last_email(self) -> OutreachMessage | None:
        return self.last(BY_EMAIL)

    @property
    def last_whatsapp(self) -> OutreachMessage | None:
        return self.last(BY_WHATSAPP)

    @property
    def whatsapp_display(self) -> str:
        return display_whatsapp(self.contact.whatsapp) if self.contact.whatsapp else ""


def recipients(links: Sequence[RespondentLink]) -> list[Recipient]:
    """Every active contact of each link's institution and the invitations they were sent
    for that link: three queries for any number of links."""
    org_ids = {link.institution_id for link in links if link.institution_id}
    contacts: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(organization_id__in=org_ids, is_active=True).order_by(
        "name", "pk"
    ):
        contacts.setdefault(contact.organization_id, []).append(contact)
    link_ids = {link.pk for link in links}
    sent: dict[tuple[int, int, str], list[OutreachMessage]] = {}
    for message in OutreachMessage.objects.filter(
        kind=OutreachMessage.Kind.INVITATION, organization_id__in=org_ids
    ).select_related("email"):
        parts = _key_parts(message.key)
        if parts and parts[0] in link_ids:
            sent.setdefault(parts, []).append(message)  # newest first: the model's ordering
    return [
        Recipient(
            link,
            contact,
            {channel: sent.get((link.pk, contact.pk, channel), []) for channel in CHANNELS},
        )
        for link in links
        for contact in contacts.get(link.institution_id or 0, [])
    ]


@dataclass
class SendSummary:
    emails: int = 0
    whatsapp: int = 0
    already: int = 0  # sent before (same key): nothing sent again
    without_address: int = 0  # the contact has no email / WhatsApp for a chosen channel
    unusable_links: int = 0  # inactive, expired or used up: not sent


def invitation_values(link: RespondentLink, contact: Contact, url: str) -> dict[str, object]:
    assignment = link.assignment
    until = min(assignment.deadline, timezone.localdate(link.expires_at))
    with translation.override("id"):
        return {
            "nama": contact.name,
            "instansi": link.institution.name if link.institution else link.label,
            "wilayah": assignment.regency.name,
            "periode": assignment.period.name,
            "unit": link.unit.name,
            "tenggat": formats.date_format(until, "j F Y"),
            "tautan": url,
        }


def send_invitations(
    *,
    actor: User,
    links: Sequence[RespondentLink],
    channels: Iterable[str],
    link_url: Callable[[RespondentLink], str],
    resend: str = "",
) -> SendSummary:
    """Email each contact its link and/or prepare its WhatsApp message, logged as invitations.

    Idempotent: a contact sent a link by a channel is not sent it again, unless ``resend`` is
    given (a token of the operator's "kirim ulang" form, so that form sent twice still sends
    once). Links that no longer take answers are skipped."""
    template = ensure_templates()[MessageTemplate.Key.INVITATION]
    wanted = [c for c in CHANNELS if c in set(channels)]
    summary = SendSummary()
    now = timezone.now()
    with transaction.atomic():
        for recipient in recipients(links):
            link, contact = recipient.link, recipient.contact
            if link.unavailable_reason(now) is not None:
                summary.unusable_links += 1
                continue
            values = invitation_values(link, contact, link_url(link))
            subject, body = render(template.subject, values), render(template.body, values)
            for channel in wanted:
                address = contact.email if channel == BY_EMAIL else contact.whatsapp
                if not address:
                    summary.without_address += 1
                    continue
                key = invitation_key(link, contact, channel)
                if resend and recipient.sent[channel]:
                    key = f"{key}:ulang-{resend}"
                common: dict[str, Any] = {
                    "key": key,
                    "recipient_name": contact.name,
                    "body": body,
                    "kind": OutreachMessage.Kind.INVITATION,
                    "period": link.assignment.period,
                    "regency": link.assignment.regency,
                    "organization": link.institution,
                    "contact": contact,
                    "created_by": actor,
                }
                if channel == BY_EMAIL:
                    sent = send_email_message(address=address, subject=subject, **common)
                else:
                    sent = prepare_whatsapp(number=address, **common)
                if not sent.created:
                    summary.already += 1
                elif channel == BY_EMAIL:
                    summary.emails += 1
                else:
                    summary.whatsapp += 1
    return summary
