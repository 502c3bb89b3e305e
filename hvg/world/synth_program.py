"""Random scene programs for training data: valid by construction and covering the whole vocabulary.

`random_scene(rng)` builds an IR `Scene`; `random_program(rng)` prints it as source with `hvg.lang.unparse`.
"Valid by construction" means `hvg check` finds no errors and no warnings:

- blocks tile [0, duration) on a half-second grid; chunks lie inside their block; keyframes inside their span;
- one statement per instance at a time (an entity is placed either for the whole block or in its one chunk);
- no teleports: a statement that touches the instance's previous one starts where that one ended (so `enters`,
  which starts off-screen, only follows a rest, and an instance that `exits` rests next and does not `exits`
  again before something else brings it back on screen);
- positions inside the frame's [0.1, 0.9] square, orbits and bounce arcs kept inside [0.05, 0.95];
- speed (`hvg.motion.path_length` / duration) under 1.5 frame widths a second (the warning is at 2);
- every entity placed, and free words always made of a vocabulary word or synonym.

Every choice is a uniform draw over its vocabulary (kinds, backgrounds, times, weathers, background motions,
styles, colors, motion types, eases, sides, modifiers, camera operations, transition kinds), so a few hundred
programs cover everything; tests/world/test_synth.py checks that with a chi-square test.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hvg import ir, motion, vocab
from hvg.lang.unparse import unparse

GRID = 0.5                       # seconds: block, chunk and keyframe times fall on this grid
MAX_SPEED = 1.5                  # frame widths a second; the checker warns at 2
MOTION_TYPES = ("at", "moves", "bounces", "orbits", "enters", "exits", "keys")
FREE_MOTIONS = MOTION_TYPES      # a statement that touches nothing may start anywhere
CONTINUING_MOTIONS = ("at", "moves", "bounces", "orbits", "exits", "keys")   # must start where it was
TRANSITION_KINDS = ("cut", "smooth", "crossfade")
KIND_ADJECTIVES = ("small", "bright", "shiny", "little", "weathered", "tiny", "big", "lonely")
BACKGROUND_ADJECTIVES = ("quiet", "misty", "wide", "calm", "busy", "distant")
STYLE_ADJECTIVES = ("muted", "bold", "gentle")
LOOKS = ("with a stripe", "slightly worn", "glossy", "with big eyes", "wings spread wide", "freshly painted")
VERBS = {"at": "rests", "moves": "moves", "bounces": "bounces", "orbits": "circles", "enters": "comes in",
         "exits": "leaves", "keys": "wanders"}


@dataclass
class ProgramConfig:
    """What `random_scene` draws from. Durations are seconds."""
    size: tuple[int, int] = (128, 128)
    fps: int = 12
    duration: tuple[float, float] = (2.0, 6.0)
    max_blocks: int = 3
    max_entities: int = 4
    p_free_words: float = 0.25       # a kind, background or style written as free words
    p_chunk: float = 0.15            # an entity placed only in the block's chunk
    p_rest: float = 0.15             # an entity not placed in a block (after the first)
    p_modifier: float = 0.2          # each of size, fades, spins
    p_camera: float = 0.6            # a block with a camera statement
    p_transition: float = 0.5        # an explicit transition at a block boundary


@dataclass
class _Instance:
    """Where an entity's single instance was last, so the next statement can continue from there."""
    entity: ir.Entity
    kind: str
    last_end_time: float | None = None
    last_end_pos: ir.Point | None = None
    gone: bool = False               # it exited: it rests before it comes back
    motions: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------------
# Small draws
# ---------------------------------------------------------------------------------------------------------------

def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _round(value: float, digits: int = 3) -> float:
    return float(round(float(value), digits))


def _point(rng: np.random.Generator, low: float = 0.1, high: float = 0.9) -> ir.Point:
    return (_round(rng.uniform(low, high)), _round(rng.uniform(low, high)))


def _color(rng: np.random.Generator) -> str:
    if rng.random() < 0.1:
        return "#" + "".join(f"{int(c):02x}" for c in rng.integers(0, 256, size=3))
    return _pick(rng, tuple(vocab.COLORS))


def _free_words(rng: np.random.Generator, item: str, synonyms: dict[str, str], adjectives: tuple[str, ...]) -> str:
    """A phrase that the vocabulary's synonyms map back onto `item` ("a weathered ship" -> boat)."""
    words = [item, *(word for word, target in synonyms.items() if target == item)]
    return f"a {_pick(rng, adjectives)} {_pick(rng, words)}"


# ---------------------------------------------------------------------------------------------------------------
# Definitions
# ---------------------------------------------------------------------------------------------------------------

def _entities(rng: np.random.Generator, config: ProgramConfig) -> list[ir.Entity]:
    count = int(rng.integers(1, config.max_entities + 1))
    kinds = [_pick(rng, vocab.KINDS) for _ in range(count)]
    entities = []
    for index, kind in enumerate(kinds):
        free = rng.random() < config.p_free_words
        entities.append(ir.Entity(
            name=f"{kind}{index}",
            kind=_free_words(rng, kind, vocab.KIND_SYNONYMS, KIND_ADJECTIVES) if free else kind,
            free_words=free,
            color=_color(rng) if rng.random() < 0.85 else None,
            size=_round(rng.uniform(0.06, 0.25)),
            style=_style(rng, config) if rng.random() < 0.1 else None,
            look=_pick(rng, LOOKS) if rng.random() < 0.15 else None,
            layer=int(_pick(rng, (-1, 0, 0, 0, 1, 2)))))
    return entities


def _style(rng: np.random.Generator, config: ProgramConfig) -> str:
    style = _pick(rng, vocab.STYLES)
    if rng.random() < config.p_free_words:
        return _free_words(rng, style, vocab.STYLE_SYNONYMS, STYLE_ADJECTIVES)
    return style


def _background(rng: np.random.Generator, config: ProgramConfig) -> ir.Background:
    kind = _pick(rng, vocab.BACKGROUNDS)
    free = rng.random() < config.p_free_words
    motion_kind = _pick(rng, vocab.BACKGROUND_MOTIONS) if rng.random() < 0.6 else None
    strength = _round(rng.uniform(0.1, 1.0), 2)
    return ir.Background(
        kind=_free_words(rng, kind, vocab.BACKGROUND_SYNONYMS, BACKGROUND_ADJECTIVES) if free else kind,
        free_words=free,
        time=_pick(rng, vocab.TIMES_OF_DAY) if rng.random() < 0.7 else None,
        weather=_pick(rng, vocab.WEATHERS) if rng.random() < 0.6 else None,
        color=_color(rng) if rng.random() < 0.15 else None,
        motion=motion_kind,
        strength=strength if motion_kind else 1.0)   # a strength is written only with a motion


def _camera(rng: np.random.Generator, config: ProgramConfig) -> list[ir.CameraOp]:
    if rng.random() >= config.p_camera:
        return []
    op = _pick(rng, vocab.CAMERA_OPS)
    if op == "still":
        return [ir.CameraOp(op="still")]
    ops = [op, *(o for o in ("pan", "zoom", "shake", "rotate") if o != op and rng.random() < 0.2)]
    values = {"pan": lambda: (_round(rng.uniform(-0.05, 0.05)), _round(rng.uniform(-0.05, 0.05))),
              "zoom": lambda: _round(rng.uniform(0.8, 1.5), 2),
              "shake": lambda: _round(rng.uniform(0.005, 0.03)),
              "rotate": lambda: _round(rng.uniform(-10, 10), 1)}
    return [ir.CameraOp(op=o, value=values[o]()) for o in ops]


def _block_bounds(rng: np.random.Generator, config: ProgramConfig) -> list[float]:
    """Block boundaries on the half-second grid, each block at least a second long."""
    low, high = (int(np.ceil(config.duration[0] / GRID)), int(np.floor(config.duration[1] / GRID)))
    steps = int(rng.integers(max(low, 2), max(high, 2) + 1))
    n_blocks = int(rng.integers(1, min(config.max_blocks, steps // 2) + 1))
    # n_blocks pieces of >= 2 grid steps: give each 2, spread the rest at random
    extra = rng.multinomial(steps - 2 * n_blocks, np.ones(n_blocks) / n_blocks)
    cuts = np.cumsum(2 + extra)
    return [0.0, *(float(c * GRID) for c in cuts)]


# ---------------------------------------------------------------------------------------------------------------
# Motions
# ---------------------------------------------------------------------------------------------------------------

def _fast(placement: ir.Placement, state: _Instance, frame_aspect: float) -> bool:
    length = motion.path_length(placement, state.last_end_pos, entity_size=state.entity.size, kind=state.kind,
                                frame_aspect=frame_aspect)
    return length / (placement.end - placement.start) > MAX_SPEED


def _motion(rng: np.random.Generator, kind: str, start: ir.Point | None, begin: float, end: float):
    """One motion of type `kind` starting at `start` (anywhere when None), or None when it cannot fit."""
    if kind == "at":
        return ir.At(pos=start or _point(rng))
    if kind == "moves":
        path = [start or _point(rng), *(_point(rng) for _ in range(int(rng.integers(1, 3))))]
        return ir.Moves(path=path, ease=_pick(rng, vocab.EASES))
    if kind == "bounces":
        a = start or _point(rng, 0.1, 0.9)
        b = (_round(rng.uniform(0.1, 0.9)), _round(np.clip(a[1] + rng.uniform(-0.1, 0.1), 0.1, 0.9)))
        room = min(a[1], b[1]) - 0.05
        if room < 0.03:
            return None
        return ir.Bounces(start=a, end=b, height=_round(rng.uniform(0.02, min(room, 0.3))),
                          times=int(rng.integers(1, 4)))
    if kind == "orbits":
        p = start or _point(rng)
        # the orbit starts right of its centre: centre = p - (r, 0); keep the whole circle in [0.05, 0.95]
        r_max = min((p[0] - 0.05) / 2, p[1] - 0.05, 0.95 - p[1], 0.3)
        if r_max < 0.04:
            return None
        r = _round(rng.uniform(0.04, r_max))
        return ir.Orbits(center=(_round(p[0] - r), p[1]), radius=r, turns=float(_pick(rng, (0.5, 1.0, 1.5, 2.0))))
    if kind == "enters":
        return ir.Enters(side=_pick(rng, vocab.SIDES), to=_point(rng) if rng.random() < 0.6 else None)
    if kind == "exits":
        return ir.Exits(side=_pick(rng, vocab.SIDES))
    if kind == "keys":
        slots = np.arange(begin, end - 1e-9, GRID / 2)
        count = int(rng.integers(2, min(4, len(slots)) + 1)) if len(slots) >= 2 else 1
        times = sorted({float(begin), *(float(t) for t in rng.choice(slots[1:], size=count - 1, replace=False))}) \
            if count > 1 else [float(begin)]
        first = start or _point(rng)
        return ir.Keys(keys=[ir.Keyframe(time=t, pos=first if i == 0 else _point(rng)) for i, t in enumerate(times)])
    raise ValueError(kind)


def _modifiers(rng: np.random.Generator, config: ProgramConfig) -> dict:
    mods: dict = {}
    if rng.random() < config.p_modifier:
        mods["size"] = (_round(rng.uniform(0.05, 0.3)), _round(rng.uniform(0.05, 0.3)))
    if rng.random() < config.p_modifier:
        mods["fades"] = _pick(rng, ("in", "out"))
    if rng.random() < config.p_modifier:
        mods["spins"] = _round(rng.uniform(-180, 180), 1)
    return mods


def _statement(rng: np.random.Generator, state: _Instance, begin: float, end: float, config: ProgramConfig
               ) -> ir.Placement | None:
    """A statement for `state`'s instance over [begin, end), continuing from where it was if it touches."""
    touching = state.last_end_time is not None and abs(state.last_end_time - begin) < 1e-9
    if touching and state.gone:
        return None
    start = state.last_end_pos if touching else None
    choices = CONTINUING_MOTIONS if touching else FREE_MOTIONS
    if state.gone:                                    # `exits` would start from where it left: off-screen
        choices = tuple(c for c in choices if c != "exits")
    frame_aspect = config.size[0] / config.size[1]
    mods = _modifiers(rng, config)
    for _ in range(8):
        kind = _pick(rng, choices)
        if kind in ("enters", "exits") and end - begin < 1.0:
            continue                                  # a frame's width in under a second is too fast
        made = _motion(rng, kind, start, begin, end)
        if made is None:
            continue
        placement = ir.Placement(entity=state.entity.name, instance=state.entity.name, motion=made,
                                 start=begin, end=end, **mods)
        if not _fast(placement, state, frame_aspect):
            return placement
    return ir.Placement(entity=state.entity.name, instance=state.entity.name,
                        motion=ir.At(pos=start or _point(rng)), start=begin, end=end, **mods)


def _advance(state: _Instance, placement: ir.Placement, frame_aspect: float) -> None:
    previous = state.last_end_pos if state.last_end_time is not None else None
    state.last_end_pos = tuple(_round(v, 9) for v in motion.end_position(
        placement, previous, entity_size=state.entity.size, kind=state.kind, frame_aspect=frame_aspect))
    state.last_end_time = placement.end
    state.gone = placement.motion.type == "exits"
    state.motions.append(placement.motion.type)


# ---------------------------------------------------------------------------------------------------------------
# Blocks and the scene
# ---------------------------------------------------------------------------------------------------------------

def _describe(placements: list[ir.Placement], states: dict[str, _Instance], background: ir.Background) -> str:
    clauses = []
    for p in placements[:3]:
        entity = states[p.entity].entity
        color = f"{entity.color} " if entity.color and not entity.color.startswith("#") else ""
        clauses.append(f"a {color}{states[p.entity].kind} {VERBS[p.motion.type]}")
    where = vocab.match_background(background.kind).item or background.kind
    text = ", ".join(clauses) if clauses else "nothing moves"
    when = {"dawn": " at dawn", "day": " by day", "sunset": " at sunset", "night": " at night"}.get(
        background.time or "", "")
    return f"{text[0].upper()}{text[1:]} over the {where}{when}"


def _block(rng: np.random.Generator, index: int, begin: float, end: float, states: dict[str, _Instance],
           previous: ir.Block | None, config: ProgramConfig) -> ir.Block:
    frame_aspect = config.size[0] / config.size[1]
    chunk_span = None
    if end - begin >= 2.0:
        first = begin + GRID * int(rng.integers(0, int((end - begin) / GRID) - 1))
        last = first + GRID * int(rng.integers(1, int((end - first) / GRID) + 1))
        chunk_span = (first, min(last, end))
    block_level, chunk_level = [], []
    for state in states.values():
        roll = rng.random()
        if index > 0 and roll < config.p_rest:
            continue
        in_chunk = chunk_span is not None and roll > 1 - config.p_chunk
        span = chunk_span if in_chunk else (begin, end)
        placement = _statement(rng, state, *span, config)
        if placement is None:
            continue
        (chunk_level if in_chunk else block_level).append(placement)
        _advance(state, placement, frame_aspect)
    background = previous.background if previous is not None and rng.random() < 0.4 else _background(rng, config)
    chunks = [ir.Chunk(start=chunk_span[0], end=chunk_span[1], placements=chunk_level,
                       description=_describe(chunk_level, states, background))] if chunk_level else []
    return ir.Block(start=begin, end=end, description=_describe(block_level + chunk_level, states, background),
                    background=background, camera=_camera(rng, config),
                    style=_style(rng, config) if rng.random() < 0.3 else None,
                    placements=block_level, chunks=chunks)


def _transitions(rng: np.random.Generator, bounds: list[float], config: ProgramConfig) -> list[ir.Transition]:
    transitions = []
    for i, time in enumerate(bounds[1:-1], start=1):
        if rng.random() >= config.p_transition:
            continue
        kind = _pick(rng, TRANSITION_KINDS)
        shortest = min(bounds[i] - bounds[i - 1], bounds[i + 1] - bounds[i])
        duration = 0.0 if kind == "cut" else _round(rng.uniform(0.25, 0.5 * shortest), 2)
        transitions.append(ir.Transition(time=time, kind=kind, duration=duration))
    return transitions


def random_scene(rng: np.random.Generator, config: ProgramConfig | None = None) -> ir.Scene:
    """A random program as IR: valid by construction (see the module docstring)."""
    config = config or ProgramConfig()
    entities = _entities(rng, config)
    states = {e.name: _Instance(e, vocab.match_kind(e.kind).item or e.kind) for e in entities}
    bounds = _block_bounds(rng, config)
    blocks: list[ir.Block] = []
    for index, (begin, end) in enumerate(zip(bounds, bounds[1:])):
        blocks.append(_block(rng, index, begin, end, states, blocks[-1] if blocks else None, config))
    video = ir.VideoSettings(title=f"Synthetic {int(rng.integers(1 << 30))}", width=config.size[0],
                             height=config.size[1], fps=config.fps, seed=int(rng.integers(1 << 31)),
                             style=_style(rng, config) if rng.random() < 0.5 else None)
    return ir.Scene(video=video, entities=entities, blocks=blocks, transitions=_transitions(rng, bounds, config))


def random_program(rng: np.random.Generator, *, size: tuple[int, int] = (128, 128), fps: int = 12,
                   duration: tuple[float, float] = (2.0, 6.0), max_blocks: int = 3, max_entities: int = 4) -> str:
    """Scene source text of a random program that `hvg check` passes clean. Same generator state, same text."""
    config = ProgramConfig(size=size, fps=fps, duration=duration, max_blocks=max_blocks, max_entities=max_entities)
    return unparse(random_scene(rng, config))
