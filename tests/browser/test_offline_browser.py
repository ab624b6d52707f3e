"""The offline questionnaire in a real browser: no network, restarts, retries, exactly once."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, expect

from kotan.collection import actions
from kotan.collection.models import Assignment, RawSubmission, Response
from tests.support.browser import ARTIFACTS, DESKTOP, PHONE, screenshot
from tests.support.cast import Cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

FIRST_LOAD_BUDGET_GZIP = 150 * 1024


def _answer(page: Page, code: str, label: str) -> None:
    page.locator(f"#q-{code}").get_by_text(label, exact=True).click()


def test_filled_offline_sent_when_the_network_returns(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    loaded: list[tuple[str, bytes]] = []
    page.on("requestfinished", lambda r: loaded.append((r.url, r.response().body())))  # type: ignore[union-attr]

    # One visit online (a fresh browser, nothing cached): the page installs itself.
    page.goto(f"{live_server}/isi/{link.token}/luring/")
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)
    # Everything fetched for it, its own copy for the device included, compressed as gzip.
    weight = sum(len(gzip.compress(body)) for _url, body in loaded)
    assert 0 < weight < FIRST_LOAD_BUDGET_GZIP, [url for url, _body in loaded]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "offline-first-load.txt").write_text(
        f"{len(loaded)} requests, {weight} bytes gzip\n"
        + "".join(f"{len(gzip.compress(b))}\t{len(b)}\t{u}\n" for u, b in loaded)
    )

    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    screenshot(page, "offline-desktop")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]

    context.set_offline(True)
    expect(page.locator("#net-state")).to_contain_text("Tidak ada sinyal")
    page.get_by_label("Nama instansi").fill("Kesbangpol Kabupaten Batanghari")
    _answer(page, "MAS1_01", "Setuju / sering")
    _answer(page, "MAS1_02", "Sangat setuju / selalu")
    expect(page.locator("#answered[data-saved='1']")).to_contain_text("tersimpan di perangkat")
    # The phone restarts the browser in the middle: the answers are still there.
    page.reload()
    expect(page.locator("#q-MAS1_02").get_by_label("Sangat setuju / selalu")).to_be_checked()
    expect(page.get_by_label("Nama instansi")).to_have_value("Kesbangpol Kabupaten Batanghari")
    _answer(page, "LEM1_01", "Tidak tahu")
    expect(page.locator("#answered[data-saved='1']")).to_have_text(
        "3 dari 45 butir terjawab · tersimpan di perangkat"
    )
    page.get_by_role("button", name="Kirim jawaban").click()
    waiting = page.locator("#outbox li").first
    expect(waiting).to_contain_text("Tersimpan di perangkat, menunggu dikirim")
    screenshot(page, "offline-waiting-phone")

    page.reload()  # offline again: the waiting questionnaire is still listed
    expect(page.locator("#outbox li").first).to_contain_text("menunggu dikirim")
    expect(page.locator("#outbox li").first).to_contain_text("3 butir")
    assert RawSubmission.objects.count() == 0  # nothing reached the server yet

    context.set_offline(False)
    expect(page.locator("#outbox li").first).to_contain_text("Terkirim", timeout=15_000)
    response = Response.objects.get()
    assert response.channel == "offline"
    assert response.institution_name == "Kesbangpol Kabupaten Batanghari"
    assert {a.item.code: a.value for a in response.answers.select_related("item")} == {
        "MAS1_01": "3",
        "MAS1_02": "4",
        "LEM1_01": "TT",
    }
    expect(page.locator("#outbox .receipt-no")).to_have_text(response.receipt_number)
    screenshot(page, "offline-sent-phone")
    page.reload()
    expect(page.locator("#outbox .receipt-no")).to_have_text(response.receipt_number)
    assert Response.objects.count() == 1 and RawSubmission.objects.count() == 1

    context.close()


def test_the_outbox_retries_after_server_errors_and_sends_once(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    # Requests go straight from the page here, so the test can answer them itself.
    context = browser.new_context(viewport=PHONE, locale="id-ID", service_workers="block")
    page = context.new_page()
    attempts: list[int] = []

    def flaky_server(route: Route) -> None:
        attempts.append(1)
        if len(attempts) <= 2:
            route.fulfill(status=503, body="Service Unavailable")
        else:
            route.continue_()

    page.route("**/api/v1/submissions/**", flaky_server)
    page.goto(f"{live_server}/isi/{link.token}/luring/")
    _answer(page, "MAS1_01", "Setuju / sering")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#outbox li").first).to_contain_text("dicoba lagi otomatis")
    expect(page.locator("#outbox li").first).to_contain_text("Terkirim", timeout=20_000)
    assert len(attempts) == 3
    assert Response.objects.count() == 1 and RawSubmission.objects.count() == 1
    context.close()


def test_an_enumerator_fills_several_questionnaires_offline(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
) -> None:
    from tests.support.browser import log_in

    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    log_in(page, str(live_server), "eko")
    page.goto(f"{live_server}/pengisian/")
    offline = re.compile(r"^Versi luring\s*: Instansi pemerintah, Kabupaten Batanghari$")
    page.get_by_role("link", name=offline).click()
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)
    context.set_offline(True)
    for n, label in enumerate(["Setuju / sering", "Tidak setuju / jarang", "Tidak tahu"], 1):
        page.get_by_label("Nama instansi").fill(f"Instansi contoh {n}")
        _answer(page, "MAS1_01", label)
        expect(page.locator("#answered[data-saved='1']")).to_contain_text("1 dari 45")
        page.get_by_role("button", name="Kirim jawaban").click()
        # Queued, and the form is empty again for the next respondent.
        expect(page.locator("#outbox li[data-uuid]")).to_have_count(n)
        expect(page.get_by_label("Nama instansi")).to_have_value("")
    page.reload()
    expect(page.locator("#outbox li", has_text="menunggu dikirim")).to_have_count(3)
    context.set_offline(False)
    expect(page.locator("#outbox li", has_text="Terkirim")).to_have_count(3, timeout=15_000)
    responses = Response.objects.order_by("institution_name")
    assert [r.institution_name for r in responses] == [f"Instansi contoh {n}" for n in (1, 2, 3)], [
        r.raw.payload for r in responses
    ]
    assert {r.enumerator for r in responses} == {cast.eko}
    assert {r.channel for r in responses} == {"offline"}
    receipts = sorted(page.locator("#outbox .receipt-no").all_inner_texts())
    assert receipts == sorted(r.receipt_number for r in responses)
    screenshot(page, "offline-enumerator-phone")
    context.close()


def test_a_new_version_of_the_app_keeps_what_waits_on_the_device(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kotan
    from kotan.collection.channels import api

    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    url = f"{live_server}/isi/{link.token}/luring/"
    page.goto(url)
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)
    assert page.evaluate(
        "async () => { window.reg = await navigator.serviceWorker.getRegistration();"
        " window.oldWorker = window.reg.active; return window.oldWorker !== null; }"
    )
    context.set_offline(True)
    _answer(page, "MAS1_01", "Setuju / sering")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("menunggu dikirim")

    # A release while the questionnaire waits: the server fails for now, and serves a new
    # service worker.
    def server_error(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the server is being updated")

    monkeypatch.setattr(api, "ingest_submission", server_error)
    monkeypatch.setattr(kotan, "__version__", "99.0.0")
    context.set_offline(False)
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("dicoba lagi otomatis")
    assert page.evaluate(
        """async () => {
          await window.reg.update();
          const worker = window.reg.installing || window.reg.waiting || window.reg.active;
          if (worker.state !== 'activated') {
            await new Promise((done) => worker.addEventListener('statechange', () => {
              if (worker.state === 'activated') done();
            }));
          }
          return window.reg.active !== window.oldWorker;
        }"""
    ), "the new service worker did not take over"
    page.reload()  # under the new worker
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("menunggu dikirim")
    # The new worker kept the page for offline use.
    context.set_offline(True)
    page.reload()
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("menunggu dikirim")
    assert RawSubmission.objects.count() == 0

    monkeypatch.undo()  # the new version is up
    context.set_offline(False)
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("Terkirim", timeout=20_000)
    assert Response.objects.count() == 1 and Response.objects.get().channel == "offline"
    context.close()
