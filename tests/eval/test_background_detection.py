"""Detection against the plan's background alone: the cover rule, the guard for videos with their own
background, and the edge calibration, on hand-made arrays with known answers."""
import numpy as np

from hvg.evaluate.control import apply_shift, edge_shift, matches_background
from hvg.evaluate.detect import AppearanceModel, classify_against_background, detect_group

GREY, RED = (100, 100, 100), (200, 0, 0)


def _scene(cover_left: float, cover_right: float) -> tuple[np.ndarray, np.ndarray]:
    """A red square (columns 10..15, rows 10..15) on grey, its left and right edge columns partly covered."""
    background = np.full((1, 32, 32, 3), GREY, np.uint8)
    frame = background.astype(np.float32).copy()
    frame[0, 10:16, 11:15] = RED
    for column, cover in ((10, cover_left), (15, cover_right)):
        frame[0, 10:16, column] = cover * np.array(RED) + (1 - cover) * np.array(GREY)
    return np.rint(frame).astype(np.uint8), background


def _model() -> AppearanceModel:
    return AppearanceModel(np.array([GREY, RED], np.float32), np.array([-1, 0]))


def test_a_pixel_counts_when_the_object_covers_at_least_half_of_it():
    frame, background = _scene(cover_left=0.7, cover_right=0.3)
    labels = classify_against_background(frame, background, _model())[0]
    assert (labels[10:16, 10] == 0).all()      # 70 % covered: the object's
    assert (labels[10:16, 15] == -1).all()     # 30 % covered: the background's
    box = detect_group(labels, 0, 1)[0]
    np.testing.assert_array_equal(box, [10, 10, 15, 16])


def test_a_white_object_in_front_of_white_background_clouds_is_found():
    background = np.full((1, 32, 32, 3), (120, 140, 200), np.uint8)
    background[0, 5:25, 5:25] = (245, 245, 245)           # the sky's own white cloud
    frame = background.copy()
    frame[0, 8:14, 8:20] = (240, 240, 240)                # the entity: a white cloud, slightly darker
    frame[0, 8, 8:20] = frame[0, 13, 8:20] = (90, 90, 90)  # with the preview's dark rim
    model = AppearanceModel(np.array([(120, 140, 200), (245, 245, 245), (240, 240, 240), (90, 90, 90)], np.float32),
                            np.array([-1, -1, 0, 0]))
    labels = classify_against_background(frame, background, model)[0]
    np.testing.assert_array_equal(detect_group(labels, 0, 1)[0], [8, 8, 20, 14])


def test_a_video_with_its_own_background_does_not_use_the_plans():
    frame, background = _scene(1.0, 1.0)
    reference = frame
    assert matches_background(reference, reference, background)
    other_sky = np.clip(frame.astype(int) + 60, 0, 255).astype(np.uint8)
    assert not matches_background(other_sky, reference, background)
    rng = np.random.default_rng(0)
    codec_noise = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    assert matches_background(codec_noise, reference, background)


def test_edge_calibration_undoes_a_constant_rim_and_keeps_no_position():
    rng = np.random.default_rng(1)
    planned = np.zeros((20, 1, 4))
    planned[:, 0, :2] = rng.integers(0, 100, (20, 2))
    planned[:, 0, 2:] = planned[:, 0, :2] + rng.integers(10, 30, (20, 2))
    width = planned[..., 2] - planned[..., 0]
    found = planned.copy()
    found[..., 0] -= 0.1 * width / 1.2          # a rim one twelfth of the found width each side in x
    found[..., 2] += 0.1 * width / 1.2
    shift = edge_shift(found, planned, np.ones((20, 1), bool))
    np.testing.assert_allclose(shift[[1, 3]], 0.0, atol=1e-9)
    np.testing.assert_allclose(apply_shift(found, shift), planned, atol=1e-6)
    # relative to the found box: the same shift moved across the frame moves the corrected box with it
    moved = found + np.array([13, 0, 13, 0])
    np.testing.assert_allclose(apply_shift(moved, shift), planned + np.array([13, 0, 13, 0]), atol=1e-6)
