"""`lower`: one block of a checked Scene -> its Conditioning, the tensors the model is conditioned on.

Every map is `(c, t, h, w)` on the latent grid (default: the frame size / 8, so 16x16 for 128x128), one grid
frame per video frame of the block; vectors are `(c,)`. The shapes are listed once, in `Conditioning`.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import torch
import torch.nn.functional as F

from hvg import vocab
from hvg.ir import Block, Scene
from hvg.lower import embed as embedding
from hvg.lower.layout import composite, track_alphas
from hvg.lower.motion_field import grid_motion, pixel_flow
from hvg.world.timeline import BlockSpan, Timeline, Track

LATENT_FACTOR = 8
N_KINDS = len(vocab.KINDS)
BACKGROUND_DIM = len(vocab.BACKGROUNDS) + len(vocab.TIMES_OF_DAY) + len(vocab.WEATHERS) \
    + len(vocab.BACKGROUND_MOTIONS) + 1 + 4                  # one-hots, strength, colour (rgb, has colour)
STYLE_DIM = len(vocab.STYLES) + embedding.EMBEDDING_DIM


@dataclass
class Conditioning:
    """One block's conditioning. d = 384 (sentence embedding), t = frames in the block, (h, w) = the grid.

    Maps are composited back to front and premultiplied by coverage (see hvg.lower.layout): divide by
    `occupancy` for the visible object's value.
    """
    block_index: int
    frame_range: tuple[int, int]    # [start, stop) video frames of the block
    grid: tuple[int, int]           # (h, w)
    text: torch.Tensor              # (d,)            the block description's embedding
    frame_text: torch.Tensor        # (d, t)          per frame: its chunk's description, else the block's
    layout_embed: torch.Tensor      # (d, t, h, w)    each instance's words ("red ball wings spread wide")
    layout_kind: torch.Tensor       # (N_KINDS, t, h, w) one-hot of the built-in kind drawn, in vocab.KINDS order
    layout_color: torch.Tensor      # (3, t, h, w)    RGB in [-1, 1]
    occupancy: torch.Tensor         # (1, t, h, w)    total coverage in [0, 1]
    depth: torch.Tensor             # (1, t, h, w)    draw order, (i + 1) / n_instances; 1 = the front-most
    motion: torch.Tensor            # (2, t, h, w)    backward flow (dx, dy) in grid cells: objects and camera
    background: torch.Tensor        # (BACKGROUND_DIM,) one-hot kind | time | weather | motion, strength, rgb, has rgb
    style: torch.Tensor             # (STYLE_DIM,)    one-hot built-in style | embedding of the style words
    instances: tuple[str, ...] = ()  # instances on screen in this block, back to front

    TENSORS = ("text", "frame_text", "layout_embed", "layout_kind", "layout_color", "occupancy", "depth", "motion",
               "background", "style")

    @property
    def frames(self) -> int:
        return self.frame_range[1] - self.frame_range[0]

    def as_dict(self) -> dict[str, torch.Tensor]:
        """The tensors by name (for safetensors); `metadata()` has the rest."""
        return {name: getattr(self, name) for name in self.TENSORS}

    def metadata(self) -> dict[str, str]:
        return {"block_index": str(self.block_index), "frame_range": f"{self.frame_range[0]},{self.frame_range[1]}",
                "grid": f"{self.grid[0]},{self.grid[1]}", "instances": ",".join(self.instances)}

    def to(self, device: torch.device | str, dtype: torch.dtype | None = None) -> "Conditioning":
        moved = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in self.TENSORS:
            moved[name] = moved[name].to(device=device, dtype=dtype)
        return Conditioning(**moved)


# ---------------------------------------------------------------------------------------------------------------
# Pieces
# ---------------------------------------------------------------------------------------------------------------

def entity_words(scene: Scene, track: Track) -> str:
    """The words that identify an instance: its color name, its kind as written, its look."""
    entity = scene.entity(track.entity)
    color = entity.color if entity.color in vocab.COLORS else None
    return " ".join(w for w in (color, entity.kind, entity.look) if w)


def one_hot(item: str, vocabulary: tuple[str, ...]) -> torch.Tensor:
    vector = torch.zeros(len(vocabulary))
    if item in vocabulary:
        vector[vocabulary.index(item)] = 1.0
    return vector


def background_vector(span: BlockSpan) -> torch.Tensor:
    rgb = torch.tensor(span.background_color or (0, 0, 0), dtype=torch.float32) / 127.5 - 1.0
    has_color = torch.tensor([1.0 if span.background_color is not None else 0.0])
    return torch.cat([one_hot(span.background, vocab.BACKGROUNDS), one_hot(span.time_of_day, vocab.TIMES_OF_DAY),
                      one_hot(span.weather, vocab.WEATHERS), one_hot(span.background_motion, vocab.BACKGROUND_MOTIONS),
                      torch.tensor([span.motion_strength], dtype=torch.float32), rgb * has_color, has_color])


def style_vector(span: BlockSpan, block: Block, scene: Scene) -> torch.Tensor:
    words = block.style or scene.video.style or span.style
    return torch.cat([one_hot(span.style, vocab.STYLES), embedding.embed([words])[0]])


def frame_descriptions(timeline: Timeline, span: BlockSpan) -> list[str]:
    texts = [span.description] * (span.end_frame - span.start_frame)
    for start, stop, description in timeline.chunk_spans:
        for frame in range(max(start, span.start_frame), min(stop, span.end_frame)):
            texts[frame - span.start_frame] = description
    return texts


def default_grid(scene: Scene) -> tuple[int, int]:
    return scene.video.height // LATENT_FACTOR, scene.video.width // LATENT_FACTOR


def kind_mapper(words: str) -> str:
    """`resolve`'s word_mapper: free words -> the nearest kind by sentence embedding."""
    return embedding.nearest_vocabulary(words, vocab.KINDS)[0]


def resolve_for_lowering(scene: Scene) -> Timeline:
    from hvg.world.resolve import resolve
    return resolve(scene, word_mapper=kind_mapper)


# ---------------------------------------------------------------------------------------------------------------
# lower
# ---------------------------------------------------------------------------------------------------------------

def lower(scene: Scene, block_index: int, *, timeline: Timeline | None = None, grid: tuple[int, int] | None = None,
          flow: np.ndarray | None = None) -> Conditioning:
    """Block `block_index` (in time order) of `scene` -> its Conditioning.

    `timeline`: the scene's resolved Timeline (resolved here when omitted; pass it when lowering many blocks).
    `grid`: (h, w), a whole fraction of the frame size; default the frame size / 8.
    `flow`: the block's ground-truth backward pixel flow (t, H, W, 2) if already rendered; else the preview
    renderer computes it.
    """
    blocks = sorted(scene.blocks, key=lambda b: b.start)
    if not 0 <= block_index < len(blocks):
        raise IndexError(f"block {block_index} does not exist: the scene has {len(blocks)} blocks")
    timeline = timeline if timeline is not None else resolve_for_lowering(scene)
    grid = grid or default_grid(scene)
    if timeline.height % grid[0] or timeline.width % grid[1] or timeline.height // grid[0] != timeline.width // grid[1]:
        raise ValueError(f"grid {grid} must divide the frame {timeline.height}x{timeline.width} by one whole factor")
    span = timeline.blocks[block_index]
    start, stop = span.start_frame, span.end_frame

    order = timeline.draw_order()
    on_screen = [track for track in order if track.visible[start:stop].any()]
    depth_of = {id(track): (i + 1) / len(order) for i, track in enumerate(order)}
    texts = [span.description, *frame_descriptions(timeline, span), *(entity_words(scene, t) for t in on_screen)]
    vectors = embedding.embed(texts)
    frames = stop - start
    text, frame_text, words = vectors[0], vectors[1:1 + frames].T.contiguous(), vectors[1 + frames:]

    if on_screen:
        alphas = track_alphas(timeline, on_screen, start, stop, grid)
        values = [torch.cat([words[i], F.one_hot(torch.tensor(vocab.KINDS.index(track.kind)), N_KINDS).float(),
                             torch.tensor(track.color, dtype=torch.float32) / 127.5 - 1.0,
                             torch.tensor([1.0, depth_of[id(track)]])])
                  for i, track in enumerate(on_screen)]
        maps = composite(alphas, values)                                  # (d + kinds + 3 + 2, t, h, w)
    else:
        maps = torch.zeros(embedding.EMBEDDING_DIM + N_KINDS + 5, frames, *grid)
    layout_embed, layout_kind, layout_color, occupancy, depth = maps.split(
        [embedding.EMBEDDING_DIM, N_KINDS, 3, 1, 1])

    pixels = flow if flow is not None else pixel_flow(timeline, start, stop)
    return Conditioning(
        block_index=block_index, frame_range=(start, stop), grid=tuple(grid), text=text, frame_text=frame_text,
        layout_embed=layout_embed.contiguous(), layout_kind=layout_kind.contiguous(),
        layout_color=layout_color.contiguous(), occupancy=occupancy.contiguous(), depth=depth.contiguous(),
        motion=grid_motion(pixels, grid), background=background_vector(span),
        style=style_vector(span, blocks[block_index], scene), instances=tuple(t.instance for t in on_screen))
