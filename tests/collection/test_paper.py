"""The paper questionnaire: a real PDF with every item of the unit and only those, by scope."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kotan.accounts.models import User
from kotan.collection import actions
from kotan.collection.channels.paper import page_counter_css
from kotan.collection.channels.web_forms import questionnaire_for_unit
from kotan.collection.models import Assignment, Period
from kotan.instruments.queries import instrument_spec
from kotan.regions.models import Regency
from tests.support.cast import Cast

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"  # poppler-utils


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def pages(pdf: bytes) -> list[str]:
    """The text of each page, in reading order (pdftotext ends every page with a form feed)."""
    assert pdf.startswith(b"%PDF-")
    text = subprocess.run(  # noqa: S603
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


def unit_codes(period: Period, unit: str) -> list[str]:
    questionnaire = questionnaire_for_unit(instrument_spec(period.instrument), unit)
    return [q.code for s in questionnaire.sections for q in s.questions]


def all_codes(period: Period) -> set[str]:
    spec = instrument_spec(period.instrument)
    return {i.code for v in spec.variables for ind in v.indicators for i in ind.items}


def paper_url(assignment: Assignment, unit: str = "gov") -> str:
    return reverse("paper_assignment", args=[assignment.pk, unit])


def get_pdf(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


# --- content -------------------------------------------------------------------------------


def test_assignment_pdf_has_every_item_of_the_unit_and_no_other(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    response = signed_in(client, cast.citra).get(paper_url(batanghari))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="kuesioner-2026-15.04-gov.pdf"'
    texts = pages(response.content)
    text = "\n".join(texts)
    codes = unit_codes(batanghari.period, "gov")
    assert len(codes) == 45
    assert all(re.search(rf"\b{code}\b", text) for code in codes)
    others = all_codes(batanghari.period) - set(codes)
    assert others and not any(re.search(rf"\b{code}\b", text) for code in others)
    # Every item prints the five options with their codes, as tick boxes beside the labels.
    assert len(re.findall(r"\bTT Tidak tahu\b", text)) == 45
    assert len(re.findall(r"\b1 Sangat tidak\b", text)) == 45
    assert 5 <= len(texts) <= 9
    assert f"Halaman 1 dari {len(texts)}" in texts[0]
    assert f"Halaman {len(texts)} dari {len(texts)}" in texts[-1]
    assert all("Kabupaten Batanghari" in page and "No. tanda terima" in page for page in texts)
    assert "Nama enumerator" in texts[0] and "Petunjuk pengisian" in texts[0]


def test_items_do_not_split_across_pages(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    texts = pages(get_pdf(signed_in(client, cast.citra), paper_url(batanghari)))
    codes = unit_codes(batanghari.period, "gov")
    seen: list[str] = []
    for page in texts:
        found = [(c, m.start()) for c in codes if (m := re.search(rf"\b{c}\b", page))]
        # From each item code to the next (or the page's end), its own options follow.
        marks = [start for _code, start in found]
        for start, end in zip(marks, [*marks[1:], len(page)], strict=True):
            assert "TT Tidak tahu" in page[start:end]
        seen.extend(code for code, _start in found)
    assert seen == codes  # each once, in the instrument's order


def test_a_smaller_unit_prints_fewer_pages(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    texts = pages(get_pdf(signed_in(client, cast.citra), paper_url(batanghari, "fam")))
    text = "\n".join(texts)
    codes = unit_codes(batanghari.period, "fam")
    assert len(codes) == 15
    assert all(code in text for code in codes)
    assert not any(re.search(rf"\b{c}\b", text) for c in all_codes(batanghari.period) - set(codes))
    assert 2 <= len(texts) <= 4


def test_period_pdf_has_a_line_for_the_regency_instead_of_a_name(
    client: Client, cast: Cast, period: Period
) -> None:
    url = reverse("paper_period", args=[2026, "edu"])
    response = signed_in(client, cast.budi).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="kuesioner-2026-edu.pdf"'
    texts = pages(response.content)
    text = "\n".join(texts)
    assert all(code in text for code in unit_codes(period, "edu"))
    assert "Batanghari" not in text and "Jambi" not in text
    assert all("Kabupaten/Kota" in page for page in texts)


def test_page_counter_is_a_css_content_value() -> None:
    assert page_counter_css() == '"Halaman " counter(page) " dari " counter(pages)'


def test_assignment_pdf_reads_a_bounded_number_of_queries(
    client: Client,
    cast: Cast,
    batanghari: Assignment,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    """Session, user and scope, the assignment, the unit, and the instrument (six queries)."""
    signed_in(client, cast.citra)
    with django_assert_max_num_queries(13):
        get_pdf(client, paper_url(batanghari))


# --- who may print what --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["eko", "gita", "fajar"])
def test_enumerators_and_viewers_in_scope_may_print(
    client: Client, cast: Cast, batanghari: Assignment, name: str
) -> None:
    assert get_pdf(signed_in(client, getattr(cast, name)), paper_url(batanghari, "biz"))


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: Client, batanghari: Assignment
) -> None:
    for url in (paper_url(batanghari), reverse("paper_period", args=[2026, "gov"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_assignment_out_of_scope_is_not_found(
    client: Client, cast: Cast, period: Period, batanghari: Assignment
) -> None:
    assert signed_in(client, cast.hadi).get(paper_url(batanghari)).status_code == 404
    kerinci = Assignment.objects.get(period=period, regency__code="15.01")
    assert signed_in(client, cast.citra).get(paper_url(kerinci)).status_code == 404
    assert client.get(reverse("paper_assignment", args=[999999, "gov"])).status_code == 404


@pytest.mark.parametrize("unit", ["xyz", "GOV", "gov.pdf"])
def test_an_unknown_unit_is_not_found(
    client: Client, cast: Cast, batanghari: Assignment, unit: str
) -> None:
    signed_in(client, cast.citra)
    assert client.get(paper_url(batanghari, unit)).status_code == 404
    assert client.get(reverse("paper_period", args=[2026, unit])).status_code == 404


def test_a_period_is_printed_only_for_users_with_an_assignment_in_it(
    client: Client, cast: Cast, period: Period
) -> None:
    later = actions.open_period(
        actor=cast.ani,
        year=2027,
        name="IKOTAN 2027",
        instrument=period.instrument,
        opens_on=date(2027, 1, 1),
        closes_on=date(2027, 12, 31),
    )
    actions.assign_regencies(
        actor=cast.ani,
        period=later,
        regencies=[Regency.objects.get(code="11.08")],
        deadline=date(2027, 12, 15),
    )
    url = reverse("paper_period", args=[2027, "fam"])
    assert signed_in(client, cast.citra).get(url).status_code == 404
    assert signed_in(client, cast.hadi).get(url).status_code == 200
    assert client.get(reverse("paper_period", args=[2030, "fam"])).status_code == 404


def test_the_assignment_page_offers_a_paper_form_per_unit(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    page = signed_in(client, cast.citra).get(reverse("assignment_detail", args=[batanghari.pk]))
    html = page.content.decode()
    for unit in ("gov", "edu", "biz", "com", "fam"):
        assert reverse("paper_assignment", args=[batanghari.pk, unit]) in html
