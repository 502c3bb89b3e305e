"""The DSS IR: a checked scene program with every `let` evaluated, every group expanded and every `use` inlined.

This is the one type the back half of hvg consumes (`resolve`, `lower`, `render`) and the JSON that `hvg compile`
writes and `hvg plan` asks language models for (`hvg schema`). It holds no torch and no numpy.

Conventions (see docs/language.md):
- positions are (x, y) in frame units, origin top-left, y down; a position is an object's centre;
- `size` is an object's height as a fraction of the frame height;
- times are absolute seconds on the video's timeline; spans are half-open [start, end).
- `line`/`column` fields point back at the source (1-based; 0 when the node was not made from source text).
  They are never part of a program's meaning: compare programs with `semantic_dump`.

The checker builds these nodes with `model_construct` from values it has already checked (hvg/lang/builder.py), so
`hvg check` never builds a validator; `defer_build` leaves each class's schema until a program first validates,
dumps or describes one (`hvg compile`, `hvg plan`, `hvg schema`).
"""
# No `from __future__ import annotations` here: pydantic would compile every field's annotation from its string
# when each class is made, a millisecond of every cold `hvg check`.
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

Point = tuple[float, float]
Ease = Literal["linear", "in", "out", "in_out"]
Side = Literal["left", "right", "top", "bottom"]

# Building the schemas of all these classes at import cost a cold `hvg check` about 20 ms (`python -X importtime`).
IR_CONFIG = ConfigDict(extra="forbid", defer_build=True)


class Node(BaseModel):
    model_config = IR_CONFIG
    line: int = Field(0, description="source line, 1-based; 0 if not from source", ge=0)
    column: int = Field(0, description="source column, 1-based; 0 if not from source", ge=0)


# ---------------------------------------------------------------------------------------------------------------
# Settings and definitions
# ---------------------------------------------------------------------------------------------------------------

class VideoSettings(Node):
    title: str = "Untitled"
    width: int = Field(128, description="frame width in pixels, a multiple of 8")
    height: int = Field(128, description="frame height in pixels, a multiple of 8")
    fps: int = 12
    seed: int = 0
    style: str | None = Field(None, description="a style word (flat, pastel, ...) or free words")


class Entity(Node):
    name: str = Field(description="identifier used by the statements that place it")
    kind: str = Field(description="a vocabulary kind (`ball`) or free words (`a weathered fishing boat`)")
    free_words: bool = Field(False, description="true when the kind was written as a quoted phrase")
    color: str | None = Field(None, description="a color name or #rrggbb")
    size: float = Field(0.1, description="height as a fraction of the frame height", gt=0)
    style: str | None = None
    look: str | None = Field(None, description="extra words about its appearance")
    layer: int = Field(0, description="depth order: higher layers are drawn in front")


# ---------------------------------------------------------------------------------------------------------------
# Motions: one per placement; `type` discriminates
# ---------------------------------------------------------------------------------------------------------------

class At(BaseModel):
    model_config = IR_CONFIG
    type: Literal["at"] = "at"
    pos: Point


class Moves(BaseModel):
    model_config = IR_CONFIG
    type: Literal["moves"] = "moves"
    path: list[Point] = Field(min_length=2, description="waypoints, travelled at constant speed along the path")
    ease: Ease = "linear"


class Bounces(BaseModel):
    model_config = IR_CONFIG
    type: Literal["bounces"] = "bounces"
    start: Point
    end: Point
    height: float = Field(description="peak height of each hop in frame units")
    times: int = Field(1, ge=1, description="number of hops")


class Orbits(BaseModel):
    model_config = IR_CONFIG
    type: Literal["orbits"] = "orbits"
    center: Point
    radius: float
    turns: float = 1.0


class Enters(BaseModel):
    model_config = IR_CONFIG
    type: Literal["enters"] = "enters"
    side: Side
    to: Point | None = Field(None, description="where it ends up; the frame centre line when omitted")


class Exits(BaseModel):
    model_config = IR_CONFIG
    type: Literal["exits"] = "exits"
    side: Side


class Keyframe(Node):
    time: float = Field(description="absolute seconds")
    pos: Point


class Keys(BaseModel):
    model_config = IR_CONFIG
    type: Literal["keys"] = "keys"
    keys: list[Keyframe] = Field(min_length=1)


Motion = Annotated[Union[At, Moves, Bounces, Orbits, Enters, Exits, Keys], Field(discriminator="type")]


class Placement(Node):
    """One statement that puts an instance of an entity on screen for a span, with one motion."""
    entity: str
    instance: str = Field(description="identity across statements: the entity name, plus the group-call path "
                                      "and loop indices that produced it (`palm@palms[1]`)")
    motion: Motion
    size: tuple[float, float] | None = Field(None, description="`size A -> B`: height from A to B over the span")
    fades: Literal["in", "out"] | None = None
    spins: float | None = Field(None, description="degrees a second")
    start: float = Field(description="absolute seconds: the span of its block or chunk")
    end: float


# ---------------------------------------------------------------------------------------------------------------
# Background, camera, blocks
# ---------------------------------------------------------------------------------------------------------------

class Background(Node):
    kind: str = "plain"
    free_words: bool = False
    time: Literal["dawn", "day", "sunset", "night"] | None = None
    weather: Literal["clear", "cloudy", "rain", "snow", "fog"] | None = None
    color: str | None = None
    motion: Literal["still", "waves", "drift", "flicker", "rain"] | None = None
    strength: float = Field(1.0, description="strength of the background motion, 0..1 typical")


class CameraOp(Node):
    """still | pan (dx, dy) frame units a second | zoom Z (factor reached at the end of the block)
    | shake A (amplitude in frame units) | rotate DEG (degrees a second)."""
    op: Literal["still", "pan", "zoom", "shake", "rotate"]
    value: tuple[float, float] | float | None = None


class Chunk(Node):
    start: float
    end: float
    description: str
    placements: list[Placement] = []


class Block(Node):
    start: float
    end: float
    description: str
    background: Background = Field(default_factory=Background)
    camera: list[CameraOp] = Field(default_factory=list, description="empty means still; state carries over")
    style: str | None = None
    placements: list[Placement] = []
    chunks: list[Chunk] = []

    def all_placements(self) -> list[Placement]:
        return [*self.placements, *(p for c in self.chunks for p in c.placements)]


class Transition(Node):
    time: float = Field(description="a boundary between two blocks, absolute seconds")
    kind: Literal["cut", "smooth", "crossfade"] = "cut"
    duration: float = 0.0


class Scene(Node):
    """A whole program, after `use` files were inlined and groups expanded."""
    video: VideoSettings = Field(default_factory=VideoSettings)
    entities: list[Entity] = []
    blocks: list[Block] = []
    transitions: list[Transition] = []
    uses: list[str] = Field(default_factory=list, description="files `use`d, relative to the scene's folder")

    @property
    def duration(self) -> float:
        return max((b.end for b in self.blocks), default=0.0)

    def entity(self, name: str) -> Entity:
        return next(e for e in self.entities if e.name == name)

    def transition_at(self, time: float, tolerance: float = 1e-6) -> Transition | None:
        return next((t for t in self.transitions if abs(t.time - time) <= tolerance), None)


def semantic_dump(node: BaseModel) -> dict:
    """The node as plain data without source positions: two programs mean the same iff these are equal."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("line", "column")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(node.model_dump(mode="json"))


def json_schema() -> dict:
    """The JSON schema of a Scene: what `hvg schema` prints and `hvg plan` hands to language models."""
    return Scene.model_json_schema()
