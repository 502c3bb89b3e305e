"""Scene-wide choices of the offline planner: entity names, the first background, background motion, title."""
from __future__ import annotations

import re

from hvg import vocab
from hvg.plan import layout
from hvg.plan.reader import Outline, Thing


def entity_names(things: list[Thing]) -> list[str]:
    names = []
    for thing in things:
        same = [t for t in things if t.kind == thing.kind]
        if len(same) == 1:
            names.append(thing.kind)
        elif thing.color and not vocab.HEX_COLOR.match(thing.color) and sum(t.color == thing.color for t in same) == 1:
            names.append(f"{thing.color}_{thing.kind}")
        else:
            names.append(f"{thing.kind}{same.index(thing) + 1}")
    return names


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


def title(prompt: str) -> str:
    text = re.sub(r"\s+", " ", prompt.replace('"', "")).strip(" .!?")
    if len(text) > 48:
        text = text[:48].rsplit(" ", 1)[0]
    return (text[:1].upper() + text[1:]) or "Untitled"
