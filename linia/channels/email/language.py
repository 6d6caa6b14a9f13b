"""A guess at the language of an incoming message, for automatic replies to senders Linia
does not know (it has no language preference of theirs)."""

from __future__ import annotations

import re

from django.conf import settings

from .parse import ParsedEmail

# Charsets that name one language of ours (utf-8 and the Latin-1 family say nothing).
CHARSET_LANGUAGES = {
    "koi8-r": "ru",
    "koi8-u": "uk",
    "koi8-ru": "uk",
    "iso-8859-2": "pl",
    "windows-1250": "pl",
    "cp1250": "pl",
}
UKRAINIAN_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
RUSSIAN_LETTERS = re.compile(r"[ыэъёЫЭЪЁ]")
CYRILLIC = re.compile(r"[а-яА-Я]")
POLISH_LETTERS = re.compile(r"[ąćęłńśźżĄĆĘŁŃŚŹŻ]")


def guess_language(parsed: ParsedEmail) -> str:
    """Content-Language if it names one of ours; else the script of the text (Ukrainian and
    Russian told apart by their own letters, Polish by its diacritics); else a charset that
    implies a language (windows-1251 does not: both Russian and Ukrainian use it); else the
    installation's default."""
    ours = {code for code, _name in settings.LANGUAGES}
    for tag in parsed.headers.get("Content-Language", "").split(","):
        code = tag.strip().lower().split("-")[0]
        if code in ours:
            return code
    text = f"{parsed.subject}\n{parsed.text[:4000]}"
    if CYRILLIC.search(text):
        ukrainian = len(UKRAINIAN_LETTERS.findall(text))
        russian = len(RUSSIAN_LETTERS.findall(text))
        return _ours("uk" if ukrainian > russian else "ru", ours)
    if POLISH_LETTERS.search(text):
        return _ours("pl", ours)
    for charset in parsed.charsets:
        if charset in CHARSET_LANGUAGES:
            return _ours(CHARSET_LANGUAGES[charset], ours)
    return str(settings.LANGUAGE_CODE)


def _ours(code: str, ours: set[str]) -> str:
    return code if code in ours else str(settings.LANGUAGE_CODE)
