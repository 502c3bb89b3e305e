"""Attributes of `video { ... }`, `entity ... { ... }` and `background ... { ... }`: names checked, values typed.

The grammar reads every attribute as `NAME value*`; this module says which names exist and what their values must
be, so that a misspelled attribute gets "`tide` is not an attribute of a background (did you mean `time`?)"
instead of a parse error.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from lark import Token, Tree

from hvg import vocab
from hvg.lang import codes
from hvg.lang.codes import Code
from hvg.lang.limits import FRAME_MULTIPLE, MAX_FPS, MAX_FRAME_SIDE, MIN_FRAME_SIDE
from hvg.lang.suggest import did_you_mean, one_of

Report = Callable[[Code, int, int, str, str], None]

VIDEO_ATTRIBUTES = ("size", "fps", "seed", "style")
ENTITY_ATTRIBUTES = ("color", "size", "style", "look", "layer")
BACKGROUND_ATTRIBUTES = vocab.BACKGROUND_ATTRIBUTES
MAX_SEED = (1 << 63) - 1            # seeds are signed 64-bit integers in torch and numpy generators


class BadValue(Exception):
    """An attribute value of the wrong shape; becomes E025 (or the code given) at the value."""

    def __init__(self, message: str, help: str = "", code: Code | None = codes.BAD_ATTRIBUTE_VALUE,
                 at: Any = None):
        super().__init__(message)
        self.message, self.help, self.code, self.at = message, help, code, at


def position(node: Tree | Token) -> tuple[int, int]:
    """Line and column of a node: those of its first token (the checker parses without tree positions)."""
    while isinstance(node, Tree):
        if not node.children:
            return 1, 1
        node = node.children[0]
    return node.line or 1, node.column or 1


def unquote(token: Token | str) -> str:
    text = str(token)[1:-1]
    return text.replace('\\"', '"').replace("\\\\", "\\") if "\\" in text else text


# ---------------------------------------------------------------------------------------------------------------
# Value shapes
# ---------------------------------------------------------------------------------------------------------------

def _one(name: str, values: list[Tree], example: str) -> Tree:
    if len(values) != 1:
        raise BadValue(f"`{name}` takes one value, like `{example}`", help=_exponent_help(values))
    return values[0]


def _exponent_help(values: list[Tree]) -> str:
    """`size 1e3` reads as the number 1 and the word `e3`: say how to write it without an exponent."""
    if len(values) == 2 and values[0].data == "number" and values[1].data == "word" and \
            re.fullmatch(r"[eE]\d+", str(values[1].children[0])):
        from hvg.lang.parse_errors import plain_number
        return f"write `{plain_number(str(values[0].children[0]) + str(values[1].children[0]))}`"
    return ""


def number(name: str, values: list[Tree], env: Mapping[str, float], example: str) -> float:
    value = _one(name, values, example)
    kind = value.data
    if kind == "number":
        return float(value.children[0])
    if kind == "negative":
        return -float(value.children[0])
    if kind == "word" and str(value.children[0]) in env:
        known = env[str(value.children[0])]
        if known != known:              # a `let` whose expression failed, reported on its own line
            raise BadValue("", code=None)
        return known
    raise BadValue(f"`{name}` takes a number, like `{example}`", at=value)


def whole_number(name: str, values: list[Tree], env: Mapping[str, float], example: str) -> int:
    value = number(name, values, env, example)
    if value != int(value):
        raise BadValue(f"`{name}` takes a whole number, like `{example}`", code=codes.BAD_NUMBER)
    return int(value)


def word(name: str, values: list[Tree], example: str) -> tuple[str, Tree]:
    value = _one(name, values, example)
    if value.data != "word":
        raise BadValue(f"`{name}` takes a word, like `{example}`", at=value)
    return str(value.children[0]), value


def words_or_text(name: str, values: list[Tree], example: str) -> tuple[str, bool, Tree]:
    """(text, free_words, node): a bare word, or a quoted phrase of free words."""
    value = _one(name, values, example)
    if value.data == "word":
        return str(value.children[0]), False, value
    if value.data == "text":
        return unquote(value.children[0]), True, value
    raise BadValue(f"`{name}` takes a word or quoted words, like `{example}`", at=value)


def choice(name: str, values: list[Tree], allowed: tuple[str, ...], what: str, example: str) -> str:
    text, node = word(name, values, example)
    if text not in allowed:
        raise BadValue(f"`{text}` is not {what}{did_you_mean(text, allowed)}",
                       help=f"choose one of {one_of(allowed)}", code=codes.UNKNOWN_VALUE, at=node)
    return text


def color(values: list[Tree]) -> str:
    value = _one("color", values, "color red")
    if value.data == "hex":
        return str(value.children[0]).lower()
    if value.data == "word":
        text = str(value.children[0])
        if vocab.is_color(text):
            return text
        raise BadValue(f"`{text}` is not a color{did_you_mean(text, vocab.COLORS)}",
                       help=f"use one of {one_of(vocab.COLORS, 13)}, or `#rrggbb`", code=codes.UNKNOWN_VALUE,
                       at=value)
    raise BadValue("`color` takes a color name or `#rrggbb`, like `color red`", at=value)


def vocabulary_word(text: str, free_words: bool, allowed: tuple[str, ...], what: str, node: Tree) -> None:
    """A bare word must be in the vocabulary; quoted words may say anything (W005 judges them later)."""
    if not free_words and text not in allowed:
        raise BadValue(f"`{text}` is not {what} the built-in world knows{did_you_mean(text, allowed)}",
                       help=f'write free words in quotes to describe anything (`"{text}"`), '
                            f"or use one of {one_of(allowed)}", code=codes.UNKNOWN_VALUE, at=node)


# ---------------------------------------------------------------------------------------------------------------
# Attribute lists
# ---------------------------------------------------------------------------------------------------------------

def read(attrs: Tree | None, allowed: tuple[str, ...], owner: str, file: str, report: Report,
         apply: Callable[[str, list[Tree], Tree], None]) -> None:
    """Call `apply(name, values, attr_node)` for each attribute of `attrs`, reporting unknown and repeated names
    and any BadValue that `apply` raises."""
    if attrs is None:
        return
    seen: dict[str, int] = {}
    for attr in attrs.children:
        name_token, values = attr.children[0], list(attr.children[1:])
        name = str(name_token)
        line, column = position(name_token)
        if name not in allowed:
            report(codes.UNKNOWN_ATTRIBUTE, line, column,
                   f"`{name}` is not an attribute of {owner}{did_you_mean(name, allowed)}",
                   f"{owner} takes {one_of(allowed)}")
            continue
        if name in seen:
            report(codes.DUPLICATE_DEFINITION, line, column, f"`{name}` is already given on line {seen[name]}",
                   "keep one of them")
            continue
        seen[name] = line
        try:
            apply(name, values, attr)
        except BadValue as bad:
            if bad.code is None:
                continue
            at_line, at_column = position(bad.at) if bad.at is not None else (line, column)
            report(bad.code, at_line, at_column, bad.message, bad.help)


def video_settings(attrs: Tree | None, env: Mapping[str, float], file: str, report: Report) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    style_sites: list[tuple[str, bool, int, int]] = []

    def apply(name: str, values: list[Tree], attr: Tree) -> None:
        if name == "size":
            if _spaced_size(values):
                width, height = (str(values[0].children[0]), str(values[2].children[0]))
                raise BadValue("`size` takes one value, like `size 128x128`",
                               help=f"write `size {width}x{height}`, without spaces around the `x`")
            value = _one("size", values, "size 128x128")
            if value.data != "dimension":
                raise BadValue("the frame size is written `WIDTHxHEIGHT`, like `size 128x128`", at=value)
            width, height = (int(part) for part in str(value.children[0]).split("x"))
            if width % FRAME_MULTIPLE or height % FRAME_MULTIPLE:
                raise BadValue(f"the frame size must be a multiple of {FRAME_MULTIPLE} in each dimension "
                               f"({width}x{height} is not)", code=codes.BAD_FRAME_SIZE, at=value,
                               help=f"try `size {_round8(width)}x{_round8(height)}`")
            if not (MIN_FRAME_SIDE <= width <= MAX_FRAME_SIDE and MIN_FRAME_SIDE <= height <= MAX_FRAME_SIDE):
                raise BadValue(f"the frame size must be between {MIN_FRAME_SIDE} and {MAX_FRAME_SIDE} pixels "
                               f"in each dimension", code=codes.BAD_FRAME_SIZE, at=value)
            settings["width"], settings["height"] = width, height
        elif name == "fps":
            fps = whole_number("fps", values, env, "fps 12")
            if not 1 <= fps <= MAX_FPS:
                raise BadValue(f"`fps` must be between 1 and {MAX_FPS}", code=codes.BAD_NUMBER,
                               help="fps is frames per second, like `fps 12` or `fps 24`")
            settings["fps"] = fps
        elif name == "seed":
            seed_range = f"`seed` must be a whole number from 0 to {MAX_SEED}"
            try:
                seed = whole_number("seed", values, env, "seed 42")
            except BadValue as bad:
                if bad.code is codes.BAD_NUMBER:
                    raise BadValue(seed_range, "like `seed 42`", code=codes.BAD_NUMBER) from None
                raise
            if not 0 <= seed <= MAX_SEED:
                raise BadValue(seed_range, "like `seed 42`", code=codes.BAD_NUMBER)
            settings["seed"] = seed
        elif name == "style":
            text, free, node = words_or_text("style", values, "style pastel")
            vocabulary_word(text, free, vocab.STYLES, "a style", node)
            settings["style"] = text
            style_sites.append((text, free, *position(node)))

    read(attrs, VIDEO_ATTRIBUTES, "the video", file, report, apply)
    settings["_style_sites"] = style_sites
    return settings


def _spaced_size(values: list[Tree]) -> bool:
    """`size 128 x 128`: a width, the word `x` and a height, written apart."""
    return (len(values) == 3 and values[0].data == "number" == values[2].data and values[1].data == "word"
            and str(values[1].children[0]) == "x")


def entity_attributes(attrs: Tree | None, env: Mapping[str, float], file: str, report: Report) -> dict[str, Any]:
    result: dict[str, Any] = {}

    def apply(name: str, values: list[Tree], attr: Tree) -> None:
        if name == "color":
            result["color"] = color(values)
        elif name == "size":
            size = number("size", values, env, "size 0.2")
            if size <= 0:
                raise BadValue("an entity's size must be greater than 0", code=codes.BAD_NUMBER,
                               help="size is the height as a fraction of the frame height, like `size 0.2`")
            result["size"] = size
        elif name == "style":
            text, free, node = words_or_text("style", values, "style pastel")
            vocabulary_word(text, free, vocab.STYLES, "a style", node)
            result["style"] = text
            result["_style_site"] = (text, free, *position(node))
        elif name == "look":
            text, _free, _node = words_or_text("look", values, 'look "wings spread wide"')
            result["look"] = text
        elif name == "layer":
            result["layer"] = whole_number("layer", values, env, "layer -1")

    read(attrs, ENTITY_ATTRIBUTES, "an entity", file, report, apply)
    return result


def background_attributes(attrs: Tree | None, env: Mapping[str, float], file: str,
                          report: Report) -> dict[str, Any]:
    result: dict[str, Any] = {}

    def apply(name: str, values: list[Tree], attr: Tree) -> None:
        if name == "time":
            result["time"] = choice("time", values, vocab.TIMES_OF_DAY, "a time of day", "time sunset")
        elif name == "weather":
            result["weather"] = choice("weather", values, vocab.WEATHERS, "a weather", "weather rain")
        elif name == "color":
            result["color"] = color(values)
        elif name == "motion":
            if not values or len(values) > 2:
                raise BadValue("`motion` takes a kind and an optional strength, like `motion waves 0.5`")
            result["motion"] = choice("motion", values[:1], vocab.BACKGROUND_MOTIONS, "a background motion",
                                      "motion waves 0.5")
            if len(values) == 2:
                strength = number("motion strength", values[1:], env, "motion waves 0.5")
                if strength < 0:
                    raise BadValue("a motion's strength must be 0 or more", code=codes.BAD_NUMBER, at=values[1])
                result["strength"] = strength

    read(attrs, BACKGROUND_ATTRIBUTES, "a background", file, report, apply)
    return result


def _round8(value: int) -> int:
    return max(MIN_FRAME_SIDE, min(MAX_FRAME_SIDE, int(round(value / FRAME_MULTIPLE)) * FRAME_MULTIPLE))
