"""Semantic checks on the built IR: one pass per rule, run in the order of `ERROR_RULES`, then `WARNING_RULES`.

Each rule is a function `(CheckContext) -> Iterable[Diagnostic]`. Warnings run only on a program without errors:
positions of a broken program are guesses, and warnings about guesses are noise. Position warnings use
`hvg.motion`, the same kinematics the renderers use, so the checker and the video agree by construction.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from hvg import ir, motion, vocab
from hvg.diagnostics import Diagnostic
from hvg.lang import codes
from hvg.lang.builder import BuildResult, seconds
from hvg.lang.limits import MAX_PIXEL_FRAMES

EPSILON = 1e-6
TELEPORT_DISTANCE = 0.05        # frame units (docs/semantics.md)
TOO_FAST_WIDTHS_PER_SECOND = 2.0
OFFSCREEN_SAMPLES = 48          # frames looked at per statement, spread evenly; positions are smooth between


@dataclass
class CheckContext:
    build: BuildResult
    file: str
    block_of: dict[int, tuple[int, int]] = field(default_factory=dict)   # id(placement) -> its block's position

    @property
    def scene(self) -> ir.Scene:
        assert self.build.scene is not None
        return self.build.scene

    @cached_property
    def valid_blocks(self) -> list[ir.Block]:
        """Blocks whose range runs forwards, by start time (then source order)."""
        blocks = [b for b in self.scene.blocks if b.end > b.start]
        return sorted(blocks, key=lambda b: (b.start, b.line))

    @cached_property
    def statements_by_instance(self) -> dict[str, list[ir.Placement]]:
        """Every placement of each instance, in time order."""
        result: dict[str, list[ir.Placement]] = {}
        for block in self.scene.blocks:
            for placement in block.all_placements():
                result.setdefault(placement.instance, []).append(placement)
                self.block_of[id(placement)] = block.line, block.column
        for placements in result.values():
            placements.sort(key=lambda p: (p.start, p.line, p.column))
        return result

    def at(self, code: codes.Code, node: ir.Node, message: str, help: str = "") -> Diagnostic:
        return code.at(self.file, node.line, node.column, message, help)


Rule = Callable[[CheckContext], Iterable[Diagnostic]]


def _num(value: float) -> str:
    """A number as a person writes it: 0.8, 3.2, 12."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _point(p: ir.Point) -> str:
    return f"({_num(p[0])}, {_num(p[1])})"


def _span(start: float, end: float) -> str:
    return f"{seconds(start)}..{seconds(end)}"


# ---------------------------------------------------------------------------------------------------------------
# Errors: the timeline
# ---------------------------------------------------------------------------------------------------------------

def backwards_ranges(ctx: CheckContext) -> Iterator[Diagnostic]:
    for block in ctx.scene.blocks:
        yield from _range(ctx, block, "block")
        for chunk in block.chunks:
            yield from _range(ctx, chunk, "chunk")


def _range(ctx: CheckContext, node: ir.Block | ir.Chunk, what: str) -> Iterator[Diagnostic]:
    if node.end < node.start:
        yield ctx.at(codes.BACKWARDS_RANGE, node, f"the {what} ends ({seconds(node.end)}) before it starts "
                     f"({seconds(node.start)})", f"swap them: `{what} {_span(node.end, node.start)}`")
    elif node.end == node.start:
        yield ctx.at(codes.BACKWARDS_RANGE, node, f"the {what} is empty: it starts and ends at "
                     f"{seconds(node.start)}", f"give it a length, like `{what} "
                     f"{_span(node.start, node.start + 1)}`")


def timeline_coverage(ctx: CheckContext) -> Iterator[Diagnostic]:
    blocks = ctx.valid_blocks
    if blocks and blocks[0].start > EPSILON:
        first = blocks[0]
        yield ctx.at(codes.TIMELINE_GAP, first, f"nothing covers {_span(0, first.start)}: the first block must "
                     f"start at 0s", f"start it at 0s: `block {_span(0, first.end)}`")
    for previous, block in zip(blocks, blocks[1:]):
        if block.start < previous.end - EPSILON:
            later, earlier = (block, previous) if (block.line, block.column) >= (previous.line, previous.column) \
                else (previous, block)
            yield ctx.at(codes.OVERLAPPING_BLOCKS, later, f"block {_span(later.start, later.end)} overlaps block "
                         f"{_span(earlier.start, earlier.end)}",
                         f"blocks follow each other: the later one starts at {seconds(previous.end)}, where the "
                         f"earlier one ends")
        elif block.start > previous.end + EPSILON:
            yield ctx.at(codes.TIMELINE_GAP, block, f"nothing covers {_span(previous.end, block.start)}: blocks "
                         f"must follow each other without gaps",
                         f"start this block at {seconds(previous.end)}, or end the one before at "
                         f"{seconds(block.start)}")


def chunks_inside_blocks(ctx: CheckContext) -> Iterator[Diagnostic]:
    for block in ctx.scene.blocks:
        if block.end <= block.start:
            continue
        for chunk in block.chunks:
            if chunk.end > chunk.start and (chunk.start < block.start - EPSILON or chunk.end > block.end + EPSILON):
                yield ctx.at(codes.CHUNK_OUTSIDE_BLOCK, chunk, f"chunk {_span(chunk.start, chunk.end)} reaches "
                             f"outside its block {_span(block.start, block.end)}",
                             f"a chunk is a part of its block: keep it within {_span(block.start, block.end)}")


def keyframes_inside_spans(ctx: CheckContext) -> Iterator[Diagnostic]:
    for block in ctx.scene.blocks:
        owners: list[tuple[str, ir.Block | ir.Chunk, list[ir.Placement]]] = [("block", block, block.placements)]
        owners += [("chunk", chunk, chunk.placements) for chunk in block.chunks]
        for what, owner, placements in owners:
            for placement in placements:
                if not isinstance(placement.motion, ir.Keys):
                    continue
                previous: ir.Keyframe | None = None
                for key in placement.motion.keys:
                    if key.time < owner.start - EPSILON or key.time > owner.end + EPSILON:
                        yield ctx.at(codes.KEYFRAME_OUTSIDE, key, f"keyframe {seconds(key.time)} lies outside "
                                     f"{what} {_span(owner.start, owner.end)}",
                                     f"keyframe times are absolute: keep them within "
                                     f"{_span(owner.start, owner.end)}")
                    elif previous is not None and key.time <= previous.time:
                        yield ctx.at(codes.KEYFRAME_OUTSIDE, key, f"keyframe {seconds(key.time)} comes after "
                                     f"{seconds(previous.time)}: keyframes must be in time order",
                                     "list keyframes from the earliest to the latest")
                    previous = key


def _nearest_boundaries(times: list[float], time: float, shown: int = 5) -> str:
    """The boundaries nearest `time`, in order; a long video's hundreds of boundaries would flood the line."""
    nearest = sorted(sorted(times, key=lambda t: abs(t - time))[:shown])
    more = len(times) - len(nearest)
    listed = ", ".join(seconds(t) for t in nearest)
    return f"the nearest are {listed}, and {more} more" if more else listed


def transitions_on_boundaries(ctx: CheckContext) -> Iterator[Diagnostic]:
    blocks = ctx.valid_blocks
    boundaries = {round(a.end, 6): (a, b) for a, b in zip(blocks, blocks[1:]) if abs(a.end - b.start) <= EPSILON}
    seen: dict[float, ir.Transition] = {}
    for transition in ctx.scene.transitions:
        key = round(transition.time, 6)
        if key not in boundaries:
            listed = _nearest_boundaries(sorted(boundaries), transition.time) or \
                "this video has no boundary between blocks"
            yield ctx.at(codes.TRANSITION_OFF_BOUNDARY, transition, f"a transition must sit on a boundary between "
                         f"blocks ({listed})", "write the time where one block ends and the next begins")
            continue
        if key in seen:
            yield ctx.at(codes.BAD_TRANSITION, transition, f"there is already a transition at "
                         f"{seconds(transition.time)} (line {seen[key].line})", "keep one")
            continue
        seen[key] = transition
        before, after = boundaries[key]
        # smooth: the first D seconds of the next block; crossfade: D seconds centred on the boundary.
        if transition.kind == "smooth":
            longest = after.end - after.start
        else:
            longest = 2 * min(before.end - before.start, after.end - after.start)
        if transition.duration > longest + EPSILON:
            yield ctx.at(codes.BAD_TRANSITION, transition, f"the {transition.kind} transition lasts "
                         f"{seconds(transition.duration)}, longer than the blocks it joins allow",
                         f"make it at most {seconds(longest)}")


def one_statement_at_a_time(ctx: CheckContext) -> Iterator[Diagnostic]:
    for instance, placements in ctx.statements_by_instance.items():
        active: list[ir.Placement] = []
        for placement in placements:
            if placement.end <= placement.start:
                continue
            active = [a for a in active if a.end > placement.start + EPSILON]
            # Statements of blocks that overlap each other are E003's finding, not this one's.
            active = [a for a in active if ctx.block_of[id(a)] == ctx.block_of[id(placement)]] if active else active
            if active:
                other = active[0]
                later, earlier = (placement, other) if (placement.line, placement.column) >= \
                    (other.line, other.column) else (other, placement)
                verb = "is already placed" if isinstance(earlier.motion, ir.At) else "already moves"
                yield ctx.at(codes.CONFLICTING_MOTIONS, later, f"`{instance}` {verb} during "
                             f"{_span(earlier.start, earlier.end)} (line {earlier.line})",
                             "an instance has one statement at a time: split the time into chunks that do not "
                             "overlap, or define another entity")
                continue
            active.append(placement)


def video_size(ctx: CheckContext) -> Iterator[Diagnostic]:
    video = ctx.scene.video
    frames = math.ceil(ctx.scene.duration * video.fps - EPSILON)
    if frames * video.width * video.height > MAX_PIXEL_FRAMES:
        yield codes.TOO_LARGE.at(ctx.file, video.line or 1, video.column or 1,
                                 f"the video is {frames} frames of {video.width}x{video.height} pixels, over the "
                                 f"limit of {MAX_PIXEL_FRAMES} pixel-frames",
                                 "use a smaller frame size, fewer frames a second, or a shorter story")


# ---------------------------------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------------------------------

def _drawn_kind(entity: ir.Entity) -> str | None:
    return vocab.match_kind(entity.kind).item if entity.free_words else entity.kind


def position_warnings(ctx: CheckContext) -> Iterator[Diagnostic]:
    """W001 teleport, W002 always off-screen and W003 too fast: one walk over each instance's statements."""
    scene = ctx.scene
    entities = {e.name: e for e in scene.entities}
    frame_aspect = scene.video.width / scene.video.height
    transition_times = {round(t.time, 6) for t in scene.transitions}
    for instance, placements in ctx.statements_by_instance.items():
        previous: ir.Placement | None = None
        previous_end: ir.Point | None = None
        for placement in placements:
            entity = entities.get(placement.entity)
            if entity is None or placement.end <= placement.start:
                continue
            kw = dict(entity_size=entity.size, kind=_drawn_kind(entity), frame_aspect=frame_aspect)
            start = motion.start_position(placement, previous_end, **kw)
            if previous is not None and previous_end is not None and abs(previous.end - placement.start) <= EPSILON:
                jump = math.dist(previous_end, start)
                # A jump between two points off the frame (exits right, then enters from the left) is unseen.
                unseen = _outside(previous_end, previous, entity, kw, 1.0) and _outside(start, placement, entity,
                                                                                        kw, 0.0)
                if jump > TELEPORT_DISTANCE and not unseen and round(placement.start, 6) not in transition_times:
                    yield ctx.at(codes.TELEPORT, placement, f"`{instance}` jumps from {_point(previous_end)} to "
                                 f"{_point(start)} at {seconds(placement.start)} with no transition",
                                 f"start it where it was, at {_point(previous_end)}, or declare "
                                 f"`transition {seconds(placement.start)} cut` if the jump is meant")
            if _always_offscreen(placement, previous_end, entity, kw, scene.video.fps):
                yield ctx.at(codes.ALWAYS_OFFSCREEN, placement, f"`{instance}` is outside the frame for the whole "
                             f"of {_span(placement.start, placement.end)}",
                             "positions run from (0, 0) at the top left to (1, 1) at the bottom right")
            duration = placement.end - placement.start
            length = _path_length(placement, previous_end, kw, duration)
            if length / duration > TOO_FAST_WIDTHS_PER_SECOND + EPSILON:
                yield ctx.at(codes.TOO_FAST, placement, f"`{instance}` crosses {_num(length)} of the frame in "
                             f"{seconds(duration)} ({_num(length / duration)} frame widths a second), too fast "
                             f"to follow", f"give it more time, at most {_num(TOO_FAST_WIDTHS_PER_SECOND)} frame "
                             f"widths a second")
            previous, previous_end = placement, motion.end_position(placement, previous_end, **kw)


def _outside(point: ir.Point, placement: ir.Placement, entity: ir.Entity, kw: dict, u: float) -> bool:
    """Whether the object's box at `point` (its size at fraction `u` of the statement) misses the frame."""
    hx, hy = motion.half_extent(motion.size_at(placement, entity.size, u), kw["kind"], kw["frame_aspect"])
    x, y = point
    return x + hx <= 0 or x - hx >= 1 or y + hy <= 0 or y - hy >= 1


def _path_length(placement: ir.Placement, previous_end: ir.Point | None, kw: dict, duration: float) -> float:
    """motion.path_length, skipping the numeric integral of a bounce when a cheap upper bound (the straight
    distance plus the hops' full rise and fall) already shows it slow enough: most bounces, in long programs."""
    bounce = placement.motion
    if isinstance(bounce, ir.Bounces):
        bound = math.dist(bounce.start, bounce.end) + 2 * abs(bounce.height) * bounce.times
        if bound / duration <= TOO_FAST_WIDTHS_PER_SECOND:
            return bound
    return motion.path_length(placement, previous_end, **kw)


def _always_offscreen(placement: ir.Placement, previous_end: ir.Point | None, entity: ir.Entity, kw: dict,
                      fps: int) -> bool:
    first = math.ceil(placement.start * fps - EPSILON)
    last = math.ceil(placement.end * fps - EPSILON) - 1
    if isinstance(placement.motion, ir.At) and placement.size is None:
        frames = [first]
    elif last < first:
        frames = [first]
    else:
        count = last - first + 1
        step = max(1, count // OFFSCREEN_SAMPLES)
        frames = list(range(first, last + 1, step))
        if frames[-1] != last:
            frames.append(last)
    for frame in frames:
        time = max(placement.start, frame / fps)
        state = motion.state_at(placement, entity.size, time, previous_end, kind=kw["kind"],
                                frame_aspect=kw["frame_aspect"])
        hx, hy = motion.half_extent(state.size, kw["kind"], kw["frame_aspect"])
        if not (state.x + hx <= 0 or state.x - hx >= 1 or state.y + hy <= 0 or state.y - hy >= 1):
            return False
    return True


def unused_entities(ctx: CheckContext) -> Iterator[Diagnostic]:
    if not ctx.scene.blocks:
        return                      # a library of definitions: nothing is placed on purpose
    for entity in ctx.scene.entities:
        site = ctx.build.entity_sites.get(entity.name)
        if site is None or site.from_use or entity.name in ctx.build.placed_entities:
            continue
        yield codes.UNUSED_ENTITY.at(site.file, site.line, site.column, f"`{entity.name}` is defined but never "
                                     f"placed", f"place it in a block (`{entity.name} at (0.5, 0.5)`) or remove it")


def out_of_vocabulary(ctx: CheckContext) -> Iterator[Diagnostic]:
    for entity in ctx.scene.entities:
        if entity.free_words and entity.name in ctx.build.placed_entities:
            match = vocab.match_kind(entity.kind)
            if match.item is None:
                site = ctx.build.entity_sites[entity.name]
                yield codes.OUT_OF_VOCABULARY.at(site.file, site.kind_line, site.kind_column,
                                                 _oov(match.head, "kind"), _oov_help("kind", vocab.KINDS))
    for block in ctx.scene.blocks:
        background = block.background
        if background.free_words:
            match = vocab.match_background(background.kind)
            if match.item is None:
                yield ctx.at(codes.OUT_OF_VOCABULARY, background, _oov(match.head, "background"),
                             _oov_help("background", vocab.BACKGROUNDS))
    for site in ctx.build.style_sites:
        if site.free_words:
            match = vocab.match_style(site.text)
            if match.item is None:
                yield codes.OUT_OF_VOCABULARY.at(site.file, site.line, site.column, _oov(match.head, "style"),
                                                 _oov_help("style", vocab.STYLES))


def _oov(word: str, what: str) -> str:
    return f"the built-in model has no `{word}`; it will draw the nearest {what} it knows"


def _oov_help(what: str, known: tuple[str, ...]) -> str:
    return f"run `hvg check --backend builtin` to see what it will draw; {what}s it knows: {', '.join(known)}"


ERROR_RULES: tuple[Rule, ...] = (
    backwards_ranges,
    timeline_coverage,
    chunks_inside_blocks,
    keyframes_inside_spans,
    transitions_on_boundaries,
    one_statement_at_a_time,
    video_size,
)

WARNING_RULES: tuple[Rule, ...] = (
    position_warnings,
    unused_entities,
    out_of_vocabulary,
)


def run_checks(build: BuildResult) -> list[Diagnostic]:
    """Every rule's findings for a built program (warnings only when no error was found anywhere)."""
    if build.scene is None:
        return []
    ctx = CheckContext(build, build.file)
    found: list[Diagnostic] = []
    for rule in ERROR_RULES:
        found.extend(rule(ctx))
    if any(d.severity == "error" for d in (*build.diagnostics, *found)):
        return found
    for rule in WARNING_RULES:
        found.extend(rule(ctx))
    return found
