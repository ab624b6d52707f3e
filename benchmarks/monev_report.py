"""Monev visit report at the text limits: PDF and DOCX render time, against a baseline visit.

`make bench-monev`. Builds, in an in-memory SQLite database and through the Monev actions, one
visit of the largest plausible size (6 sessions x 10 points = 60 points, one follow-up per
point, 8 team members) several times over, changing only the texts:

- ``baseline``: short texts, as a real report has them (a sentence or two per point);
- ``prose``: every free-text field at its limit (kotan.monev.texts) in ordinary words, with a
  paragraph break every few sentences;
- ``one word``: every field at its limit as ONE unbreakable word (a pasted link, a run of
  characters);
- ``lines``: every multi-line field with as many lines as it may have (one per 80 characters
  of its limit): short lines ("- a"), then ordinary words up to the character limit.

Printed per shape: best and median wall time and best CPU time of ``--runs`` renders (after a
warm-up), the PDF's page count and size, the ratio of the best CPU time to the baseline's (the
first shape; same script, same machine), and the DOCX time. Reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotan.settings")
os.environ.setdefault("KOTAN_DEBUG", "1")
if not os.environ.get("DATABASE_URL"):
    os.environ["KOTAN_SQLITE_PATH"] = ":memory:"

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from kotan.accounts import actions as accounts  # noqa: E402
from kotan.accounts.models import Organization, Role, User  # noqa: E402
from kotan.monev import actions, texts  # noqa: E402
from kotan.monev.models import Visit  # noqa: E402
from kotan.monev.report import render_docx, render_pdf, visit_report  # noqa: E402
from kotan.regions.models import Province  # noqa: E402

SESSIONS, POINTS_PER_SESSION, TEAM = 6, 10, 8

SENTENCES = [
    "Pemkab dan Kesbangpol belum segera merespons pengisian kuesioner KOTAN karena kesibukan "
    "tugas masing-masing instansi yang harus didahulukan.",
    "Koordinasi lanjutan dengan pemangku kepentingan diperlukan agar kegiatan P4GN berjalan.",
    "Anggaran kegiatan terbatas sehingga sosialisasi hanya menjangkau sebagian desa.",
    "Sinyal internet di beberapa kecamatan tidak stabil, sehingga pengisian daring terhambat.",
    "Tim menyarankan rapat koordinasi bulanan dan penunjukan focal point di setiap instansi.",
]


def prose(limit: int) -> str:
    """Ordinary sentences, a paragraph break every five, exactly ``limit`` characters."""
    parts: list[str] = []
    i = 0
    while sum(len(p) for p in parts) < limit:
        parts.append(SENTENCES[i % len(SENTENCES)] + ("\n\n" if i % 5 == 4 else " "))
        i += 1
    return "".join(parts)[:limit].rstrip().ljust(limit, ".")


def one_word(limit: int) -> str:
    return ("KesbangpolKOTAN" * (limit // 15 + 1))[:limit]


def lines(limit: int) -> str:
    """As many lines as allowed (``texts.line_limit``), all but the last one short."""
    count = texts.line_limit(limit) if limit >= texts.RECEIVED_BY_MAX else 1
    tail = prose(limit - 4 * (count - 1)).replace("\n", " ")
    return "\n".join(["- a"] * (count - 1) + [tail])


def baseline(limit: int) -> str:
    return SENTENCES[0][: min(limit, 160)]


SHAPES: dict[str, Callable[[int], str]] = {
    "baseline": baseline,
    "prose": prose,
    "one word": one_word,
    "lines": lines,
}


def cast() -> tuple[User, Organization]:
    bnn_ri = accounts.create_organization(actor=None, name="BNN RI", kind=Organization.Kind.BNN_RI)
    admin = accounts.create_user(
        actor=None, username="bench", password=None, role=Role.NATIONAL_ADMIN, organization=bnn_ri
    )
    return admin, bnn_ri


def build_visit(actor: User, owner: Organization, text: Callable[[int], str]) -> Visit:
    day = date(2022, 12, 21)
    visit = actions.create_visit(
        actor=actor,
        province=Province.objects.get(code="15"),
        year=2022,
        period_label=text(texts.LABEL_MAX),
        title=text(texts.LINE_MAX),
        organizer=text(texts.LINE_MAX),
        starts_on=day,
        ends_on=day,
        purpose=text(texts.PARAGRAPH_MAX),
    )
    for _ in range(TEAM):
        actions.add_team_member(
            actor=actor,
            visit=visit,
            role="anggota",
            name=text(texts.NAME_MAX),
            position=text(texts.NAME_MAX),
        )
    for _ in range(SESSIONS):
        session = actions.add_session(
            actor=actor,
            visit=visit,
            venue=text(texts.LINE_MAX),
            held_on=day,
            methods=["diskusi"],
            other_institutions=text(texts.LIST_MAX),
            received_by=text(texts.RECEIVED_BY_MAX),
        )
        for _ in range(POINTS_PER_SESSION):
            point = actions.add_point(
                actor=actor, session=session, kind="kendala", text=text(texts.POINT_MAX)
            )
            actions.create_follow_up(
                actor=actor,
                point=point,
                action=text(texts.PARAGRAPH_MAX),
                owner=owner,
                owner_person=text(texts.NAME_MAX),
                due_on=date(2023, 3, 31),
            )
    return visit


def page_count(pdf: bytes) -> str:
    """Pages of the PDF by poppler's pdfinfo (poppler-utils), or "?" without it."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return "?"
    info = subprocess.run(  # noqa: S603 - a fixed program, our own PDF as input
        [pdfinfo, "-"], input=pdf, capture_output=True, check=True
    ).stdout
    match = re.search(rb"^Pages:\s+(\d+)", info, re.MULTILINE)
    return match.group(1).decode() if match else "?"


def timed(render: Callable[[], bytes], runs: int) -> tuple[list[float], list[float], bytes]:
    """Wall and CPU seconds of each run (CPU time is steadier on a shared machine)."""
    wall, cpu, body = [], [], b""
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        body = render()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shapes", nargs="*", default=list(SHAPES), choices=list(SHAPES))
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    actor, owner = cast()
    visits = {name: build_visit(actor, owner, SHAPES[name]) for name in args.shapes}
    render_pdf(visit_report(next(iter(visits.values()))))  # fonts and WeasyPrint's first use

    print(f"Monev report, {SESSIONS * POINTS_PER_SESSION} points, best of {args.runs} runs")
    print(
        "| shape | characters | PDF wall s (best / median) | PDF CPU s | pages | PDF KiB "
        "| ratio (CPU) | DOCX s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    base = None
    for name, visit in visits.items():
        report = visit_report(visit)
        chars = sum(len(p.text) for s in report.sessions for p in s.points)
        chars += sum(len(f.action) for f in report.follow_ups)
        wall, cpu, pdf = timed(lambda r=report: render_pdf(r), args.runs)
        docx_wall, _, _ = timed(lambda r=report: render_docx(r), args.runs)
        base = base or min(cpu)
        print(
            f"| {name} | {chars:,} | {min(wall):.2f} / {statistics.median(wall):.2f} "
            f"| {min(cpu):.2f} | {page_count(pdf)} | {len(pdf) / 1024:,.0f} "
            f"| {min(cpu) / base:.1f} | {min(docx_wall):.2f} |"
        )
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
