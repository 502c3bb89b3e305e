"""Each conditioning tensor agrees with the resolved timeline: where things are, what they are, their order,
their colour and words, the motion field, the background and the style."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hvg import vocab
from hvg.ir import At, Background, Block, Chunk, Entity, Moves, Placement, Scene, VideoSettings
from hvg.lower import embed as embedding
from hvg.lower.conditioning import BACKGROUND_DIM, N_KINDS, STYLE_DIM, lower, resolve_for_lowering
from hvg.lower.layout import box_coverage, screen_boxes

SIZE, FPS, GRID = 128, 12, 16


pytestmark = pytest.mark.usefixtures("private_embedding_cache")


def placement(name: str, motion, start: float = 0.0, end: float = 3.0) -> Placement:
    return Placement(entity=name, instance=name, motion=motion, start=start, end=end)


@pytest.fixture(scope="module")
def scene() -> Scene:
    """A ball crossing in front of a boat; a gull only in block 1; a chunk in block 0."""
    return Scene(
        video=VideoSettings(width=SIZE, height=SIZE, fps=FPS, seed=3, style="pastel"),
        entities=[Entity(name="ball", kind="ball", color="red", size=0.25, look="shiny", layer=1),
                  Entity(name="boat", kind="a weathered fishing boat", free_words=True, color="#336699", size=0.3),
                  Entity(name="gull", kind="bird", size=0.1)],
        blocks=[
            Block(start=0, end=3, description="a red ball rolls past a boat",
                  background=Background(kind="beach", time="sunset", motion="waves", strength=0.5, color="blue"),
                  placements=[placement("ball", Moves(path=[(0.2, 0.5), (0.8, 0.5)])),
                              placement("boat", At(pos=(0.5, 0.5)))],
                  chunks=[Chunk(start=1, end=2, description="the ball passes the boat")]),
            Block(start=3, end=6, description="a gull flies over the sea", style="a glowing neon look",
                  background=Background(kind="ocean", weather="fog"),
                  placements=[placement("gull", Moves(path=[(0.1, 0.3), (0.9, 0.3)]), 3, 6)]),
        ])


@pytest.fixture(scope="module")
def timeline(scene):
    return resolve_for_lowering(scene)


def translation(frames: int, dx: float, dy: float) -> np.ndarray:
    flow = np.zeros((frames, SIZE, SIZE, 2), np.float32)
    flow[..., 0], flow[..., 1] = dx, dy
    return flow


@pytest.fixture(scope="module")
def block0(scene, timeline):
    return lower(scene, 0, timeline=timeline, flow=translation(36, -8.0, 4.0))


def track(timeline, instance):
    return next(t for t in timeline.tracks if t.instance == instance)


def test_every_tensor_has_its_documented_shape(block0):
    d, t = 384, 36
    shapes = {"text": (d,), "frame_text": (d, t), "layout_embed": (d, t, GRID, GRID),
              "layout_kind": (N_KINDS, t, GRID, GRID), "layout_color": (3, t, GRID, GRID),
              "occupancy": (1, t, GRID, GRID), "depth": (1, t, GRID, GRID), "motion": (2, t, GRID, GRID),
              "background": (BACKGROUND_DIM,), "style": (STYLE_DIM,)}
    assert {name: tuple(v.shape) for name, v in block0.as_dict().items()} == shapes
    assert all(v.dtype == torch.float32 for v in block0.as_dict().values())
    assert block0.frame_range == (0, 36) and block0.grid == (GRID, GRID) and block0.frames == 36
    assert block0.instances == ("boat", "ball")            # back to front


def test_the_ball_map_is_centred_where_the_timeline_puts_it(block0, timeline):
    ball = track(timeline, "ball")
    kind = block0.layout_kind[vocab.KINDS.index("ball")]   # (t, h, w)
    centres = torch.arange(GRID, dtype=torch.float32) + 0.5
    for frame in (0, 17, 35):
        weights = kind[frame]
        # Exact coverage makes the map's centroid the box centre, in grid cells.
        centroid_x = float((weights.sum(0) * centres).sum() / weights.sum())
        centroid_y = float((weights.sum(1) * centres).sum() / weights.sum())
        assert centroid_x == pytest.approx(ball.screen_x[frame] * GRID, abs=1e-3)
        assert centroid_y == pytest.approx(ball.screen_y[frame] * GRID, abs=1e-3)
        assert kind[frame].max() == pytest.approx(1.0)


def test_occupancy_covers_exactly_the_box_area(scene, timeline):
    # The ball alone (boat faded to nothing is not possible here, so measure the ball's own coverage).
    boxes = torch.from_numpy(screen_boxes(timeline, 0, 36))
    ball_index = [t.instance for t in timeline.tracks].index("ball")
    coverage = box_coverage(boxes[:, ball_index], (GRID, GRID), (SIZE, SIZE))
    x0, y0, x1, y1 = boxes[10, ball_index] / (SIZE / GRID)
    assert coverage[10].sum().item() == pytest.approx(float((x1 - x0) * (y1 - y0)), rel=1e-4)
    assert float(y1 - y0) == pytest.approx(0.25 * GRID, rel=1e-4)          # size is a height fraction


def test_front_layer_wins_where_boxes_overlap(block0, timeline):
    order = [t.instance for t in timeline.draw_order()]
    assert order.index("ball") > order.index("boat")
    frame = 18                                                       # the ball is over the boat's centre
    y, x = GRID // 2, GRID // 2
    occupancy = block0.occupancy[0, frame, y, x]
    assert occupancy == pytest.approx(1.0)
    depth_ball = (order.index("ball") + 1) / len(order)
    assert block0.depth[0, frame, y, x] == pytest.approx(depth_ball)
    assert block0.layout_kind[vocab.KINDS.index("ball"), frame, y, x] == pytest.approx(1.0)
    assert block0.layout_kind[vocab.KINDS.index("boat"), frame, y, x] == pytest.approx(0.0)
    # Far from the ball only the boat shows, with its own depth.
    boat = block0.layout_kind[vocab.KINDS.index("boat"), 0, y, x + 2]
    assert boat == pytest.approx(1.0)
    assert block0.depth[0, 0, y, x + 2] == pytest.approx((order.index("boat") + 1) / len(order))


def test_colour_and_words_are_the_visible_instances(block0, timeline):
    frame, y, x = 18, GRID // 2, GRID // 2
    ball = track(timeline, "ball")
    assert torch.allclose(block0.layout_color[:, frame, y, x], torch.tensor(ball.color) / 127.5 - 1, atol=1e-5)
    words = embedding.embed(["red ball shiny"])[0]
    assert torch.allclose(block0.layout_embed[:, frame, y, x], words, atol=1e-5)
    boat_words = embedding.embed(["a weathered fishing boat"])[0]   # a hex colour adds no words
    assert torch.allclose(block0.layout_embed[:, 0, y, x + 2], boat_words, atol=1e-5)
    assert track(timeline, "boat").kind == "boat"


def test_maps_are_empty_where_nothing_is(block0):
    empty = block0.occupancy[0] == 0
    assert empty.any()
    for name in ("layout_embed", "layout_kind", "layout_color", "depth"):
        assert (getattr(block0, name)[:, empty] == 0).all(), name


def test_motion_is_the_flow_downsampled_to_the_grid(block0):
    assert torch.allclose(block0.motion[0], torch.full((36, GRID, GRID), -1.0))
    assert torch.allclose(block0.motion[1], torch.full((36, GRID, GRID), 0.5))


def test_text_follows_block_and_chunk_descriptions(block0):
    block_text, chunk_text = embedding.embed(["a red ball rolls past a boat", "the ball passes the boat"])
    assert torch.equal(block0.text, block_text)
    assert torch.equal(block0.frame_text[:, 0], block_text)
    assert torch.equal(block0.frame_text[:, 12], chunk_text) and torch.equal(block0.frame_text[:, 23], chunk_text)
    assert torch.equal(block0.frame_text[:, 24], block_text)


def test_background_and_style_vectors(block0, scene, timeline):
    def section(vector, offset, vocabulary):
        return vocabulary[int(torch.argmax(vector[offset:offset + len(vocabulary)]))]
    bg = block0.background
    offsets = np.cumsum([0, len(vocab.BACKGROUNDS), len(vocab.TIMES_OF_DAY), len(vocab.WEATHERS),
                         len(vocab.BACKGROUND_MOTIONS)])
    assert section(bg, offsets[0], vocab.BACKGROUNDS) == "beach"
    assert section(bg, offsets[1], vocab.TIMES_OF_DAY) == "sunset"
    assert section(bg, offsets[2], vocab.WEATHERS) == "clear"
    assert section(bg, offsets[3], vocab.BACKGROUND_MOTIONS) == "waves"
    assert bg[offsets[4]] == 0.5
    assert torch.allclose(bg[-4:], torch.tensor([*(np.array(vocab.COLORS["blue"]) / 127.5 - 1), 1.0]).float())
    assert bg.sum() != 0 and int(bg[:offsets[4]].sum()) == 4          # four one-hots
    assert section(block0.style, 0, vocab.STYLES) == "pastel"
    assert torch.equal(block0.style[len(vocab.STYLES):], embedding.embed(["pastel"])[0])
    block1 = lower(scene, 1, timeline=timeline, flow=translation(36, 0, 0))
    assert section(block1.style, 0, vocab.STYLES) == "neon"
    assert torch.equal(block1.style[len(vocab.STYLES):], embedding.embed(["a glowing neon look"])[0])


def test_an_instance_placed_only_in_another_block_is_absent(scene, timeline):
    block1 = lower(scene, 1, timeline=timeline, flow=translation(36, 0, 0))
    assert block1.instances == ("gull",)
    assert block1.layout_kind[vocab.KINDS.index("ball")].abs().sum() == 0
    assert block1.layout_kind[vocab.KINDS.index("bird")].max() == pytest.approx(1.0)


def test_fading_scales_the_maps_by_opacity(scene):
    faded = scene.model_copy(deep=True)
    faded.blocks[1].placements[0].fades = "in"
    block1 = lower(faded, 1, flow=translation(36, 0, 0))
    peaks = block1.occupancy[0].amax(dim=(1, 2))                       # (t,)
    assert peaks[0] == pytest.approx(0.0, abs=1e-6) and peaks[-1] > 0.9
    assert bool((peaks[1:] >= peaks[:-1] - 1e-6).all())


def test_to_and_metadata(block0):
    moved = block0.to("cpu", torch.float16)
    assert moved.motion.dtype == torch.float16 and moved.frame_range == block0.frame_range
    assert block0.metadata() == {"block_index": "0", "frame_range": "0,36", "grid": "16,16",
                                 "instances": "boat,ball"}


def test_bad_block_or_grid_is_explained(scene, timeline):
    with pytest.raises(IndexError, match="has 2 blocks"):
        lower(scene, 2, timeline=timeline)
    with pytest.raises(ValueError, match="grid"):
        lower(scene, 0, timeline=timeline, grid=(16, 8), flow=translation(36, 0, 0))


def test_composite_equals_painting_layer_over_layer():
    from hvg.lower.layout import composite
    generator = torch.Generator().manual_seed(0)
    alphas = [torch.rand(3, 4, 5, generator=generator) for _ in range(4)]
    values = [torch.randn(6, generator=generator) for _ in range(4)]
    painted = torch.zeros(6, 3, 4, 5)
    for alpha, value in zip(alphas, values):
        painted = painted * (1 - alpha) + alpha * value[:, None, None, None]
    assert torch.allclose(composite(alphas, values), painted, atol=1e-6)
