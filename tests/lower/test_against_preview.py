"""The conditioning agrees with what the preview renderer draws: the motion map is its ground-truth flow averaged
onto the grid, and the layout boxes sit where its instance masks are."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hvg.ir import At, Background, Block, CameraOp, Entity, Moves, Placement, Scene, VideoSettings
from hvg.lower.conditioning import lower, resolve_for_lowering
from hvg.lower.layout import screen_boxes
from hvg.world.preview import render_preview

SIZE, FACTOR = 128, 8


pytestmark = pytest.mark.usefixtures("private_embedding_cache")


@pytest.fixture(scope="module")
def scene() -> Scene:
    def place(name, motion, start, end):
        return Placement(entity=name, instance=name, motion=motion, start=start, end=end)
    return Scene(
        video=VideoSettings(width=SIZE, height=SIZE, fps=12, seed=5),
        entities=[Entity(name="ball", kind="ball", color="red", size=0.2, layer=1),
                  Entity(name="car", kind="car", color="blue", size=0.15)],
        blocks=[Block(start=0, end=1, description="a car waits",
                      placements=[place("car", At(pos=(0.3, 0.7)), 0, 1)]),
                Block(start=1, end=3, description="the camera pans as a ball flies over the car",
                      background=Background(kind="grass"), camera=[CameraOp(op="pan", value=(0.1, 0.0))],
                      placements=[place("car", At(pos=(0.3, 0.7)), 1, 3),
                                  place("ball", Moves(path=[(0.2, 0.3), (0.8, 0.4)]), 1, 3)])])


@pytest.fixture(scope="module")
def timeline(scene):
    return resolve_for_lowering(scene)


@pytest.fixture(scope="module")
def rendered(timeline):
    span = timeline.blocks[1]
    return render_preview(timeline, span.start_frame, span.end_frame, ground_truth=True)


@pytest.fixture(scope="module")
def block1(scene, timeline):
    return lower(scene, 1, timeline=timeline)          # the flow comes from the renderer inside `lower`


def test_motion_is_the_renderers_flow_averaged_onto_the_grid(block1, rendered):
    frames = rendered.flow.shape[0]
    cells = rendered.flow.reshape(frames, SIZE // FACTOR, FACTOR, SIZE // FACTOR, FACTOR, 2).mean(axis=(2, 4))
    expected = torch.from_numpy(np.ascontiguousarray(cells.transpose(3, 0, 1, 2))) / FACTOR   # (2, t, h, w)
    assert block1.motion.shape == expected.shape
    assert torch.allclose(block1.motion, expected, atol=1e-5)
    # The pan moves the background (the check above is not vacuous): 0.1 frame a second = 16/12 cells a frame.
    assert block1.motion[0, 1:].mean() == pytest.approx(SIZE * 0.1 / 12 / FACTOR, rel=0.2)


def test_layout_boxes_sit_on_the_renderers_masks(timeline, rendered):
    span = timeline.blocks[1]
    mine = screen_boxes(timeline, span.start_frame, span.end_frame)
    ball = [t.instance for t in timeline.tracks].index("ball")       # front-most: its mask is never hidden
    visible = ~np.isnan(rendered.boxes[:, ball, 0])
    assert visible.sum() > 10
    assert np.abs(mine[visible, ball] - rendered.boxes[visible, ball]).max() < 1.5


def test_occupancy_follows_where_the_renderer_draws_objects(block1, rendered):
    frames = rendered.masks.shape[0]
    drawn = (rendered.masks >= 0).reshape(frames, SIZE // FACTOR, FACTOR, SIZE // FACTOR, FACTOR).mean(axis=(2, 4))
    occupancy = block1.occupancy[0].numpy()
    r = np.corrcoef(occupancy.reshape(-1), drawn.reshape(-1))[0, 1]
    assert r > 0.8, r
