"""A readable diff between two revisions: changed lines, and changed words inside them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

LineKind = Literal["same", "added", "removed", "changed", "skipped"]
_WORDS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass
class DiffLine:
    kind: LineKind
    old: list[Segment] = field(default_factory=list)
    new: list[Segment] = field(default_factory=list)
    old_number: int | None = None
    new_number: int | None = None


def _word_segments(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    old_parts: list[Segment] = []
    new_parts: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            old_parts.append(Segment("".join(a[i1:i2]), op != "equal"))
        if j2 > j1:
            new_parts.append(Segment("".join(b[j1:j2]), op != "equal"))
    return old_parts, new_parts


def diff_texts(old: str, new: str, *, context: int = 3) -> list[DiffLine]:
    """Line diff of `old` → `new` with `context` unchanged lines around each change;
    a changed line pair also says which words changed."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("skipped"))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                for offset in range(i2 - i1):
                    text = [Segment(a[i1 + offset], False)]
                    lines.append(DiffLine("same", text, text, i1 + offset + 1, j1 + offset + 1))
                continue
            pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
            for offset in range(pairs):
                old_parts, new_parts = _word_segments(a[i1 + offset], b[j1 + offset])
                lines.append(
                    DiffLine("changed", old_parts, new_parts, i1 + offset + 1, j1 + offset + 1)
                )
            lines.extend(
                DiffLine("removed", old=[Segment(a[index], True)], old_number=index + 1)
                for index in range(i1 + pairs, i2)
            )
            lines.extend(
                DiffLine("added", new=[Segment(b[index], True)], new_number=index + 1)
                for index in range(j1 + pairs, j2)
            )
    return lines
