"""Hypothesis strategies for the scene language: random valid IR scenes, random source programs that use every
construct in a random layout, and damaged versions of the conformance programs.

- `scenes()`: `hvg.ir.Scene`s that the checker accepts without errors (for `unparse` round trips);
- `programs()`: source text with lets, groups, loops, chunks, keys, comments, `;` and odd spacing (for `fmt`);
- `damaged_texts()`: random printable text and conformance programs with characters or tokens inserted, deleted
  or swapped (for "never crash, never hang").
"""
from __future__ import annotations

import copy
import string
from pathlib import Path

from hypothesis import strategies as st

from hvg import ir, vocab

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"


def canonical_instances(dump: dict) -> dict:
    """A `semantic_dump` with `uses` dropped and each instance renamed `entity#k` (k-th instance of that entity
    in order of first appearance): equal for programs that place the same things the same way, whatever the
    instances are called. (`unparse` cannot write back names made by group calls.)"""
    dump = copy.deepcopy(dump)
    dump.pop("uses", None)
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    placements = [p for block in dump["blocks"]
                  for p in [*block["placements"], *(q for chunk in block["chunks"] for q in chunk["placements"])]]
    for placement in placements:
        if placement["instance"] not in names:
            counts[placement["entity"]] = counts.get(placement["entity"], 0) + 1
            names[placement["instance"]] = f"{placement['entity']}#{counts[placement['entity']] - 1}"
    for placement in placements:
        placement["instance"] = names[placement["instance"]]
    return dump


# ---------------------------------------------------------------------------------------------------------------
# Small pieces
# ---------------------------------------------------------------------------------------------------------------

# Strings as a writer (or a language model) might type them: quotes and backslashes included, no line breaks.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)
# Names that are keywords somewhere else in the grammar are still names where a name is expected.
ENTITY_NAMES = ["ball", "e1", "_e2", "turns", "at", "moon", "in", "size", "x9"]
FRACTION = st.integers(-40, 140).map(lambda n: n / 100)       # coordinates, slightly off-screen included
POSITIVE = st.integers(1, 60).map(lambda n: n / 100)
COLORS = st.one_of(st.sampled_from(sorted(vocab.COLORS)),
                   st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}"))


def points():
    return st.tuples(FRACTION, FRACTION)


def words_or_phrase(vocabulary: tuple[str, ...]):
    return st.one_of(st.sampled_from(vocabulary), TEXT)


# ---------------------------------------------------------------------------------------------------------------
# IR scenes
# ---------------------------------------------------------------------------------------------------------------

@st.composite
def motions(draw, start: float, end: float):
    kind = draw(st.sampled_from(["at", "moves", "bounces", "orbits", "enters", "exits", "keys"]))
    if kind == "at":
        return ir.At(pos=draw(points()))
    if kind == "moves":
        return ir.Moves(path=draw(st.lists(points(), min_size=2, max_size=4)), ease=draw(st.sampled_from(vocab.EASES)))
    if kind == "bounces":
        return ir.Bounces(start=draw(points()), end=draw(points()), height=draw(POSITIVE),
                          times=draw(st.integers(1, 4)))
    if kind == "orbits":
        return ir.Orbits(center=draw(points()), radius=draw(POSITIVE),
                         turns=draw(st.integers(-8, 8).map(lambda n: n / 4)))
    if kind == "enters":
        return ir.Enters(side=draw(st.sampled_from(vocab.SIDES)), to=draw(st.none() | points()))
    if kind == "exits":
        return ir.Exits(side=draw(st.sampled_from(vocab.SIDES)))
    slots = int(round((end - start) / 0.25))           # times on a 0.25s grid are exact binary fractions
    chosen = sorted(draw(st.sets(st.integers(0, slots - 1), min_size=1, max_size=4)))
    return ir.Keys(keys=[ir.Keyframe(time=start + 0.25 * k, pos=draw(points())) for k in chosen])


@st.composite
def placements(draw, entities: list[str], instances: list[str], start: float, end: float):
    """One placement per instance in `instances` (so no instance has two statements at a time)."""
    made = []
    for instance in instances:
        entity = instance.split("@")[0].split("[")[0]
        assert entity in entities
        made.append(ir.Placement(
            entity=entity, instance=instance, motion=draw(motions(start, end)),
            size=draw(st.none() | st.tuples(POSITIVE, POSITIVE)), fades=draw(st.sampled_from([None, "in", "out"])),
            spins=draw(st.none() | st.integers(-360, 360).map(float)), start=start, end=end))
    return made


@st.composite
def backgrounds(draw):
    motion = draw(st.sampled_from([None, *vocab.BACKGROUND_MOTIONS]))
    kind, free = draw(st.one_of(st.tuples(st.sampled_from(vocab.BACKGROUNDS), st.just(False)),
                                st.tuples(TEXT, st.just(True))))
    return ir.Background(kind=kind, free_words=free, time=draw(st.sampled_from([None, *vocab.TIMES_OF_DAY])),
                         weather=draw(st.sampled_from([None, *vocab.WEATHERS])), color=draw(st.none() | COLORS),
                         motion=motion, strength=draw(POSITIVE) if motion else 1.0)


@st.composite
def cameras(draw):
    if draw(st.booleans()):
        return [ir.CameraOp(op="still")] if draw(st.booleans()) else []
    ops = draw(st.lists(st.sampled_from(["pan", "zoom", "shake", "rotate"]), min_size=1, max_size=4, unique=True))
    values = {"pan": points(), "zoom": POSITIVE.map(lambda z: z * 4), "shake": POSITIVE.map(lambda a: a / 10),
              "rotate": st.integers(-90, 90).map(float)}
    return [ir.CameraOp(op=op, value=draw(values[op])) for op in ops]


@st.composite
def scenes(draw) -> ir.Scene:
    names = draw(st.lists(st.sampled_from(ENTITY_NAMES), min_size=1, max_size=4, unique=True))
    entities = []
    for name in names:
        kind, free = draw(st.one_of(st.tuples(st.sampled_from(vocab.KINDS), st.just(False)),
                                    st.tuples(TEXT, st.just(True))))
        entities.append(ir.Entity(
            name=name, kind=kind, free_words=free, color=draw(st.none() | COLORS), size=draw(POSITIVE),
            style=draw(st.none() | words_or_phrase(vocab.STYLES)), look=draw(st.none() | TEXT),
            layer=draw(st.integers(-3, 3))))
    # Instances: plain ones and ones a group call would have made; the same names recur from block to block.
    pool = [n for name in names for n in (name, f"{name}@row[0]", f"{name}@row[1]", f"{name}@row#2[0]")]
    blocks, time = [], 0.0
    for _ in range(draw(st.integers(1, 3))):
        end = time + draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0]))
        chosen = draw(st.lists(st.sampled_from(pool), max_size=4, unique=True))
        split = draw(st.integers(0, len(chosen)))
        in_block, in_chunks = chosen[:split], chosen[split:]
        chunks = []
        if in_chunks:
            middle = draw(st.sampled_from([t for t in (time + 0.25 * k for k in range(1, 12)) if t < end] or [end]))
            spans = [(time, middle)] + ([(middle, end)] if middle < end else [])
            for index, (a, b) in enumerate(spans):
                mine = in_chunks[index::len(spans)]
                chunks.append(ir.Chunk(start=a, end=b, description=draw(TEXT),
                                       placements=draw(placements(names, mine, a, b))))
        blocks.append(ir.Block(start=time, end=end, description=draw(TEXT), background=draw(backgrounds()),
                               camera=draw(cameras()), style=draw(st.none() | words_or_phrase(vocab.STYLES)),
                               placements=draw(placements(names, in_block, time, end)), chunks=chunks))
        time = end
    transitions = []
    for block in blocks[1:]:
        kind = draw(st.sampled_from([None, "cut", "smooth", "crossfade"]))
        if kind:
            # At most the shortest block (0.5 s): a longer one is an error (E028).
            duration = 0.0 if kind == "cut" else draw(st.integers(1, 50)) / 100
            transitions.append(ir.Transition(time=block.start, kind=kind, duration=duration))
    video = ir.VideoSettings(title=draw(TEXT), width=8 * draw(st.integers(1, 32)), height=8 * draw(st.integers(1, 32)),
                             fps=draw(st.integers(1, 30)), seed=draw(st.integers(0, 2 ** 31)),
                             style=draw(st.none() | words_or_phrase(vocab.STYLES)))
    return ir.Scene(video=video, entities=entities, blocks=blocks, transitions=transitions)


# ---------------------------------------------------------------------------------------------------------------
# Source programs in a random layout
# ---------------------------------------------------------------------------------------------------------------
#
# A program is built as nested pieces, then written out with random spacing, separators and comments:
#   a line is a list of words; a braced piece is (header words, children, words after the `}`).

def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def numbers(draw, low: int = 0, high: int = 100) -> str:
    """A number written in one of the forms that mean the same value: `0.5`, `0.50`, `00.5`, `1`, `1.00`."""
    value = draw(st.integers(low, high)) / 100
    text = f"{value:.2f}".rstrip("0").rstrip(".") if draw(st.booleans()) else f"{value:.2f}"
    if "." in text and draw(st.booleans()):
        text += "0"
    if draw(st.integers(0, 3)) == 0:
        text = "0" + text
    return text


@st.composite
def expressions(draw, names: list[str], depth: int = 0) -> str:
    """Arithmetic over numbers and `names`, sometimes with redundant parentheses; never divides by zero."""
    choice = draw(st.integers(0, 5 if depth < 2 else 1))
    if choice == 0 or (choice == 1 and not names):
        return draw(numbers())
    if choice == 1:
        return draw(st.sampled_from(names))
    if choice == 2:
        inner = draw(expressions(names, depth + 1))
        return f"-{inner}" if inner[0] not in "-" else f"-({inner})"
    if choice == 3:
        return f"({draw(expressions(names, depth + 1))})"
    operator = draw(st.sampled_from(["+", "-", "*", "/"]))
    left = draw(expressions(names, depth + 1))
    right = draw(numbers(1, 100)) if operator == "/" else draw(expressions(names, depth + 1))
    if operator in "*/" or operator == "-":
        left, right = f"({left})", f"({right})"
    return f"{left} {operator} {right}"


@st.composite
def point_text(draw, names: list[str]) -> str:
    return f"({draw(expressions(names))}, {draw(expressions(names))})"


def _time(seconds: float) -> str:
    return f"{seconds:g}s"


@st.composite
def placement_piece(draw, entity: str, names: list[str], start: float, end: float):
    kind = draw(st.sampled_from(["at", "moves", "bounces", "orbits", "enters", "exits", "keys"]))
    if kind == "keys":
        slots = int(round((end - start) / 0.25))
        chosen = sorted(draw(st.sets(st.integers(0, max(slots - 1, 0)), min_size=1, max_size=3)))
        frames = [[_time(start + 0.25 * k), draw(point_text(names))] for k in chosen]
        return ([entity, "keys"], frames, draw(modifier_words(names)))
    words = [entity, kind]
    if kind == "at":
        words.append(draw(point_text(names)))
    elif kind == "moves":
        for index in range(draw(st.integers(2, 3))):
            words += (["->"] if index else []) + [draw(point_text(names))]
        if draw(st.booleans()):
            words += ["ease", draw(st.sampled_from(vocab.EASES))]
    elif kind == "bounces":
        words += [draw(point_text(names)), "->", draw(point_text(names)), "height", draw(numbers(0, 50))]
        if draw(st.booleans()):
            words += ["times", str(draw(st.integers(1, 3)))]
    elif kind == "orbits":
        words += [draw(point_text(names)), "radius", draw(numbers(0, 40))]
        if draw(st.booleans()):
            words += ["turns", draw(expressions(names))]
    elif kind == "enters":
        words += ["from", draw(st.sampled_from(vocab.SIDES))]
        if draw(st.booleans()):
            words += ["to", draw(point_text(names))]
    else:
        words += ["to", draw(st.sampled_from(vocab.SIDES))]
    return words + draw(modifier_words(names))


@st.composite
def modifier_words(draw, names: list[str]) -> list[str]:
    words: list[str] = []
    for modifier in draw(st.lists(st.sampled_from(["size", "fades", "spins"]), max_size=3, unique=True)):
        if modifier == "size":
            words += ["size", draw(numbers(1, 50)), "->", draw(numbers(1, 50))]
        elif modifier == "fades":
            words += ["fades", draw(st.sampled_from(["in", "out"]))]
        else:
            words += ["spins", draw(expressions(names))]
    return words


@st.composite
def body_pieces(draw, entities: list[str], groups: dict[str, int], names: list[str], start: float, end: float,
                depth: int = 0) -> list:
    """Statements for a block, chunk, loop or group body. Each entity is placed at most once per body, so the
    program only conflicts where a loop repeats a plain placement (which the checker must then report the same
    way before and after formatting)."""
    pieces: list = []
    names = list(names)
    for entity in draw(st.lists(st.sampled_from(entities), max_size=3, unique=True)):
        kind = draw(st.integers(0, 4))
        if kind == 0 and depth < 2:
            variable = draw(st.sampled_from(["i", "j", "k"]))
            count = draw(st.integers(0, 3))
            inner = draw(body_pieces([entity], {}, names + [variable], start, end, depth + 1))
            pieces.append((["repeat", variable, "in", "0..", str(count)], inner or [[entity, "at", "(0.5, 0.5)"]],
                           []))
        elif kind == 1:
            variable = f"v{depth}{len(pieces)}"
            pieces.append(["let", variable, "=", draw(expressions(names))])
            names.append(variable)
            pieces.append(draw(placement_piece(entity, names, start, end)))
        else:
            pieces.append(draw(placement_piece(entity, names, start, end)))
    for group, arity in groups.items():
        if draw(st.booleans()):
            args = ", ".join(draw(expressions(names)) for _ in range(arity))
            pieces.append([f"{group}({args})"])
    return draw(st.permutations(pieces)) if pieces else pieces


@st.composite
def attribute_piece(draw, header: list[str], attributes: list[list[str]]):
    return (header, attributes, [], "attrs") if attributes or draw(st.booleans()) else header


@st.composite
def program_pieces(draw) -> list:
    pieces: list = []
    if draw(st.integers(0, 3)) == 0:     # not on disk: E024, which formatting must keep like any finding
        pieces.append(["use", _quote("lib/missing.scene")])
    video_attrs = [["size", f"{8 * draw(st.integers(1, 16))}x{8 * draw(st.integers(1, 16))}"],
                   ["fps", str(draw(st.integers(1, 24)))], ["seed", str(draw(st.integers(0, 999)))]]
    if draw(st.booleans()):
        video_attrs.append(["style", draw(st.sampled_from([*vocab.STYLES, '"soft watercolor"']))])
    pieces.append((["video", _quote(draw(TEXT))], draw(st.permutations(video_attrs)), [], "attrs"))
    entities = draw(st.lists(st.sampled_from(ENTITY_NAMES), min_size=1, max_size=3, unique=True))
    for name in entities:
        kind = draw(st.sampled_from([*vocab.KINDS[:4], '"a weathered fishing boat"', '"a seagull"']))
        attrs = []
        if draw(st.booleans()):
            attrs.append(["color", draw(st.sampled_from(["red", "blue", "#ff8800"]))])
        if draw(st.booleans()):
            attrs.append(["size", draw(numbers(5, 40))])
        if draw(st.booleans()):
            attrs.append(["layer", str(draw(st.integers(-2, 2)))])
        if draw(st.booleans()):
            attrs.append(["look", _quote(draw(TEXT))])
        pieces.append(draw(attribute_piece(["entity", name, "=", kind], attrs)))
    lets: list[str] = []
    for index in range(draw(st.integers(0, 2))):
        pieces.append(["let", f"k{index}", "=", draw(expressions(lets))])
        lets.append(f"k{index}")
    groups: dict[str, int] = {}
    for index in range(draw(st.integers(0, 2))):
        params = [f"p{n}" for n in range(draw(st.integers(0, 2)))]
        body = draw(body_pieces(entities, dict(groups), lets + params, 0.0, 1.0, 1))
        pieces.append(([f"group g{index}({', '.join(params)})"], body, []))
        groups[f"g{index}"] = len(params)
    time = 0.0
    boundaries = []
    for index in range(draw(st.integers(1, 3))):
        end = time + draw(st.sampled_from([1.0, 1.5, 2.0]))
        body: list = []
        if draw(st.booleans()):
            attrs = [["time", draw(st.sampled_from(vocab.TIMES_OF_DAY))]] if draw(st.booleans()) else []
            if draw(st.booleans()):
                attrs.append(["motion", draw(st.sampled_from(vocab.BACKGROUND_MOTIONS)), draw(numbers(0, 100))])
            body.append(draw(attribute_piece(["background", draw(st.sampled_from(["beach", '"a misty harbor"']))],
                                             attrs)))
        if draw(st.booleans()):
            body.append(["camera", draw(st.sampled_from(["still", "pan (0.05, 0)", "zoom 1.2 shake 0.02",
                                                         "rotate -10"]))])
        if draw(st.booleans()):
            body.append(["style", draw(st.sampled_from(["noir", '"soft watercolor"']))])
        body += draw(body_pieces(entities, groups, lets, time, end))
        if draw(st.booleans()):
            middle = time + 0.5
            chunk = draw(body_pieces(entities, groups, lets, middle, end))
            body.append((["chunk", f"{_time(middle)}..{_time(end)}", _quote(draw(TEXT))], chunk, []))
        pieces.append((["block", f"{_time(time)}..{_time(end)}", _quote(draw(TEXT))], body, []))
        if index:
            boundaries.append(time)
        time = end
    for boundary in boundaries:
        kind = draw(st.sampled_from([None, "cut", "smooth", "crossfade"]))
        if kind:
            pieces.append(["transition", _time(boundary), kind] + ([] if kind == "cut" else ["0.5s"]))
    return pieces


COMMENT = st.sampled_from(["# note", "#", "# a 'quoted' { brace } ; here", "# no color #ff8800 here"])


class _Writer:
    """Writes pieces with layout drawn at random: spaces, `;` or new lines, indentation, comments."""

    def __init__(self, draw):
        self.draw = draw

    def space(self) -> str:
        return self.draw(st.sampled_from([" ", " ", "  ", "\t"]))

    def separator(self, indent: str) -> str:
        """What may stand between two statements: a new line (maybe with comments or blank lines) or `;`."""
        kind = self.draw(st.integers(0, 5))
        if kind == 0:
            return self.draw(st.sampled_from([";", "; ", " ; "]))
        if kind == 1:
            return f"{self.space()}{self.draw(COMMENT)}\n{indent}"
        if kind == 2:
            return f"\n{indent}{self.draw(COMMENT)}\n\n{indent}"
        return "\n" * self.draw(st.integers(1, 3)) + indent

    def words(self, words: list[str]) -> str:
        return self.space().join(words) if self.draw(st.booleans()) else " ".join(words)

    def piece(self, piece, indent: str) -> str:
        if isinstance(piece, list):
            return self.words(piece)
        header, children, after, *kind = piece
        inner = indent + "  "
        separator = (lambda: self.draw(st.sampled_from(["", " ", "\n" + inner]))) if kind == ["keys"] else \
            (lambda: self.separator(inner))
        text = self.words(header) + self.space() + "{"
        if children:
            text += self.draw(st.sampled_from(["", " ", "\n" + inner])) if kind != ["keys"] else " "
            if text.endswith("{"):
                text += " "
            text += separator().join(self.piece(child, inner) for child in children)
            text += self.draw(st.sampled_from([" ", "\n" + indent, ";\n" + indent]))
        text += "}"
        if after:
            text += " " + self.words(after)
        return text


def _keys_as_pieces(piece):
    """`placement_piece` returns keys as (header, frames, modifiers); mark them so the writer lays them out as
    keyframes (no `;` needed between them)."""
    if isinstance(piece, tuple) and len(piece) == 3 and piece[0][-1:] == ["keys"]:
        return (piece[0], piece[1], piece[2], "keys")
    if isinstance(piece, tuple):
        return (piece[0], [_keys_as_pieces(child) for child in piece[1]], *piece[2:])
    return piece


@st.composite
def programs(draw) -> str:
    """Source text of a random program that uses every construct of the language, laid out at random."""
    writer = _Writer(draw)
    pieces = [_keys_as_pieces(piece) for piece in draw(program_pieces())]
    text = draw(st.sampled_from(["", "\n", "# header\n", ";\n"]))
    text += writer.separator("").join(writer.piece(piece, "") for piece in pieces)
    return text + draw(st.sampled_from(["", "\n", "\n\n", "  # the end\n"]))


# ---------------------------------------------------------------------------------------------------------------
# Damaged texts
# ---------------------------------------------------------------------------------------------------------------

def conformance_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for folder in ("ok", "warn", "err")
            for p in sorted((CONFORMANCE / folder).rglob("*.scene"))]


TOKENS = ["{", "}", "(", ")", ",", ";", "\n", "..", "->", "-", "/", "0", "0s", "1e9", "999999999", '"', "#",
          "block", "entity", "group", "repeat", "use", "keys", "at", "moves", "chunk", "let", "x", "=", "\\",
          "#ff0000", "64x64", "0.5", "in", "video", "\t", "\x00", "é", "🙂"]


@st.composite
def damaged_texts(draw) -> str:
    """Random printable text, or a conformance program with a few random insertions, deletions and swaps."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(alphabet=string.printable, max_size=300))
    text = draw(st.sampled_from(conformance_texts()))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["insert", "delete", "swap", "duplicate"]))
        at = draw(st.integers(0, len(text)))
        if operation == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=3)) + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        elif operation == "swap":
            words = text.split(" ")
            if len(words) > 2:
                i, j = draw(st.integers(0, len(words) - 1)), draw(st.integers(0, len(words) - 1))
                words[i], words[j] = words[j], words[i]
                text = " ".join(words)
        else:
            end = min(len(text), at + draw(st.integers(1, 80)))
            text = text[:end] + text[at:end] + text[end:]
    return text
