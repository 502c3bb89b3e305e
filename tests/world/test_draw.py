"""The drawing layer: every kind, background, weather and style renders, and each looks unlike the others."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from hvg.vocab import BACKGROUNDS, KIND_ASPECT, KINDS, STYLES, TIMES_OF_DAY, WEATHERS
from hvg.world.contact import contact_sheet
from hvg.world.draw.handmade import Look, thing, timeline
from hvg.world.draw.sprites import sprite
from hvg.world.preview import render_preview

SIZE = 64


def still(things, look: Look, size: int = SIZE, n_frames: int = 1, **kw):
    return render_preview(timeline(things, n_frames=n_frames, width=size, height=size, look=look, **kw))


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


@pytest.mark.parametrize("kind", KINDS)
def test_sprite_fills_the_kinds_box(kind):
    """Sizes are heights and widths follow KIND_ASPECT, so the drawing must touch its box's edges."""
    level = sprite(kind, (200, 60, 60)).levels[0]
    alpha = level[..., 3] > 0
    rows, cols = np.flatnonzero(alpha.any(1)), np.flatnonzero(alpha.any(0))
    h, w = alpha.shape
    assert w == round(h * KIND_ASPECT[kind])
    assert rows[0] <= 0.02 * h and rows[-1] >= 0.98 * h - 1, "the drawing should span the full height"
    min_width = 0.75 if kind == "moon" else 0.97       # a crescent is narrower than its disc; see docs/world.md
    assert (cols[-1] + 1 - cols[0]) >= min_width * w
    assert abs((cols[0] + cols[-1] + 1) / 2 - w / 2) <= 0.02 * w, "the drawing should be centred in its box"


def test_sprite_takes_the_entity_colour():
    red, blue = sprite("ball", (220, 50, 47)).levels[2], sprite("ball", (40, 90, 220)).levels[2]
    inside = red[..., 3] == 255
    assert red[inside][:, 0].mean() > red[inside][:, 2].mean() + 50
    assert blue[inside][:, 2].mean() > blue[inside][:, 0].mean() + 50


def test_kinds_have_different_shapes():
    """Masks of two kinds at the same place and size overlap clearly less than fully."""
    masks = {k: still([thing(k, size=0.5, color="red")], Look("plain"), size=96).masks[0] == 0 for k in KINDS}
    for a, b in itertools.combinations(KINDS, 2):
        iou = (masks[a] & masks[b]).sum() / (masks[a] | masks[b]).sum()
        assert iou < 0.85, f"{a} and {b} masks are nearly the same shape (IoU {iou:.2f})"


def test_kinds_look_different():
    frames = {k: still([thing(k, size=0.5, color="blue")], Look("plain")).frames[0] for k in KINDS}
    for a, b in itertools.combinations(KINDS, 2):
        assert mean_abs_diff(frames[a], frames[b]) > 3.0, f"{a} and {b} look alike"


def test_backgrounds_render_and_differ():
    frames = {bg: still([], Look(bg)).frames[0] for bg in BACKGROUNDS}
    for bg, frame in frames.items():
        assert frame.shape == (SIZE, SIZE, 3) and frame.dtype == np.uint8
        assert frame.std() > 2.0 or bg == "plain", f"{bg} has no structure"
    for a, b in itertools.combinations(BACKGROUNDS, 2):
        assert mean_abs_diff(frames[a], frames[b]) > 8.0, f"backgrounds {a} and {b} look alike"


@pytest.mark.parametrize("bg", ["sky", "grass", "room"])
def test_time_of_day_changes_the_picture(bg):
    frames = {t: still([], Look(bg, time_of_day=t)).frames[0] for t in TIMES_OF_DAY}
    for a, b in itertools.combinations(TIMES_OF_DAY, 2):
        assert mean_abs_diff(frames[a], frames[b]) > 4.0, f"{bg}: {a} and {b} look alike"
    assert frames["night"].mean() < frames["day"].mean() - 30


def test_weathers_render_and_differ():
    frames = {w: still([thing("house", size=0.4)], Look("grass", weather=w)).frames[0] for w in WEATHERS}
    for a, b in itertools.combinations(WEATHERS, 2):
        assert mean_abs_diff(frames[a], frames[b]) > 4.0, f"weather {a} and {b} look alike"


def test_colour_tints_the_background():
    plain = still([], Look("grass")).frames[0].astype(np.float32)
    red = still([], Look("grass", color=(220, 50, 47))).frames[0].astype(np.float32)
    assert (red[..., 0] - red[..., 1]).mean() > (plain[..., 0] - plain[..., 1]).mean() + 20
    blue_plain = still([], Look("plain", color=(40, 90, 220))).frames[0].astype(np.float32)
    assert blue_plain[..., 2].mean() > blue_plain[..., 0].mean() + 100


def test_styles_render_and_differ():
    scene = [thing("house", x=0.3, size=0.4, color="white"), thing("ball", x=0.75, y=0.7, size=0.25, color="red")]
    frames = {s: still(scene, Look("beach", style=s)).frames[0] for s in STYLES}
    for a, b in itertools.combinations(STYLES, 2):
        assert mean_abs_diff(frames[a], frames[b]) > 5.0, f"styles {a} and {b} look alike"
    noir = frames["noir"].astype(np.int16)
    assert np.abs(noir[..., 0] - noir[..., 2]).max() == 0, "noir is black and white"


def test_styles_keep_the_ground_truth():
    scene = [thing("star", size=0.5)]
    flat, neon = still(scene, Look("grass")), still(scene, Look("grass", style="neon"))
    assert np.array_equal(flat.masks, neon.masks) and np.array_equal(flat.flow, neon.flow)


@pytest.mark.parametrize("motion", ["waves", "drift", "flicker", "rain"])
def test_background_motion_moves_a_still_shot(motion):
    n = 6
    moving = still([], Look("ocean", motion=motion, strength=2.0), n_frames=n).frames
    steady = still([], Look("ocean"), n_frames=n).frames
    assert mean_abs_diff(steady[0], steady[-1]) == 0.0
    assert mean_abs_diff(moving[0], moving[-1]) > 0.3, f"{motion} does not move"


def test_motion_strength_scales_the_motion():
    weak = still([], Look("ocean", motion="waves", strength=0.5), n_frames=4).frames
    strong = still([], Look("ocean", motion="waves", strength=3.0), n_frames=4).frames
    assert mean_abs_diff(strong[0], strong[3]) > 1.5 * mean_abs_diff(weak[0], weak[3])


def test_contact_sheet_tiles_with_labels():
    frames = np.zeros((5, 20, 30, 3), np.uint8)
    frames[2] = 255
    sheet = contact_sheet(frames, columns=3, labels=list("abcde"))
    plain = contact_sheet(frames, columns=3)
    assert sheet.shape[1] == plain.shape[1] == 3 * 34 + 4
    assert sheet.shape[0] > plain.shape[0] == 2 * 24 + 4
    assert (plain[4:24, 4 + 2 * 34:4 + 2 * 34 + 30] == 255).all()
    with pytest.raises(ValueError, match="labels"):
        contact_sheet(frames, labels=["only one"])
