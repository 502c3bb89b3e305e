"""`unparse`: a checked IR `Scene` printed back as canonical, formatted scene source.

This is for generated programs: the planner asks a language model for JSON that matches the IR's schema and turns
it into a `.scene` file with `unparse`, and tests use it to build source from random scenes. It is not a
formatter for hand-written programs (that is `hvg.lang.fmt`, which keeps comments, `let`, groups and `use`):
the IR has every `let` evaluated, every group expanded and every `use` inlined, so the source printed here is
flat. In particular:

- `use` files are inlined: their entities are printed in the program, and each `use` line is kept as a comment;
- a kind or background that is not a vocabulary word prints as quoted free words, even where the IR forgot to
  say `free_words` (only the quoted form can say it);
- instance names that came from group calls (`palm@palms[1]`) cannot be written back. The first instance of an
  entity prints as a plain statement; every other instance of the same entity is wrapped in a one-iteration
  `repeat`, so that it stays a distinct thing on screen (`palm[1]`, `palm[2]`, ...) and the same instance keeps
  the same name from block to block. The meaning (who is where, when, and which statements continue which)
  is kept; only the names of the extra instances change.

Numbers print minimally (`0.5`, `3s`, `1.25s`), strings are escaped (line breaks in a string become spaces, the
one change of meaning unparse makes), and the output is laid out exactly as `hvg fmt` lays it out.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

from hvg import ir, vocab

INDENT = "  "
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Words that start a statement in a block: an entity named like one of these could not be placed. (The
# contextual lexer reads every other keyword as a name where a name is expected.)
KEYWORDS = frozenset(("background", "camera", "style", "chunk", "repeat", "let"))


# ---------------------------------------------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------------------------------------------

def format_number(value: float) -> str:
    """The shortest decimal that reads back as the same float, with no exponent: 3.0 -> `3`, 0.10 -> `0.1`."""
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"cannot write {value!r} as a scene number")
    if value == 0:
        return "0"  # also -0.0: the language has no negative zero worth keeping
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_time(seconds: float) -> str:
    if seconds < 0:
        raise ValueError(f"cannot write a negative time ({seconds!r}s): the timeline starts at 0s")
    return f"{format_number(seconds)}s"


def format_point(point: ir.Point) -> str:
    return f"({format_number(point[0])}, {format_number(point[1])})"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": " ", "\r": " ", "\t": " "}


def format_string(text: str) -> str:
    """A double-quoted string literal: backslash and quote escaped. A string cannot span lines, so line breaks
    and tabs (which a generated description may hold) become spaces."""
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in text) + '"'


def format_name(name: str) -> str:
    if not IDENTIFIER.match(name) or name in KEYWORDS:
        raise ValueError(f"`{name}` cannot be written as a scene name (a letter or `_`, then letters, digits "
                         f"or `_`, and not a keyword)")
    return name


def format_word_or_phrase(text: str, vocabulary: tuple[str, ...]) -> str:
    """A vocabulary word prints bare (`pastel`), anything else as quoted free words (`"soft watercolor"`)."""
    return text if text in vocabulary else format_string(text)


def format_kind(kind: str, free_words: bool, vocabulary: tuple[str, ...]) -> str:
    """An entity kind or a background: bare when it is a vocabulary word written as one, else quoted free words
    (an IR that says `dragon` is not free words still means free words: only the quoted form can say it)."""
    return kind if not free_words and kind in vocabulary else format_string(kind)


def format_color(color: str) -> str:
    """A color is one bare word or `#rrggbb`. A name the checker does not know prints as it is (the checker then
    suggests one); text that could not even be read as one word is refused."""
    if vocab.is_color(color) or IDENTIFIER.match(color):
        return color
    raise ValueError(f"`{color}` cannot be written as a color: use a color name or #rrggbb")


# ---------------------------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------------------------

def _attributes(pairs: list[tuple[str, str]]) -> str:
    return " { " + "; ".join(f"{key} {value}" for key, value in pairs) + " }" if pairs else ""


def unparse_video(video: ir.VideoSettings) -> str:
    lines = [f"video {format_string(video.title)} {{",
             f"{INDENT}size {video.width}x{video.height}",
             f"{INDENT}fps {video.fps}",
             f"{INDENT}seed {video.seed}"]
    if video.style is not None:
        lines.append(f"{INDENT}style {format_word_or_phrase(video.style, vocab.STYLES)}")
    return "\n".join(lines + ["}"])


def unparse_entity(entity: ir.Entity) -> str:
    kind = format_kind(entity.kind, entity.free_words, vocab.KINDS)
    pairs: list[tuple[str, str]] = []
    if entity.color is not None:
        pairs.append(("color", format_color(entity.color)))
    pairs.append(("size", format_number(entity.size)))
    if entity.style is not None:
        pairs.append(("style", format_word_or_phrase(entity.style, vocab.STYLES)))
    if entity.look is not None:
        pairs.append(("look", format_string(entity.look)))
    if entity.layer:
        pairs.append(("layer", str(entity.layer)))
    return f"entity {format_name(entity.name)} = {kind}{_attributes(pairs)}"


def unparse_motion(motion) -> str:
    if isinstance(motion, ir.At):
        return f"at {format_point(motion.pos)}"
    if isinstance(motion, ir.Moves):
        text = "moves " + " -> ".join(format_point(p) for p in motion.path)
        return text + (f" ease {motion.ease}" if motion.ease != "linear" else "")
    if isinstance(motion, ir.Bounces):
        return (f"bounces {format_point(motion.start)} -> {format_point(motion.end)} "
                f"height {format_number(motion.height)} times {motion.times}")
    if isinstance(motion, ir.Orbits):
        return (f"orbits {format_point(motion.center)} radius {format_number(motion.radius)} "
                f"turns {format_number(motion.turns)}")
    if isinstance(motion, ir.Enters):
        return f"enters from {motion.side}" + (f" to {format_point(motion.to)}" if motion.to is not None else "")
    if isinstance(motion, ir.Exits):
        return f"exits to {motion.side}"
    if isinstance(motion, ir.Keys):
        return "keys {}"  # written by unparse_placement: keyframes go on their own lines
    raise TypeError(f"unknown motion {type(motion).__name__}")


def _modifiers(placement: ir.Placement) -> str:
    parts = []
    if placement.size is not None:
        parts.append(f"size {format_number(placement.size[0])} -> {format_number(placement.size[1])}")
    if placement.fades is not None:
        parts.append(f"fades {placement.fades}")
    if placement.spins is not None:
        parts.append(f"spins {format_number(placement.spins)}")
    return "".join(" " + part for part in parts)


def unparse_placement(placement: ir.Placement, indent: str) -> list[str]:
    name = format_name(placement.entity)
    motion = placement.motion
    if isinstance(motion, ir.Keys):
        lines = [f"{indent}{name} keys {{"]
        lines += [f"{indent}{INDENT}{format_time(key.time)} {format_point(key.pos)}" for key in motion.keys]
        return lines + [f"{indent}}}{_modifiers(placement)}"]
    return [f"{indent}{name} {unparse_motion(motion)}{_modifiers(placement)}"]


def unparse_background(background: ir.Background) -> str:
    kind = format_kind(background.kind, background.free_words, vocab.BACKGROUNDS)
    pairs: list[tuple[str, str]] = []
    if background.time is not None:
        pairs.append(("time", background.time))
    if background.weather is not None:
        pairs.append(("weather", background.weather))
    if background.color is not None:
        pairs.append(("color", format_color(background.color)))
    if background.motion is not None:
        pairs.append(("motion", f"{background.motion} {format_number(background.strength)}"))
    return f"background {kind}{_attributes(pairs)}"


def unparse_camera(ops: list[ir.CameraOp]) -> str | None:
    if not ops:
        return None
    words = []
    for op in ops:
        value = op.value
        if op.op == "still":
            words.append("still")
        elif op.op == "pan" and isinstance(value, tuple):
            words.append(f"pan {format_point(value)}")
        elif op.op != "pan" and isinstance(value, (int, float)):
            words.append(f"{op.op} {format_number(value)}")
        else:
            wanted = "a point (dx, dy)" if op.op == "pan" else "a number"
            raise ValueError(f"camera `{op.op}` takes {wanted}, not {value!r}")
    return "camera " + " ".join(words)


class _InstanceNamer:
    """How each instance is written: an entity's plain instance as a plain statement, the others in a
    one-iteration `repeat` whose index keeps them apart (`palm[1]`, `palm[2]`, ...)."""

    def __init__(self, scene: ir.Scene):
        instances: dict[str, list[str]] = {}
        for block in scene.blocks:
            for placement in block.all_placements():
                seen = instances.setdefault(placement.entity, [])
                if placement.instance not in seen:
                    seen.append(placement.instance)
        self.number: dict[str, int] = {}
        for entity, names in instances.items():
            plain = entity if entity in names else names[0]
            others = [name for name in names if name != plain]
            self.number.update({name: index for index, name in enumerate(others, start=1)})

    def wrap(self, placement: ir.Placement, lines: list[str], indent: str) -> list[str]:
        number = self.number.get(placement.instance)
        if number is None:
            return lines
        inner = [INDENT + line for line in lines]
        return [f"{indent}repeat i in {number}..{number + 1} {{", *inner, f"{indent}}}"]


def _placements(placements: list[ir.Placement], namer: _InstanceNamer, indent: str) -> list[str]:
    lines: list[str] = []
    for placement in placements:
        lines += namer.wrap(placement, unparse_placement(placement, indent), indent)
    return lines


def unparse_block(block: ir.Block, namer: _InstanceNamer) -> str:
    lines = [f"block {format_time(block.start)}..{format_time(block.end)} {format_string(block.description)} {{",
             f"{INDENT}{unparse_background(block.background)}"]
    camera = unparse_camera(block.camera)
    if camera:
        lines.append(f"{INDENT}{camera}")
    if block.style is not None:
        lines.append(f"{INDENT}style {format_word_or_phrase(block.style, vocab.STYLES)}")
    lines += _placements(block.placements, namer, INDENT)
    for chunk in block.chunks:
        head = f"{INDENT}chunk {format_time(chunk.start)}..{format_time(chunk.end)} {format_string(chunk.description)}"
        inner = _placements(chunk.placements, namer, INDENT * 2)
        lines += [head + " {", *inner, f"{INDENT}}}"] if inner else [head + " {}"]
    return "\n".join(lines + ["}"])


def unparse_transition(transition: ir.Transition) -> str:
    text = f"transition {format_time(transition.time)} {transition.kind}"
    if transition.kind != "cut":  # a cut has no duration to write
        text += f" {format_time(transition.duration)}"
    return text


def unparse(scene: ir.Scene) -> str:
    """The scene as canonical source text (ends with a newline). Raises ValueError for a name or number that
    has no source form (a keyword as an entity name, an infinite coordinate)."""
    sections: list[str] = []
    if scene.uses:
        sections.append("\n".join(f"# use {format_string(path)} (inlined below)" for path in scene.uses))
    sections.append(unparse_video(scene.video))
    if scene.entities:
        sections.append("\n".join(unparse_entity(entity) for entity in scene.entities))
    namer = _InstanceNamer(scene)
    sections += [unparse_block(block, namer) for block in scene.blocks]
    if scene.transitions:
        sections.append("\n".join(unparse_transition(t) for t in scene.transitions))
    return "\n\n".join(sections) + "\n"
