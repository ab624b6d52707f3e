"""Collection's long work, run as background jobs (kotan.jobs)."""

from __future__ import annotations

from kotan.jobs.registry import register

RESPONSES_XLSX = "responses_xlsx"
PERIOD_PDFS = "period_pdfs"

register(RESPONSES_XLSX, "kotan.collection.exports.run_responses_xlsx")
register(PERIOD_PDFS, "kotan.collection.channels.paper.run_period_pdfs")
