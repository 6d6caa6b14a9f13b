"""Tokenizing, folding and stemming in four languages; the Ukrainian light stemmer."""

from __future__ import annotations

import pytest

from linia.search.normalize import normalize_for_index, query_terms, query_words
from linia.search.ukrainian import stem


@pytest.mark.parametrize(
    "forms",
    [
        "принтер принтера принтери принтерів принтером",
        "пошта пошти поштою пошту",
        "пароль паролі паролю паролем паролів",
        "мережа мережі мережею мереж",
        "налаштувати налаштування",
        "підключитися підключення підключити",
        "доступ доступу доступом",
    ],
)
def test_ukrainian_forms_share_one_stem(forms):
    assert len({stem(word) for word in forms.split()}) == 1


def test_ukrainian_stems_keep_three_letters():
    assert [stem(word) for word in ["ключ", "дім", "сам", "ями"]] == ["ключ", "дім", "сам", "ями"]


@pytest.mark.parametrize(
    "forms",
    [
        "принтер принтера принтеры принтеров",  # Russian
        "принтер принтера принтери принтерів",  # Ukrainian
        "drukarka drukarki drukarkę",  # Polish
        "printer printers",  # English
        "hasło hasła",
        "password passwords",
    ],
)
def test_inflected_forms_share_a_term(forms):
    term_sets = [set(normalize_for_index(word).split()) for word in forms.split()]
    assert set.intersection(*term_sets)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("VPN", "vpn"),
        ("Wi-Fi", "wifi wif wi fi"),
        ("0x80070005", "0x80070005"),
        ("1С", "1c"),  # Cyrillic С typed in a code is folded to Latin
        ("1C", "1c"),
        ("Ёлка", "елк"),
        ("пам’ять пам'ять памʼять", "памя памят памя памят памя памят"),
        ("the printer is not working", "printer work working"),
        ("", ""),
        ("!!! ...", ""),
    ],
)
def test_normalize_for_index(text, terms):
    assert normalize_for_index(text) == terms


def test_a_known_language_uses_only_its_stemmer_for_its_script():
    assert normalize_for_index("drukarki VPN", "pl") == "drukark vpn"
    assert normalize_for_index("принтерів", "uk") == "принтер"
    assert normalize_for_index("принтеров", "ru") == "принтер"
    # Other scripts still get both candidate languages.
    assert normalize_for_index("printers", "ru") == "printer printers"


def test_query_terms_group_candidates_per_word_and_drop_stop_words():
    assert query_terms("Как настроить принтер?") == [{"настро"}, {"принтер"}]
    assert query_words("Как настроить Wi-Fi?") == ["настроить", "wifi"]


def test_a_query_of_stop_words_only_keeps_them():
    assert query_terms("how") == [{"how"}]
