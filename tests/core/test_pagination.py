"""The one pager: its query parameter, its label, and the other filters kept in its links."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def pager(query: str, page: int, **extra: str) -> str:
    request = RequestFactory().get("/progres/kualitas/?" + query)
    page_obj = Paginator(list(range(50)), 10).get_page(page)
    return render_to_string("_pagination.html", {"page": page_obj, **extra}, request=request)


def test_default_parameter_keeps_the_other_filters() -> None:
    html = pager("periode=2026&halaman=2", 2)
    assert 'href="?periode=2026&amp;halaman=1" rel="prev"' in html
    assert 'href="?periode=2026&amp;halaman=3" rel="next"' in html
    assert 'aria-label="Halaman"' in html
    assert "Halaman 2 dari 5" in html


def test_a_second_list_names_its_own_parameter_and_label() -> None:
    html = pager("halaman=4&halaman_kiriman=2", 2, param="halaman_kiriman", label="Halaman kiriman")
    assert 'href="?halaman=4&amp;halaman_kiriman=3" rel="next"' in html
    assert 'aria-label="Halaman kiriman"' in html


def test_one_page_shows_no_pager() -> None:
    request = RequestFactory().get("/")
    page_obj = Paginator([1, 2], 10).get_page(1)
    assert render_to_string("_pagination.html", {"page": page_obj}, request=request).strip() == ""
