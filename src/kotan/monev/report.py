"""The visit report, in the shape of BNN's Monev reports: title, dates, venues, team, the
numbered points per session (pointer), then a table of follow-ups. One assembly
(``visit_report``, four queries), two renderings: DOCX (python-docx) and PDF (WeasyPrint from
the template ``monev/report_pdf.html``). Always in Bahasa Indonesia.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kotan.core.pdf import html_to_pdf
from kotan.monev.models import FollowUp, Point, Visit

REPORT_LANGUAGE = "id"


@dataclass(frozen=True)
class ReportPoint:
    number: int
    kind: str
    kind_label: str
    text: str
    details: str  # themes, regency, IKOTAN variable, in one line

    @property
    def tags(self) -> str:
        return " · ".join(x for x in (self.kind_label, self.details) if x)


@dataclass(frozen=True)
class ReportSession:
    number: int
    venue: str
    day: str
    received_by: str
    institutions: str
    methods: str
    points: list[ReportPoint] = field(default_factory=list)


@dataclass(frozen=True)
class ReportFollowUp:
    number: int
    reference: str  # "session.point", e.g. "1.3"
    action: str
    owner: str
    due: str
    priority: str
    status: str
    late: bool


@dataclass(frozen=True)
class VisitReport:
    title: str
    organizer: str
    period: str
    dates: str
    area: str
    venues: list[str]
    purpose: str
    team: list[str]
    sessions: list[ReportSession]
    follow_ups: list[ReportFollowUp]
    generated: str


def long_date(day: date) -> str:
    return formats.date_format(day, "l, j F Y")


def date_range(start: date, end: date) -> str:
    """“Rabu–Kamis, 21–22 Desember 2022”, or the two full dates across months."""
    if start == end:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        days = f"{formats.date_format(start, 'l')}–{formats.date_format(end, 'l')}"
        return f"{days}, {start.day}–{end.day} {formats.date_format(end, 'F Y')}"
    return f"{long_date(start)} – {long_date(end)}"


def _details(point: Point) -> str:
    parts = []
    themes = [t.name for t in point.themes.all()]
    if themes:
        parts.append(_("tema: %(themes)s") % {"themes": ", ".join(themes)})
    if point.regency is not None:
        parts.append(point.regency.name)
    if point.variable_code:
        parts.append(_("variabel %(code)s") % {"code": point.variable_code})
    return " · ".join(parts)


def visit_report(visit: Visit) -> VisitReport:
    with translation.override(REPORT_LANGUAGE):
        return _assemble(visit)


def _assemble(visit: Visit) -> VisitReport:
    points = Point.objects.select_related("regency").prefetch_related(
        "themes", Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner"))
    )
    sessions = list(
        visit.sessions.prefetch_related("institutions", Prefetch("points", queryset=points))
    )
    regencies = list(visit.regencies.all())
    area = visit.province.name
    if regencies:
        area += f" ({', '.join(r.name for r in regencies)})"
    today = timezone.localdate()
    report_sessions: list[ReportSession] = []
    follow_ups: list[ReportFollowUp] = []
    for s_number, session in enumerate(sessions, start=1):
        names = [o.name for o in session.institutions.all()]
        names += [n.strip() for n in session.other_institutions.split(",") if n.strip()]
        report_points = []
        for p_number, point in enumerate(session.points.all(), start=1):
            report_points.append(
                ReportPoint(
                    p_number, point.kind, point.get_kind_display(), point.text, _details(point)
                )
            )
            for fu in point.follow_ups.all():
                late = fu.is_overdue(today)
                status = fu.get_status_display()
                if late:
                    status = _("%(status)s (terlambat)") % {"status": status}
                if fu.is_verified:
                    status = _("%(status)s, terverifikasi") % {"status": status}
                follow_ups.append(
                    ReportFollowUp(
                        number=len(follow_ups) + 1,
                        reference=f"{s_number}.{p_number}",
                        action=fu.action,
                        owner=", ".join(x for x in (fu.owner.name, fu.owner_person) if x),
                        due=formats.date_format(fu.due_on, "j M Y"),
                        priority=fu.get_priority_display(),
                        status=status,
                        late=late,
                    )
                )
        report_sessions.append(
            ReportSession(
                number=s_number,
                venue=session.venue,
                day=long_date(session.held_on),
                received_by=session.received_by,
                institutions=", ".join(names),
                methods=", ".join(session.method_labels),
                points=report_points,
            )
        )
    team = [
        ", ".join(x for x in (m.display_name, m.position, m.get_role_display()) if x)
        for m in visit.team.select_related("user")
    ]
    return VisitReport(
        title=visit.title,
        organizer=visit.organizer,
        period=" ".join(str(x) for x in (visit.period_label, visit.year) if x),
        dates=date_range(visit.starts_on, visit.ends_on),
        area=area,
        venues=list(dict.fromkeys(s.venue for s in sessions)),
        purpose=visit.purpose,
        team=team,
        sessions=report_sessions,
        follow_ups=follow_ups,
        generated=formats.date_format(timezone.localtime(), "j F Y H:i"),
    )


def report_filename(visit: Visit, extension: str) -> str:
    return f"laporan-monev-{visit.province.code}-{visit.starts_on.isoformat()}.{extension}"


def _map_text(value: Any, change: Callable[[str], str]) -> Any:
    """The report (or any part of it) with ``change`` applied to every string in it."""
    if isinstance(value, str):
        return change(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _map_text(getattr(value, f.name), change) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple | list):
        return type(value)(_map_text(v, change) for v in value)
    return value


# --- PDF ----------------------------------------------------------------------------------------


# A run of this many characters without a space gets a break opportunity every WORD_CHUNK.
LONG_WORD = 30
WORD_CHUNK = 20
_LONG_WORD = re.compile(rf"[^\s\u200b]{{{LONG_WORD},}}")
_CHUNK = re.compile(rf"(.{{{WORD_CHUNK}}})(?=.)", re.DOTALL)


def breakable(text: str) -> str:
    """Long words (a pasted link, a run of one key) with zero-width spaces every 20 characters.

    WeasyPrint breaks an overflowing word (``overflow-wrap``) by laying out the rest of the
    word again for every line: a visit at the limits (60 points) made of such words took 33 s
    of CPU, against 12 s with these break opportunities (``make bench-monev``).
    """
    return _LONG_WORD.sub(lambda m: _CHUNK.sub("\\1\u200b", m.group()), text)


def render_pdf(report: VisitReport) -> bytes:
    report = _map_text(report, breakable)
    with translation.override(REPORT_LANGUAGE):
        html = render_to_string("monev/report_pdf.html", {"report": report})
    return html_to_pdf(html)


# --- DOCX ---------------------------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(value: Any) -> Any:
    """The report with control characters (which XML cannot hold) replaced by spaces."""
    return _map_text(value, lambda text: _CONTROL.sub(" ", text))


def render_docx(report: VisitReport) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    report = _xml_safe(report)

    with translation.override(REPORT_LANGUAGE):
        document = Document()
        section = document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.2))
        normal = document.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(11)

        def numbered(number: str, text: str, indent: float = 0.8) -> None:
            paragraph = document.add_paragraph(f"{number}\t{text}")
            paragraph.paragraph_format.left_indent = Cm(indent)
            paragraph.paragraph_format.first_line_indent = Cm(-indent)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(indent))
            paragraph.paragraph_format.space_after = Pt(4)

        def muted(text: str) -> None:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.8)
            paragraph.paragraph_format.space_after = Pt(6)
            run = paragraph.add_run(text)
            run.italic = True
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(0x4D, 0x56, 0x61)

        heading = document.add_heading(report.title, level=0)
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        facts = [
            (_("Pelaksana"), report.organizer),
            (_("Periode"), report.period),
            (_("Waktu"), report.dates),
            (_("Wilayah"), report.area),
            (_("Tempat"), "; ".join(report.venues)),
            (_("Tujuan"), report.purpose),
        ]
        table = document.add_table(rows=0, cols=2)
        for label, value in facts:
            if value:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
                cells[0].width, cells[1].width = Cm(3.5), Cm(13)
                cells[0].paragraphs[0].runs[0].bold = True

        document.add_heading(_("Tim pelaksana"), level=1)
        for number, member in enumerate(report.team, start=1):
            numbered(f"{number}.", member)
        if not report.team:
            muted(_("Belum ada anggota tim."))

        document.add_heading(_("Pointer hasil monitoring dan evaluasi"), level=1)
        for session in report.sessions:
            document.add_heading(
                _("Pointer %(n)s (%(venue)s)") % {"n": session.number, "venue": session.venue},
                level=2,
            )
            lines = [
                (_("Tanggal"), session.day),
                (_("Diterima oleh"), session.received_by),
                (_("Instansi"), session.institutions),
                (_("Metode"), session.methods),
            ]
            for label, value in lines:
                if value:
                    paragraph = document.add_paragraph()
                    paragraph.paragraph_format.space_after = Pt(2)
                    paragraph.add_run(f"{label}: ").bold = True
                    paragraph.add_run(value)
            for point in session.points:
                numbered(f"{point.number}.", point.text)
                muted(point.tags)
            if not session.points:
                muted(_("Belum ada pointer pada sesi ini."))

        document.add_heading(_("Tindak lanjut"), level=1)
        if report.follow_ups:
            headers = [
                _("No."),
                _("Pointer"),
                _("Tindakan"),
                _("Penanggung jawab"),
                _("Tenggat"),
                _("Prioritas"),
                _("Status"),
            ]
            widths = [Cm(1), Cm(1.5), Cm(5.4), Cm(3.6), Cm(2.2), Cm(1.7), Cm(2.2)]
            rows = document.add_table(rows=1, cols=len(headers))
            rows.style = "Table Grid"
            for cell, text, width in zip(rows.rows[0].cells, headers, widths, strict=True):
                cell.text, cell.width = text, width
                cell.paragraphs[0].runs[0].bold = True
            for fu in report.follow_ups:
                values = [
                    str(fu.number),
                    fu.reference,
                    fu.action,
                    fu.owner,
                    fu.due,
                    fu.priority,
                    fu.status,
                ]
                cells = rows.add_row().cells
                for cell, text, width in zip(cells, values, widths, strict=True):
                    cell.text, cell.width = text, width
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(9)
        else:
            muted(_("Belum ada tindak lanjut."))
        muted(_("Dibuat dengan SI-KOTAN pada %(when)s.") % {"when": report.generated})
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()
