"""Text → index terms, the same way for documents and queries.

A token is a run of letters and digits, possibly joined by hyphens or apostrophes ("Wi-Fi",
"пам'ять", "0x80070005"). Each token is lowercased, ё→е, apostrophes dropped; a hyphenated
token yields its joined form ("wifi") and its parts. Tokens with a digit are codes: they are
not stemmed, and Cyrillic letters that look Latin are folded ("1С" → "1c"). Words are stemmed
for every language their script allows (Cyrillic: Russian and Ukrainian; Latin: English and
Polish) because the language of a query is unknown; a document of known language is stemmed
only in that language for its script. Stop words are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from . import ukrainian

_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ`\-‐][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’ʼ`")
_HYPHENS = re.compile(r"[\-‐]")
_CYRILLIC = re.compile(r"[а-яёіїєґ]")
_LATIN = re.compile(r"[a-zà-ɏ]")
_DIGIT = re.compile(r"\d")
# Cyrillic letters that users type in place of Latin ones inside codes ("1С", "КБ4012").
_HOMOGLYPHS = str.maketrans("аеорсхукмтв", "aeopcxykmtb")

_STEMMERS = {
    "en": snowballstemmer.stemmer("english"),
    "ru": snowballstemmer.stemmer("russian"),
    "pl": snowballstemmer.stemmer("polish"),
}

# Small lists on purpose: only words that carry no meaning in a help-desk query.
STOP_WORDS = frozenset(
    """
    a an and are as at be by can do does for from how i in is it my of on or the to what when
    why with you your me not no this that there cannot can't
    и в во на с со к ко по о об от до из за для не ни но а как что это я мне мой моя у ли же
    бы или то так где когда почему нет есть ещё еще при над под
    і й та в у на з із зі до для не ні але а як що це я мені мій моя чи же би або то так де
    коли чому немає є ще при над під
    i w we na z ze do dla nie ale a jak co to jest ja mi mój moja czy się sie o od po przy
    """.split()  # noqa: SIM905  (a word list reads better as text)
)


def _fold(token: str) -> str:
    return token.lower().replace("ё", "е").translate(_APOSTROPHES)


@lru_cache(maxsize=65536)
def word_terms(word: str, language: str | None = None) -> tuple[str, ...]:
    """The terms of one folded word (no hyphens): its stems in the candidate languages."""
    if _DIGIT.search(word):
        return (word.translate(_HOMOGLYPHS),)
    if _CYRILLIC.search(word):
        languages = [language] if language in ("ru", "uk") else ["ru", "uk"]
    elif _LATIN.search(word):
        languages = [language] if language in ("en", "pl") else ["en", "pl"]
    else:
        return (word,)
    terms: list[str] = []
    for lang in languages:
        stemmed = ukrainian.stem(word) if lang == "uk" else _STEMMERS[lang].stemWord(word)
        if stemmed and stemmed not in terms:
            terms.append(stemmed)
    return tuple(terms)


@dataclass(frozen=True)
class Token:
    text: str  # as written
    start: int
    end: int
    terms: tuple[str, ...]
    is_stop_word: bool


@lru_cache(maxsize=65536)
def token_terms(written: str, language: str | None = None) -> tuple[tuple[str, ...], bool]:
    """The terms of one token as written (a match of `words`), and whether it is a stop word.
    Cached: texts repeat their words, and snippets look at every word of a result."""
    folded = _fold(written)
    parts = [part for part in _HYPHENS.split(folded) if part]
    terms: list[str] = []
    if len(parts) > 1:
        terms.extend(word_terms("".join(parts), language))
    for part in parts:
        terms.extend(word_terms(part, language))
    return tuple(dict.fromkeys(terms)), folded in STOP_WORDS


def words(text: str) -> Iterator[re.Match[str]]:
    """The tokens of `text` as regular-expression matches (position and text, no terms)."""
    return _TOKEN.finditer(text)


def tokens(text: str, language: str | None = None) -> Iterator[Token]:
    """Every word of `text` with its position and terms (stop words flagged, not dropped)."""
    for match in _TOKEN.finditer(text):
        terms, is_stop_word = token_terms(match.group(), language)
        yield Token(match.group(), match.start(), match.end(), terms, is_stop_word)


def normalize_for_index(text: str, language: str | None = None) -> str:
    """The space-separated terms of `text` for the index (duplicates kept: they weigh)."""
    return " ".join(
        term for token in tokens(text, language) if not token.is_stop_word for term in token.terms
    )


def query_terms(q: str) -> list[set[str]]:
    """Per query word (stop words dropped unless the query has nothing else): its candidate
    terms; a document matches the word when it holds any one of them."""
    words = [token for token in tokens(q) if token.terms]
    meaningful = [token for token in words if not token.is_stop_word]
    return [set(token.terms) for token in (meaningful or words)]


def query_words(q: str) -> list[str]:
    """The folded query words matching `query_terms(q)` one to one (for typo correction)."""
    words = [token for token in tokens(q) if token.terms]
    meaningful = [token for token in words if not token.is_stop_word]
    return [_HYPHENS.sub("", _fold(token.text)) for token in (meaningful or words)]
