"""Scene-wide choices of the offline planner: entity names, the first background, background motion, title."""
from __future__ import annotations

import re

from hvg import vocab
from hvg.lang.unparse import IDENTIFIER, KEYWORDS
from hvg.plan import layout
from hvg.plan import lexicon as lx
from hvg.plan.reader import Beat, Outline, Thing, _detokenize


def _base_name(thing: Thing) -> str:
    """The word the writer used ("gull", "palm tree" -> `palm_tree`) when it makes a name, else the kind."""
    word = "_".join(thing.noun.split())
    return word if IDENTIFIER.match(word) and word not in KEYWORDS else thing.kind


def entity_names(things: list[Thing]) -> list[str]:
    names = []
    bases = [_base_name(t) for t in things]
    for thing, base in zip(things, bases):
        same = [t for t, b in zip(things, bases) if b == base]
        if len(same) == 1:
            names.append(base)
        elif thing.color and not vocab.HEX_COLOR.match(thing.color) and sum(t.color == thing.color for t in same) == 1:
            names.append(f"{thing.color}_{base}")
        else:
            names.append(f"{base}{same.index(thing) + 1}")
    return names


# Words that open a beat cut from a longer sentence and say nothing about the picture.
_OPENERS = frozenset("and then where after that later finally next afterwards so , |".split())


def proper_words(prompt: str) -> dict[str, str]:
    """Words the writer capitalised inside a sentence ("Earth", "Paris", "NASA"), to keep them in descriptions."""
    found = {}
    for match in re.finditer(r"(?<![.!?]\s)(?<!^)\b([^\W\d_]*[A-Z][^\W_]*)", prompt.strip()):
        word = match.group(1)
        if match.start() > 0 and word.lower() != word:
            found[word.lower()] = word
    return found


def describe(beat: Beat, things: list[Thing], prompt: str = "") -> str:
    """The beat's words as a block description that names who acts: "..., then flies into space" becomes
    "The rocket flies into space", "where it circles the moon" becomes "The rocket circles the moon"."""
    words = list(beat.words)
    while words and words[0] in _OPENERS:
        words.pop(0)
    subjects = beat.actions[0].subjects if beat.actions else []
    if words and subjects and (words[0] in lx.PRONOUNS - {"them"} or words[0] in lx.MOTION_VERBS):
        nouns = [things[i].noun for i in subjects]
        named = [n if nouns.count(n) == 1 else f"{n}s" for n in dict.fromkeys(nouns)]
        subject = "the " + " and the ".join(named)
        words = subject.split() + words[1:] if words[0] in lx.PRONOUNS else subject.split() + words
    proper = proper_words(prompt)
    return _detokenize([proper.get(w, w) for w in words]) or "A scene"


def first_background(outline: Outline) -> str:
    places = [p for beat in outline.beats for p in beat.backgrounds]
    strong = [p for p in places if p not in ("sky", "snow", "plain")]
    if strong or places:
        return (strong or places)[0]
    kinds = {t.kind for t in outline.things}
    if kinds & {"boat", "fish"}:
        return "ocean"
    if kinds and kinds <= layout.SKY_KINDS | {"rocket"}:
        return "space" if "rocket" in kinds or kinds <= {"star", "moon"} else "sky"
    return "grass" if kinds else "plain"


def background_motion(background: str, weather: str | None) -> tuple[str | None, float]:
    if weather == "rain":
        return "rain", 0.6
    if background in ("ocean", "beach"):
        return "waves", 0.4
    if background == "space":
        return "flicker", 0.3
    if background in ("grass", "forest", "sky"):
        return "drift", 0.2
    return None, 1.0


# Words a shortened title must not end on: it would read as cut off ("... at sunset, then").
_DANGLING = frozenset("a an the and or but then while as of to in on at into onto over with from by up down "
                      "across along around through toward towards past under above behind near its his her their "
                      "is are".split())


_SETTING_OPENERS = frozenset("in at on during under one once late early".split())


def title(prompt: str, limit: int = 48) -> str:
    """The prompt as a title: its first clause, or whole words up to `limit` characters, never ending on a comma
    or a word that leaves the sentence hanging."""
    text = re.sub(r"\s+", " ", prompt.replace('"', "")).strip(" .!?,;:")
    opener, _, rest = text.partition(", ")
    if rest and len(text) > limit and opener.split(" ", 1)[0].lower() in _SETTING_OPENERS:
        text = rest  # "In pixel art style, a green car races ...": the story starts after the setting
    if len(text) > limit:
        head = text[:limit + 1]
        clause = re.split(r"[,;:.!?]", head)
        words = head.rsplit(" ", 1)[0]
        words = words if len(words) >= 12 else text[:limit]  # a very long word: cut inside it
        text = clause[0] if len(clause) > 1 and len(clause[0]) >= 12 else words
        kept = text.rstrip(" .!?,;:-").split(" ")
        while len(kept) > 1 and kept[-1].lower() in _DANGLING:
            kept.pop()
        text = " ".join(kept).rstrip(" .!?,;:-")
    return (text[:1].upper() + text[1:]) or "Untitled"
