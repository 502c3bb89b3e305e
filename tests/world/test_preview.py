"""render_preview as a whole: deterministic, frame-independent, block-aware, and usable end to end."""
from __future__ import annotations

import numpy as np
import pytest

from hvg.world.draw.handmade import Look, Shot, thing, timeline
from hvg.world.preview import render_preview

N = 8
SMALL_PROGRAM = """\
video "Preview test" {
  size 64x64
  fps 8
  seed 3
}

entity ball = ball { color red; size 0.25 }
entity gull = bird { color white; size 0.15 }

block 0s..1s "A ball rolls across a beach while the camera pans" {
  background beach { time day; motion waves 0.5 }
  camera pan (0.1, 0)
  ball moves (0.2, 0.7) -> (0.8, 0.7)
  gull at (0.5, 0.2)
}
"""


def busy(seed: int = 0, **kw):
    things = [thing("ball", x=np.linspace(0.2, 0.8, N), y=0.7, size=0.2),
              thing("bird", x=np.linspace(0.9, 0.3, N), y=0.25, size=0.12, color="white", rotation=10.0, layer=2),
              thing("tree", x=0.25, y=0.5, size=0.35, color="green", layer=-1),
              thing("cloud", x=0.7, y=0.15, size=0.12, color="white", opacity=np.linspace(0.2, 1, N))]
    blocks = [(0, Look("beach", time_of_day="sunset", motion="waves", weather="rain")),
              (N // 2, Look("forest", style="retro", motion="flicker"))]
    return timeline(things, n_frames=N, seed=seed, blocks=blocks, shot=Shot(cx=np.linspace(0.5, 0.7, N),
                                                                            roll=np.linspace(0, 5, N)), **kw)


def assert_same(a, b):
    for name in ("frames", "masks", "boxes", "flow", "valid"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape and x.dtype == y.dtype, name
        assert np.array_equal(x, y, equal_nan=name == "boxes"), f"{name} differ"


def test_shapes_and_types():
    tl = busy()
    r = render_preview(tl)
    h, w = tl.height, tl.width
    assert r.frames.shape == (N, h, w, 3) and r.frames.dtype == np.uint8
    assert r.masks.shape == (N, h, w) and r.masks.dtype == np.int16
    assert r.boxes.shape == (N, 4, 4) and r.boxes.dtype == np.float32
    assert r.flow.shape == (N, h, w, 2) and r.flow.dtype == np.float32
    assert r.valid.shape == (N, h, w) and r.valid.dtype == bool


def test_same_timeline_same_bytes():
    assert_same(render_preview(busy()), render_preview(busy()))


def test_frames_render_independently_of_the_range():
    """A block (or any range) rendered alone equals the same frames of a full render, flow[0] included."""
    full = render_preview(busy())
    part = render_preview(busy(), 3, 6)
    assert part.start == 3
    for name in ("frames", "masks", "boxes", "flow", "valid"):
        assert np.array_equal(getattr(part, name), getattr(full, name)[3:6], equal_nan=name == "boxes"), name
    assert np.abs(part.flow[0]).max() > 0, "flow[0] of a later range is relative to the frame before it"


def test_without_ground_truth():
    r = render_preview(busy(), ground_truth=False)
    assert r.masks is None and r.flow is None and r.boxes is None and r.valid is None
    assert np.array_equal(r.frames, render_preview(busy()).frames)


def test_seed_changes_textures_only():
    a, b = render_preview(busy(seed=1)), render_preview(busy(seed=2))
    assert not np.array_equal(a.frames, b.frames)
    assert np.array_equal(a.masks, b.masks) and np.array_equal(a.flow, b.flow)


def test_each_block_draws_its_own_look():
    r = render_preview(busy())
    sepia = r.frames[N - 1].astype(np.float32)
    assert (sepia[..., 0] >= sepia[..., 2]).mean() > 0.95, "the second block is retro (sepia)"
    first = r.frames[0].astype(np.float32)
    assert (first[..., 2] > first[..., 0] + 10).mean() > 0.1, "the first block shows blue water, not sepia"


def test_bad_range_is_a_clear_error():
    with pytest.raises(ValueError, match="outside"):
        render_preview(busy(), 2, N + 1)


def test_wide_frames():
    tl = timeline([thing("car", x=0.5, size=0.3)], n_frames=2, width=160, height=96, look=Look("city"))
    r = render_preview(tl)
    x0, y0, x1, y1 = r.boxes[0, 0]
    assert abs((x1 - x0) - 2.0 * 0.3 * 96) <= 2 and abs((x0 + x1) / 2 - 80) <= 1


def test_end_to_end_from_a_scene_program():
    from hvg.lang.api import compile_scene
    from hvg.world.resolve import resolve
    tl = resolve(compile_scene(SMALL_PROGRAM))
    r = render_preview(tl)
    assert r.frames.shape == (tl.n_frames, tl.height, tl.width, 3)
    ball = next(i for i, t in enumerate(tl.tracks) if t.kind == "ball")
    k = tl.n_frames // 2
    x0, y0, x1, y1 = r.boxes[k, ball]
    assert abs((x0 + x1) / 2 - tl.tracks[ball].screen_x[k] * tl.width) <= 1.5
    assert abs((y0 + y1) / 2 - tl.tracks[ball].screen_y[k] * tl.height) <= 1.5


def test_gallery_writes_a_sheet(tmp_path):
    from hvg.world.gallery import main
    assert main([str(tmp_path), "ground_truth"]) == 0
    assert (tmp_path / "ground_truth.png").stat().st_size > 1000
    assert main([str(tmp_path), "no-such-sheet"]) == 2


def test_flow_only_render_matches_the_full_render():
    from hvg.world.preview import render_flow
    full = render_preview(busy())
    assert np.array_equal(render_flow(busy()), full.flow)
    assert np.array_equal(render_flow(busy(), 2, 5), full.flow[2:5])


def test_identical_tracks_keep_their_own_indices():
    import dataclasses
    tl = timeline([thing("ball")], n_frames=1)
    tl.tracks.append(dataclasses.replace(tl.tracks[0]))
    mask = render_preview(tl).masks[0]
    assert set(np.unique(mask)) == {-1, 1}, "the later of two equal tracks is drawn on top"
