"""The paper questionnaire: a printable PDF of one observation unit's items.

When filling on line is impossible, the sheets are printed, filled by hand and typed in later
(web form or Excel template). Every item and answer option carries its stable code on paper so
that typing matches. The PDF is rendered by WeasyPrint from an HTML template with print CSS;
other printed documents follow the same shape: one function, plain arguments in, bytes out.
"""

from __future__ import annotations

import json
import re

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kotan.collection.channels.web_forms import load_questionnaire
from kotan.collection.models import Period
from kotan.core.pdf import html_to_pdf
from kotan.instruments.models import ObservationUnit
from kotan.regions.models import Regency

TEMPLATE = "collection/paper/questionnaire.html"


def page_counter_css() -> str:
    """'Halaman X dari Y' as a CSS ``content`` value, the numbers being page counters."""
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    parts = re.split(r"(%\(pages?\)s)", _("Halaman %(page)s dari %(pages)s"))
    return " ".join(counters.get(p) or json.dumps(p, ensure_ascii=False) for p in parts if p)


def questionnaire_pdf(
    period: Period, unit: ObservationUnit, regency: Regency | None = None
) -> bytes:
    """The blank questionnaire of ``unit`` in ``period`` as PDF bytes.

    With a regency, its name is printed on every page; without one (bulk printing for a whole
    period) the first page has a line to write it in. Always in Bahasa Indonesia: the sheet is
    for respondents, whatever language the operator who prints it reads.
    """
    questionnaire = load_questionnaire(period.instrument, unit)
    with translation.override("id"):
        html = render_to_string(
            TEMPLATE,
            {
                "period": period,
                "unit": unit,
                "regency": regency,
                "questionnaire": questionnaire,
                "page_counter": page_counter_css(),
            },
        )
    return html_to_pdf(html)
