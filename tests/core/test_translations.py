"""The English translation is complete and compiled (Bahasa Indonesia is the source language)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import kotan

LOCALE = Path(kotan.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"


def test_every_message_has_an_english_translation_and_the_catalogue_is_compiled() -> None:
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po.split("\n\n", 1)[1], "fuzzy entries are not used at run time"
    n_messages = len(re.findall(r"^msgid ", po, flags=re.MULTILINE)) - 1  # minus the header
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    # msgfmt leaves out untranslated entries, so a missing translation or a stale .mo shows here.
    # A plural message is stored twice in the .mo, as (msgid, 0) and (msgid, 1).
    assert len({k[0] if isinstance(k, tuple) else k for k in catalogue if k}) == n_messages
    assert catalogue["Masuk ke SI-KOTAN"] == "Sign in to SI-KOTAN"
