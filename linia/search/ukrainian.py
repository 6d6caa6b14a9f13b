"""A light Ukrainian stemmer: strip one inflectional ending (Snowball has no Ukrainian).

Light stemming removes case, number and common verb endings only, never derivational
suffixes; it errs towards leaving a word longer, which costs some recall but keeps
unrelated words apart. The stem keeps at least three letters.
"""

from __future__ import annotations

_MIN_STEM = 3

_REFLEXIVE = ("ся", "сь")

# Longest first, so "ами" wins over "и".
_ENDINGS = tuple(
    sorted(
        set(
            """
            ування ання яння ення іння увати ювати уйте юйте уй йте іть
            ати яти ити іти їти ути ать ить уть ють ують юють ємо имо емо єте ете ите
            ала ало али ила ило или ла ло ли ає яє ує
            ими іми ого ього ому ьому ій ий ої ою их іх ім им іше іший ня
            ями ами ові еві єві ів їв ям ам ах ях ею єю ом ем єм ей
            а я у ю і и е о ь ї є й
            """.split()  # noqa: SIM905  (a word list reads better as text)
        ),
        key=len,
        reverse=True,
    )
)


def stem(word: str) -> str:
    """The light stem of one lowercased Ukrainian word."""
    for reflexive in _REFLEXIVE:
        if word.endswith(reflexive) and len(word) - len(reflexive) >= _MIN_STEM + 2:
            word = word[: -len(reflexive)]
            break
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            word = word[: -len(ending)]
            break
    if word.endswith("ь") and len(word) > _MIN_STEM:
        word = word[:-1]
    return word
