"""The offline planner: a prompt -> a checked-looking IR `Scene`, with no model at all.

Rules (docs/plan.md has the long version):
- each beat of the outline is one block of 2.5-4 s; `then` starts a beat, `while` shares one;
- things stay on screen from their first mention until they exit or fade out, and each statement starts where
  the thing's previous one ended, so nothing teleports; a smooth transition joins every pair of blocks;
- a thing has one base motion per block; a second one in the same beat moves it (and what follows) to a new beat;
- unnamed positions come from `layout` (ground things low, sky things high, free slots first).
Deterministic: no randomness; the video seed is a hash of the prompt.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field, replace

from hvg import ir
from hvg.plan import layout
from hvg.plan.beats import is_base, split_conflicts
from hvg.plan.reader import Action, Beat, Outline, Thing, read_prompt
from hvg.lang.limits import MAX_BLOCKS
from hvg.plan.scenery import background_motion, describe, entity_names, first_background, title

Point = tuple[float, float]
TRANSITION = 0.5
_MODIFIERS = ("spins", "grows", "shrinks", "fades_in", "fades_out")
_TRAVEL = ("moves", "rises", "falls")


@dataclass
class _Track:
    """A thing's state between blocks."""
    thing: Thing
    name: str
    size: float
    pos: Point | None = None       # where its last statement ended
    visible: bool = False
    current_size: float = 0.0
    heading: int = 0               # last horizontal direction: -1, 0 or +1
    lane: int = 0
    moved: bool = False

    @property
    def kind(self) -> str:
        return self.thing.kind


@dataclass
class _Settings:
    background: str
    time: str | None
    weather: str | None
    zoom: float = 1.0
    camera: list[ir.CameraOp] = field(default_factory=list)


def _r(value: float) -> float:
    return round(value, 3)


def _pt(x: float, y: float) -> Point:
    return (_r(x), _r(y))


# ---------------------------------------------------------------------------------------------------------------
# The planner
# ---------------------------------------------------------------------------------------------------------------

class OfflinePlanner:
    def __init__(self, outline: Outline):
        self.outline = outline
        self.beats = split_conflicts(outline.beats)
        names = entity_names(outline.things)
        self.tracks = [_Track(t, names[t.index], _r(layout.DEFAULT_SIZE[t.kind] * t.scale)) for t in outline.things]
        for track in self.tracks:
            track.current_size = track.size
            same = [t for t in self.tracks if t.kind == track.kind]
            track.lane = same.index(track)
        first = first_background(outline)
        times = [b.time for b in self.beats if b.time]
        weathers = [b.weather for b in self.beats if b.weather]
        self.settings = _Settings(first, times[0] if times else None, weathers[0] if weathers else None)

    # -- positions ----------------------------------------------------------------------------------------------

    def _home(self, track: _Track, placed: list[_Track], far_from: float | None = None) -> Point:
        y = layout.rest_y(track.kind, track.current_size, self.settings.background, track.lane)
        taken = [(t.pos, layout.width(t.kind, t.current_size), t.current_size) for t in placed
                 if t.pos is not None and t.visible and t is not track]
        return layout.free_spot(track.kind, track.current_size, y, taken, far_from)

    def _visitors(self, track: _Track, beat: Beat) -> float | None:
        """Where the things that head for this one (`toward`) are now, if any is on screen."""
        for action in beat.actions:
            if action.landmark == track.thing.index and action.relation == "toward":
                senders = [*action.subjects, *([action.agent] if action.agent is not None else [])]
                for subject in senders:
                    visitor = self.tracks[subject]
                    if visitor.visible and visitor.pos is not None:
                        return visitor.pos[0]
        return None

    def _side_start(self, track: _Track, side: str, home: Point) -> Point:
        size = track.current_size
        if side in ("left", "right"):
            return _pt(self._edge_x(track, side), home[1])
        y = 0.0 if side == "top" else 1.0
        return _pt(home[0], layout.clamp_y(y, size))

    def _edge_x(self, track: _Track, side: str) -> float:
        """x next to a side of the frame; several of a kind crossing together keep their spacing."""
        size = track.current_size
        stacked = track.kind in layout.SKY_KINDS or track.kind == "fish"  # these already fly in separate lanes
        left, right = (layout.clamp_x(x, track.kind, size) for x in (0.0, 1.0))
        others = sum(t.kind == track.kind for t in self.tracks) - 1
        unit = 0.0 if stacked else max(0.12, layout.width(track.kind, size) + 0.04)
        if others:  # closer together when a whole row would not leave room to travel 0.3
            unit = min(unit, max(0.0, right - left - 0.3) / others)
        # A convoy: each goes the same way and as far, the same distance behind the one ahead, never through it.
        step, spread = unit * track.lane, unit * others
        return _r(left + step if side == "left" else right - (spread - step))

    def _offscreen(self, track: _Track, side: str, origin: Point) -> Point:
        half_w = layout.width(track.kind, track.current_size) / 2 + 0.05
        half_h = track.current_size / 2 + 0.05
        return {"left": _pt(-half_w, origin[1]), "right": _pt(1 + half_w, origin[1]),
                "top": _pt(origin[0], -half_h), "bottom": _pt(origin[0], 1 + half_h)}[side]

    def _direction(self, track: _Track, action: Action, origin: Point) -> int:
        if action.to_side == "right" or action.from_side == "left":
            return 1
        if action.to_side == "left" or action.from_side == "right":
            return -1
        if track.heading:
            return track.heading
        return 1 if origin[0] <= 0.7 else -1  # left to right, unless there is no room

    def _clamp(self, track: _Track, point: Point) -> Point:
        return _pt(layout.clamp_x(point[0], track.kind, track.current_size),
                   layout.clamp_y(point[1], track.current_size))

    def _origin(self, track: _Track, action: Action, home: Point) -> Point:
        if track.visible and track.pos is not None:
            return track.pos
        if action.motion == "bounces" and track.kind == "bird" and self.settings.background != "space":
            home = (home[0], layout.GROUND_LINE - track.current_size / 2)  # a bird hops on the ground
        if action.from_side:
            return self._side_start(track, action.from_side, home)
        if action.to_side in ("left", "right") or action.across:
            side = "right" if action.to_side == "left" else "left"
            return self._side_start(track, side, home)
        agent = self.tracks[action.agent] if action.agent is not None else None
        if agent is not None and agent.pos is not None and agent is not track:
            # Kicked or thrown: it starts at the feet of whoever did it, on the side it is going.
            mark = self._landmark(action, track)
            side = 1 if mark is None or mark.pos[0] >= agent.pos[0] else -1
            gap = (layout.width(agent.kind, agent.current_size) + layout.width(track.kind, track.current_size)) / 2
            return _pt(layout.clamp_x(agent.pos[0] + side * (gap + 0.01), track.kind, track.current_size), home[1])
        mark = self._landmark(action, track)
        if mark is not None and action.relation == "toward":
            # Start well away from where it is going, on the side with more room.
            x = mark.pos[0] - 0.45 if mark.pos[0] > 0.5 else mark.pos[0] + 0.45
            return _pt(layout.clamp_x(x, track.kind, track.current_size), home[1])
        if action.motion in ("rises", "falls") or action.vertical in ("up", "down"):
            # Sky things keep apart by height (lanes); going up or down they start level, so side by side.
            x = home[0]
            if track.kind in layout.SKY_KINDS and track.lane:
                shift = 0.22 * ((track.lane + 1) // 2) * (-1 if track.lane % 2 else 1)
                x = layout.clamp_x(x + shift, track.kind, track.current_size)
            if action.motion == "rises" or action.vertical == "up":
                low = layout.HORIZON if track.kind in layout.SKY_KINDS else home[1]
                return _pt(x, max(home[1], low))
            return _pt(x, min(home[1], layout.clamp_y(0.15, track.current_size)))
        if action.motion in ("moves", "bounces") and not action.vertical and action.landmark is None:
            # A thing that travels with no direction given starts on the left and reads left to right.
            return _pt(self._edge_x(track, "left") + 0.13, home[1])
        return home

    def _landmark(self, action: Action, track: _Track) -> _Track | None:
        if action.landmark is None or action.landmark == track.thing.index:
            return None
        mark = self.tracks[action.landmark]
        return mark if mark.pos is not None else None

    # -- motions ------------------------------------------------------------------------------------------------

    def _travel(self, track: _Track, action: Action, origin: Point) -> list[Point]:
        """The path of `moves`, `rises` and `falls`: where the words point, or onwards."""
        size = track.current_size
        mark = self._landmark(action, track)
        vertical = action.vertical or {"rises": "up", "falls": "down"}.get(action.motion)
        if mark is not None and action.relation in ("over", "past"):
            direction = 1 if mark.pos[0] >= origin[0] else -1
            if abs(mark.pos[0] - origin[0]) < 0.05:
                direction = self._direction(track, action, origin)
            beyond = self._clamp(track, (mark.pos[0] + direction * 0.35, origin[1]))
            if action.relation == "past":
                return [origin, beyond]
            top = mark.pos[1] - mark.current_size / 2 - size / 2 - 0.04
            peak = self._clamp(track, (mark.pos[0], min(origin[1], top)))
            return [origin, peak, beyond] if abs(peak[0] - origin[0]) > 0.05 else [origin, beyond]
        if mark is not None:  # toward, behind
            direction = 1 if mark.pos[0] >= origin[0] else -1
            gap = (layout.width(mark.kind, mark.current_size) + layout.width(track.kind, size)) / 2 + 0.02
            x = mark.pos[0] - direction * gap
            y = origin[1]
            if track.kind in layout.SKY_KINDS and vertical == "down":
                x, y = mark.pos[0], mark.pos[1] - mark.current_size / 2 - size / 2
            elif track.kind in layout.SKY_KINDS and vertical == "up":  # "flies up to the tree": up to its lane
                y = min(origin[1], layout.rest_y(track.kind, size, self.settings.background, track.lane))
            target = self._clamp(track, (x, y))
            if math.dist(target, origin) < 0.05:  # already beside it: step back, so it is seen to move
                target = self._clamp(track, (origin[0] - direction * 0.2, y))
            return [origin, target]
        x, y = origin
        horizontal = action.across or action.to_side in ("left", "right") or action.from_side in ("left", "right")
        if vertical == "up":
            y = max(size / 2 + 0.05, origin[1] - 0.45)
        elif vertical == "down":
            ground = layout.HORIZON if track.kind in layout.SKY_KINDS else layout.rest_y(
                track.kind, size, self.settings.background, track.lane)
            y = ground if origin[1] < ground - 0.05 else min(origin[1] + 0.3, 1 - size / 2 - 0.02)
        if horizontal or not vertical:
            direction = self._direction(track, action, origin)
            far = 1.0 if horizontal else (0.3 if action.manner == "slow" or action.word.startswith("drift") else 0.5)
            x = origin[0] + direction * far
            if horizontal:
                x = self._edge_x(track, "right" if direction > 0 else "left")
            room = abs(layout.clamp_x(x, track.kind, size) - origin[0])
            if not horizontal and room < 0.25:
                x = origin[0] - direction * far
        target = self._clamp(track, (x, y))
        if math.dist(target, origin) < 0.1:
            target = self._clamp(track, (origin[0] + (0.3 if origin[0] < 0.5 else -0.3), y))
        return [origin, target]

    def _motion(self, track: _Track, action: Action | None, home: Point) -> tuple[ir.Motion, Point, bool]:
        """(motion, where it ends, still on screen after it)."""
        if action is None or action.motion == "at":
            pos = track.pos if track.visible and track.pos else home
            return ir.At(pos=pos), pos, True
        origin = self._origin(track, action, home)
        motion = action.motion
        if action.away and motion in ("moves", "rises", "falls"):
            motion = "exits"
        if motion in ("moves", "rises", "falls") and (action.circles or action.relation == "around"):
            motion = "orbits"
        if motion == "enters" and track.visible:
            motion = "moves"
        if motion in ("moves", "rises", "falls"):
            path = self._travel(track, action, origin)
            ease = "in" if motion == "falls" else ("out" if action.manner == "fast" else "in_out")
            return ir.Moves(path=path, ease=ease), path[-1], True
        if motion == "bounces":
            path = self._travel(track, replace(action, vertical=None), origin)
            start, end = path[0], _pt(path[-1][0], path[0][1])
            if math.dist(start, end) < 0.05:
                end = self._clamp(track, (start[0] + 0.3 * (1 if start[0] < 0.5 else -1), start[1]))
            highest = 0.12 if action.word.startswith("hop") else 0.3  # a hop is a small jump
            height = _r(max(0.05, min(highest, start[1] - track.current_size / 2 - 0.08)))
            times = action.times or (1 if math.dist(start, end) < 0.3 else 2)
            return ir.Bounces(start=start, end=end, height=height, times=times), end, True
        if motion == "orbits":
            return self._orbit(track, action, origin)
        if motion == "enters":
            side = action.from_side or ("right" if action.to_side == "left" else "left")
            mark = self._landmark(action, track)
            to = home
            if mark is not None:
                direction = -1 if side == "left" else 1
                gap = (layout.width(mark.kind, mark.current_size) + layout.width(track.kind, track.current_size)) / 2
                to = self._clamp(track, (mark.pos[0] + direction * (gap + 0.02), home[1]))
            return ir.Enters(side=side, to=to), to, True
        # exits
        side = action.to_side or {"up": "top", "down": "bottom"}.get(action.vertical or "")
        if side is None:
            side = "right" if (track.heading or (1 if origin[0] >= 0.35 else -1)) > 0 else "left"
        return ir.Exits(side=side), self._offscreen(track, side, origin), False

    def _orbit(self, track: _Track, action: Action, origin: Point) -> tuple[ir.Motion, Point, bool]:
        size = track.current_size
        mark = self._landmark(action, track)
        if mark is not None:
            center = mark.pos
            radius = max(mark.current_size, layout.width(mark.kind, mark.current_size)) / 2 + size / 2 + 0.04
            radius += 0.06 * track.lane  # two birds around one tree fly on separate rings
        elif track.visible:
            radius = 0.15 + 0.05 * track.lane
            center = (origin[0] - radius, origin[1])  # orbits start right of the centre: start where it is
        else:
            radius = 0.15 + 0.05 * track.lane
            center = origin
        reach = max(size, layout.width(track.kind, size)) / 2 + 0.02
        radius = max(0.08, min(radius, 0.3))
        cx = min(max(center[0], radius + reach), 1 - radius - reach)
        cy = min(max(center[1], radius + reach), 1 - radius - reach)
        turns = float(action.times or 1)
        angle = 2 * math.pi * turns
        end = _pt(cx + radius * math.cos(angle), cy + radius * math.sin(angle))
        return ir.Orbits(center=_pt(cx, cy), radius=_r(radius), turns=turns), end, True

    # -- one block ----------------------------------------------------------------------------------------------

    def _update_settings(self, beat: Beat) -> None:
        if beat.settings_places:
            self.settings.background = beat.settings_places[0]
        if beat.time:
            self.settings.time = beat.time
        if beat.weather:
            self.settings.weather = beat.weather
        self.settings.camera = []
        for action in beat.actions:
            if action.camera:
                self.settings.camera.append(self._camera(*action.camera))

    def _camera(self, op: str, word: str | None) -> ir.CameraOp:
        if op == "pan":
            rate = {"left": (-0.05, 0.0), "up": (0.0, -0.05), "down": (0.0, 0.05)}.get(word or "", (0.05, 0.0))
            return ir.CameraOp(op="pan", value=rate)
        if op == "zoom":
            self.settings.zoom = _r(max(0.6, self.settings.zoom / 1.3) if word == "out"
                                    else min(2.0, self.settings.zoom * 1.3))
            return ir.CameraOp(op="zoom", value=self.settings.zoom)
        if op == "shake":
            return ir.CameraOp(op="shake", value=0.02)
        return ir.CameraOp(op="rotate", value=10.0)

    def _block(self, beat: Beat, start: float) -> ir.Block:
        self._update_settings(beat)
        acting: dict[int, list[Action]] = {}
        for action in beat.actions:
            for subject in action.subjects:
                acting.setdefault(subject, []).append(action)
        involved = [t for t in self.tracks if t.visible or t.thing.index in beat.present
                    or t.thing.index in acting]
        # Things that stay put claim their spots first, so movers start and end in the space left over.
        involved.sort(key=lambda t: (t.thing.index in acting, t.thing.index))
        planned: list[tuple[_Track, ir.Motion, Action | None, list[Action]]] = []
        staged: dict[str, Point] = {}  # things shown first, then leaving: where they are shown
        for track in involved:
            actions = acting.get(track.thing.index, [])
            base = next((a for a in actions if is_base(a)), None)
            modifiers = [a.motion for a in actions if a.motion in _MODIFIERS]
            if base is None and not track.visible and "fades_out" in modifiers and track.pos is not None:
                continue  # already gone; nothing to fade
            new_here = not track.visible and base is None
            home = self._home(track, involved, self._visitors(track, beat) if new_here else None)
            leaving = base is not None and (base.motion == "exits" or (base.away and base.motion in _TRAVEL))
            if leaving and not track.visible:
                # Something that leaves before it was ever seen: show it first, then let it go (two chunks).
                self._apply(track, ir.At(pos=home), home, True)
                staged[track.name] = home
            motion, end, on_screen = self._motion(track, base, home)
            self._apply(track, motion, end, on_screen and "fades_out" not in modifiers)
            planned.append((track, motion, base, actions))
        duration = self._duration(planned)
        placements, chunks = [], []
        pause = _r(start + duration * 0.4)
        for track, motion, _, actions in sorted(planned, key=lambda p: p[0].thing.index):
            if track.name in staged:
                chunks.append((self._placement(track, ir.At(pos=staged[track.name]), [], start, pause),
                               self._placement(track, motion, actions, pause, start + duration)))
            else:
                placements.append(self._placement(track, motion, actions, start, start + duration))
        block_chunks = []
        if chunks:
            text = describe(beat, self.outline.things, self.outline.prompt)
            block_chunks = [ir.Chunk(start=start, end=pause, description=text, placements=[a for a, _ in chunks]),
                            ir.Chunk(start=pause, end=start + duration, description=text,
                                     placements=[b for _, b in chunks])]
        motion_kind, strength = background_motion(self.settings.background, self.settings.weather)
        background = ir.Background(kind=self.settings.background, time=self.settings.time,
                                   weather=self.settings.weather, motion=motion_kind, strength=strength)
        return ir.Block(start=start, end=start + duration, description=describe(beat, self.outline.things, self.outline.prompt),
                        background=background, camera=list(self.settings.camera), placements=placements,
                        chunks=block_chunks)

    def _apply(self, track: _Track, motion: ir.Motion, end: Point, on_screen: bool) -> None:
        start = track.pos
        if isinstance(motion, ir.Moves):
            start = motion.path[0]
        dx = end[0] - (start or end)[0]
        if abs(dx) > 0.05:
            track.heading = 1 if dx > 0 else -1
        track.moved = track.moved or not isinstance(motion, ir.At)
        track.pos, track.visible = end, on_screen

    def _placement(self, track: _Track, motion: ir.Motion, actions: list[Action], start: float,
                   end: float) -> ir.Placement:
        words = [a.motion for a in actions]
        size = None
        if "grows" in words or "shrinks" in words:
            before = track.current_size
            after = min(before * 1.6, 0.6) if "grows" in words else max(before * 0.5, 0.02)
            size = (before, _r(after))
            track.current_size = _r(after)
        elif track.current_size != track.size:
            size = (track.current_size, track.current_size)
        fades = "in" if "fades_in" in words else ("out" if "fades_out" in words else None)
        spins = None
        if "spins" in words:
            manner = next((a.manner for a in actions if a.motion == "spins"), None)
            spins = {"slow": 60.0, "fast": 360.0}.get(manner or "", 180.0)
        return ir.Placement(entity=track.name, instance=track.name, motion=motion, size=size, fades=fades,
                            spins=spins, start=start, end=end)

    @staticmethod
    def _duration(planned: list) -> float:
        longest, busy = 0.0, False
        for _, motion, _, _ in planned:
            if isinstance(motion, ir.Moves):
                longest = max(longest, sum(math.dist(a, b) for a, b in zip(motion.path, motion.path[1:])))
            elif isinstance(motion, ir.Orbits):
                busy = True
            elif isinstance(motion, ir.Bounces):
                busy = busy or motion.times >= 3
        if busy or longest > 0.9:
            return 4.0
        if longest == 0 and all(isinstance(m, (ir.At, ir.Enters, ir.Exits)) for _, m, _, _ in planned):
            return 2.5
        return 3.0

    # -- the whole scene ----------------------------------------------------------------------------------------

    def scene(self) -> ir.Scene:
        blocks: list[ir.Block] = []
        start = 0.0
        for beat in self.beats:
            if len(blocks) == MAX_BLOCKS:  # a longer story does not fit one video; the rest is left out
                break
            block = self._block(beat, start)
            if not block.placements and blocks:
                continue
            blocks.append(block)
            start = block.end
        entities = []
        for track in self.tracks:
            backdrop = track.kind in layout.BACKDROP_KINDS | {"sun", "moon", "cloud"} and not track.moved
            noun = track.thing.noun
            look = noun if noun.rstrip("s") not in (track.kind, "") and noun not in (track.kind, "people") else None
            entities.append(ir.Entity(name=track.name, kind=track.kind,
                                      color=track.thing.color or layout.NOUN_COLOR.get(noun.split()[-1])
                                      or layout.DEFAULT_COLOR[track.kind],
                                      size=track.size, look=look, layer=-1 if backdrop else 0))
        styles = [b.style for b in self.beats if b.style]
        video = ir.VideoSettings(title=title(self.outline.prompt), width=128, height=128, fps=12,
                                 seed=zlib.crc32(self.outline.prompt.encode()) % 10000,
                                 style=styles[0] if styles else None)
        transitions = [ir.Transition(time=b.start, kind="smooth", duration=TRANSITION) for b in blocks[1:]]
        placed = {p.entity for b in blocks for p in b.all_placements()}
        return ir.Scene(video=video, entities=[e for e in entities if e.name in placed], blocks=blocks,
                        transitions=transitions)


def plan_offline(prompt: str) -> ir.Scene:
    """A sensible program for the prompt, built by rules from `hvg.vocab` words. Never raises for any text:
    a prompt with nothing the planner knows gives one still block with a note in its description."""
    outline = read_prompt(prompt)
    scene = OfflinePlanner(outline).scene()
    if not scene.blocks:
        scene.blocks = [ir.Block(start=0.0, end=3.0, description=title(prompt),
                                 background=ir.Background(kind="plain"))]
    return scene


__all__ = ["plan_offline", "OfflinePlanner", "split_conflicts"]
