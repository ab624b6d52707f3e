"""Benchmark (reported, never asserted): a visit of 6 sessions x 15 points, 30 follow-ups.

Run: .venv/bin/pytest tests/monev/bench_report.py -q -s -p no:logging
(the file name keeps it out of the normal suite).
"""

from __future__ import annotations

import time
from datetime import date

from kotan.monev import actions
from kotan.monev.report import render_docx, render_pdf, visit_report
from tests.support.cast import Cast
from tests.support.monev import make_visit

TEXT = (
    "Pemkab/Kesbangpol tidak segera merespons pengisian kuesioner KOTAN karena kesibukan dan "
    "tugas masing-masing instansi yang harus didahulukan; koordinasi lanjutan diperlukan."
)


def test_report_generation_time(cast: Cast) -> None:
    visit = make_visit(cast)
    for s in range(6):
        session = actions.add_session(
            actor=cast.ani,
            visit=visit,
            venue=f"Ruang Rapat {s + 1}",
            held_on=date(2022, 12, 21),
            methods=["diskusi"],
            received_by="Kepala BNNP Jambi beserta staf",
        )
        for p in range(15):
            point = actions.add_point(
                actor=cast.ani, session=session, kind="kendala", text=f"{p + 1}. {TEXT}"
            )
            if p % 3 == 0:
                actions.create_follow_up(
                    actor=cast.ani,
                    point=point,
                    action="Rapat koordinasi dengan Kesbangpol.",
                    owner=cast.bnnp_jambi,
                    due_on=date(2023, 3, 31),
                )
    render_pdf(visit_report(visit))  # warm-up: fonts and WeasyPrint's first-use setup
    timings = {}
    for name, render in (("docx", render_docx), ("pdf", render_pdf)):
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            body = render(visit_report(visit))
            runs.append(time.perf_counter() - start)
        timings[name] = (min(runs), max(runs), len(body))
    for name, (best, worst, size) in timings.items():
        print(f"\n{name}: best {best:.3f} s, worst {worst:.3f} s, {size / 1024:.0f} KiB")
