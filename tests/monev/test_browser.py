"""Monev pages in a real browser (the demo visit): phone and desktop, no sideways scroll, no
axe violations, screenshots in test-artifacts/, and a follow-up finished by the BNNK and
verified by the BNNP. Chromium runs in a child process (see chromium_check.py)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kotan.accounts.demo import load_demo
from kotan.monev.demo import load_demo_monev
from kotan.monev.models import FollowUp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def reference_data(transactional_db: None) -> None:
    """Each browser test ends with a flush of every table: put back what migrations load."""
    from django.apps import apps

    importlib.import_module("kotan.regions.migrations.0002_load_kemendagri_2025").load(apps, None)
    importlib.import_module("kotan.monev.migrations.0002_seed_themes").seed(apps, None)


def chromium(scenario: str, base: str, data: dict[str, Any]) -> list[str]:
    result = subprocess.run(  # noqa: S603 - our own module, our own arguments
        [sys.executable, "-m", "tests.monev.chromium_check", scenario, base, json.dumps(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    problems: list[str] = json.loads(lines[-1])
    return problems


def test_monev_pages_on_phone_and_desktop(live_server: object) -> None:
    load_demo()
    visit = load_demo_monev()
    late = FollowUp.objects.filter(status="berjalan").order_by("pk").first()
    assert late is not None
    session = visit.sessions.first()
    assert session is not None
    data = {
        "title": visit.title,
        "late": 4,
        "pages": {
            "visits": "/monev/",
            "visit": f"/monev/{visit.pk}/",
            "follow-ups": "/monev/tindak-lanjut/",
            "follow-up": f"/monev/tindak-lanjut/{late.pk}/",
            "analytics": "/monev/analitik/",
            "point-form": f"/monev/sesi/{session.pk}/pointer/baru/",
        },
    }
    assert chromium("pages", str(live_server), data) == []


def test_bnnk_reports_progress_and_bnnp_verifies(live_server: object) -> None:
    load_demo()
    load_demo_monev()
    follow_up = FollowUp.objects.get(owner__name="BNNK Batanghari")
    assert chromium("verify", str(live_server), {"follow_up": follow_up.pk}) == []
    follow_up.refresh_from_db()
    assert follow_up.is_verified and follow_up.status == "selesai"
