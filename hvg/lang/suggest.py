"""`did you mean` hints: the closest candidate by difflib, or nothing."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """` (did you mean `x`?)` to append to a message, or "" when nothing is close."""
    guess = closest(word, candidates, cutoff)
    return f" (did you mean `{guess}`?)" if guess else ""


def one_of(candidates: Iterable[str], limit: int = 12) -> str:
    """`a`, `b` or `c` (shortened with ... past `limit`)."""
    items = [f"`{c}`" for c in candidates]
    if len(items) > limit:
        items = items[:limit] + ["..."]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
