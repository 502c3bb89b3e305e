"""Each metric against a value worked out by hand."""
import numpy as np
import pytest

from hvg.evaluate import boxes, fidelity, flowcheck, seams
from hvg.evaluate.coherence import compensated_differences
from hvg.evaluate.opticalflow import measure_flow, warp_previous
from hvg.evaluate.synthetic import background


def test_psnr_of_a_constant_error_of_ten_is_28_13_db():
    reference = np.full((2, 8, 8, 3), 100, np.uint8)
    assert fidelity.psnr_per_frame(reference + 10, reference) == pytest.approx(10 * np.log10(255 ** 2 / 100))


def test_psnr_of_identical_frames_is_capped():
    frames = np.zeros((3, 8, 8, 3), np.uint8)
    assert (fidelity.psnr_per_frame(frames, frames) == fidelity.PSNR_CAP_DB).all()


def test_ssim_is_one_for_identical_frames_symmetric_and_below_one_otherwise():
    a = background(32, 32, seed=1).astype(np.uint8)[None]
    b = background(32, 32, seed=2).astype(np.uint8)[None]
    assert fidelity.ssim_per_frame(a, a)[0] == pytest.approx(1.0)
    assert fidelity.ssim_per_frame(a, b)[0] == pytest.approx(fidelity.ssim_per_frame(b, a)[0])
    assert fidelity.ssim_per_frame(a, b)[0] < 0.9


def test_ssim_matches_the_formula_on_constant_images():
    # constant images: variances 0, so SSIM = (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1)
    x, y = np.full((1, 24, 24, 3), 80, np.uint8), np.full((1, 24, 24, 3), 120, np.uint8)
    c1 = (0.01 * 255) ** 2
    assert fidelity.ssim_per_frame(x, y)[0] == pytest.approx((2 * 80 * 120 + c1) / (80 ** 2 + 120 ** 2 + c1))


def test_iou_and_centre_error():
    a = np.array([0, 0, 10, 10.0])
    b = np.array([5, 0, 15, 10.0])
    assert boxes.iou(a, b) == pytest.approx(50 / 150)
    assert boxes.centre_error(a, b) == pytest.approx(5.0)
    assert np.isnan(boxes.iou(a, np.full(4, np.nan)))


def test_clip_to_frame_drops_boxes_wholly_outside():
    clipped = boxes.clip_to_frame(np.array([[-5, 2, 4, 6], [-9, 0, -1, 3.0]]), 16, 16)
    assert clipped[0].tolist() == [0, 2, 4, 6] and np.isnan(clipped[1]).all()


def test_measured_flow_recovers_a_known_translation_as_backward_flow():
    from scipy.ndimage import gaussian_filter
    image = gaussian_filter(np.random.default_rng(3).uniform(0, 255, (64, 64, 3)), (1.5, 1.5, 0))
    image = (image - image.min()) / np.ptp(image) * 255
    frames = np.stack([image, np.roll(image, (1, 2), axis=(0, 1))]).astype(np.uint8)  # content moves +2 x, +1 y
    flow = measure_flow(frames)
    centre = flow[1, 16:48, 16:48]
    # backward: frame_1(p) = frame_0(p + flow) = frame_0(p - (2, 1))
    assert np.median(centre[..., 0]) == pytest.approx(-2, abs=0.2)
    assert np.median(centre[..., 1]) == pytest.approx(-1, abs=0.2)
    assert (flow[0] == 0).all()


def test_warping_along_the_true_flow_explains_a_translation():
    image = background(32, 32, seed=4)
    frames = np.stack([image, np.roll(image, 3, axis=1)]).astype(np.uint8)
    flow = np.zeros((2, 32, 32, 2), np.float32)
    flow[1, ..., 0] = -3
    warped, inside = warp_previous(frames[0], flow[1])
    assert not inside[:, :3].any() and inside[:, 3:].all()
    assert compensated_differences(frames, flow)[0] == pytest.approx(0, abs=1e-6)
    assert compensated_differences(frames, np.zeros_like(flow))[0] > 0.01


def test_cosine_agreement_same_opposite_and_frozen():
    planned = np.zeros((2, 4, 4, 2), np.float32)
    planned[1, ..., 0] = 2.0
    assert flowcheck.cosine_agreement(planned, planned) == pytest.approx(1.0)
    assert flowcheck.cosine_agreement(-planned, planned) == pytest.approx(-1.0)
    assert flowcheck.cosine_agreement(np.zeros_like(planned), planned) == 0.0
    assert np.isnan(flowcheck.cosine_agreement(planned, np.zeros_like(planned)))
    assert flowcheck.moving_endpoint_error(np.zeros_like(planned), planned) == pytest.approx(2.0)


def test_seam_ratio_and_jumps_on_a_hand_made_series():
    per_pair = np.array([0.01] * 9 + [0.05] + [0.01] * 9)  # pair 9 is (9, 10): the seam of a block at 10
    assert seams.seam_ratio(per_pair, [0, 10]) == pytest.approx(5.0)
    assert seams.jumps(per_pair, [0, 10]) == []           # a planned seam is not a jump
    assert seams.jumps(per_pair, [0]) == [10]             # the same step inside a block is
    assert seams.jump_ratio(per_pair, [0]) == pytest.approx(5.0)
    assert np.isnan(seams.seam_ratio(per_pair, [0]))


def test_video_psnr_is_not_hidden_by_identical_frames():
    reference = np.full((4, 8, 8, 3), 100, np.uint8)
    video = reference.copy()
    video[0] += 20  # one bad frame: MSE 400 on a quarter of the frames -> mean MSE 100
    assert fidelity.psnr_video(video, reference) == pytest.approx(10 * np.log10(255 ** 2 / 100))


def test_iou_is_symmetric_bounded_and_one_only_for_equal_boxes():
    rng = np.random.default_rng(5)
    corners = rng.uniform(0, 50, (200, 2, 2))
    a = np.concatenate([corners[:, 0], corners[:, 0] + rng.uniform(1, 20, (200, 2))], axis=1)
    b = np.concatenate([corners[:, 1], corners[:, 1] + rng.uniform(1, 20, (200, 2))], axis=1)
    scores = boxes.iou(a, b)
    assert np.allclose(scores, boxes.iou(b, a)) and (scores >= 0).all() and (scores <= 1).all()
    assert np.allclose(boxes.iou(a, a), 1.0) and (scores[np.abs(a - b).max(1) > 1e-6] < 1).all()


def test_assign_finds_the_cheapest_pairing_like_scipy():
    from scipy.optimize import linear_sum_assignment

    from hvg.evaluate.control import assign
    rng = np.random.default_rng(6)
    for shape in [(1, 1), (2, 3), (3, 2), (4, 4), (5, 3)]:
        cost = rng.uniform(0, 10, shape)
        rows, cols = assign(cost)
        r, c = linear_sum_assignment(cost)
        assert cost[rows, cols].sum() == pytest.approx(cost[r, c].sum())
        assert len(set(rows)) == len(rows) == len(set(cols)) == min(shape)


def test_a_jump_the_reference_makes_too_is_planned():
    per_pair = np.array([0.01] * 9 + [0.2] + [0.01] * 9)
    assert seams.jumps(per_pair, [0], reference=per_pair * 0.9) == []
    assert seams.jumps(per_pair, [0], reference=np.full(19, 0.01)) == [10]


def test_crossfade_frames_count_as_partly_transparent():
    from types import SimpleNamespace

    from hvg.evaluate.truth import crossfade_weights
    blocks = [SimpleNamespace(start_frame=0, end_frame=12, transition_in="cut", transition_duration=0.0),
              SimpleNamespace(start_frame=12, end_frame=24, transition_in="crossfade", transition_duration=0.25)]
    weights = crossfade_weights(SimpleNamespace(n_frames=24, fps=12, blocks=blocks))
    assert weights[:12].tolist() == [1.0] * 12 and weights[15:].tolist() == [1.0] * 9
    assert weights[12:15].tolist() == pytest.approx([0.25, 0.5, 0.75])  # as hvg.rendering.stitch blends them
