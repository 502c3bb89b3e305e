"""Every metric moves the right way on deliberately broken versions of a synthetic video with exact ground truth.

The same claims are checked on real preview renders in test_validation_preview.py.
"""
import numpy as np
import pytest

from hvg.evaluate.score import VideoMismatch, score_video
from hvg.evaluate.synthetic import DEFAULT_DISCS, Disc, make_synthetic, synthetic_truth


@pytest.fixture(scope="module")
def video():
    return make_synthetic(n_frames=24, size=64, block_starts=[0, 12])


@pytest.fixture(scope="module")
def truth(video):
    return synthetic_truth(video)


@pytest.fixture(scope="module")
def perfect(video, truth):
    return score_video(video.frames, truth).summary


def test_the_reference_scores_near_perfect(perfect):
    assert perfect["control"]["mean_iou"] >= 0.95
    assert perfect["control"]["share_iou_50"] == 1.0
    assert perfect["control"]["miss_rate"] == 0.0
    assert perfect["fidelity"]["psnr"] == 100.0 and perfect["fidelity"]["ssim"] == pytest.approx(1.0)
    assert perfect["coherence"]["flicker"] < 0.005
    assert perfect["flow"]["cosine_moving"] > 0.8
    assert perfect["seams"]["jumps"] == []


def test_objects_shifted_by_a_tenth_of_the_frame_drop_iou_below_half(truth):
    shift = 64 / 10
    moved = tuple(Disc(d.color, d.radius, (d.start[0] + shift, d.start[1]), d.velocity) for d in DEFAULT_DISCS)
    shifted = make_synthetic(n_frames=24, size=64, discs=moved, block_starts=[0, 12])
    control = score_video(shifted.frames, truth).summary["control"]
    assert control["mean_iou"] < 0.5
    assert control["mean_centre_error_px"] == pytest.approx(shift, abs=1.0)


def test_shuffled_frames_worsen_flicker_and_warping_error(video, truth, perfect):
    order = np.random.default_rng(0).permutation(len(video.frames))
    shuffled = score_video(video.frames[order], truth).summary["coherence"]
    assert shuffled["flicker"] > 5 * perfect["coherence"]["flicker"]
    assert shuffled["warping_error"] > 2 * perfect["coherence"]["warping_error"]


def test_noise_worsens_fidelity_and_flicker(video, truth, perfect):
    rng = np.random.default_rng(1)
    noisy = np.clip(video.frames + rng.normal(0, 8, video.frames.shape), 0, 255).astype(np.uint8)
    summary = score_video(noisy, truth).summary
    assert summary["fidelity"]["psnr"] < 35
    assert summary["fidelity"]["ssim"] < 0.9
    assert summary["coherence"]["flicker"] > 5 * perfect["coherence"]["flicker"]


def test_a_hard_cut_inside_a_block_is_a_jump_at_that_frame(video, truth, perfect):
    other = make_synthetic(n_frames=24, size=64, block_starts=[0, 12], seed=7)  # another background
    cut = video.frames.copy()
    cut[6:12] = other.frames[6:12]  # frames 6..11 from another shot: cuts at 6 and back at 12 (a planned seam)
    seams = score_video(cut, truth).summary["seams"]
    assert 6 in seams["jumps"]
    assert seams["jump_ratio"] > 3 * perfect["seams"]["jump_ratio"]


def test_a_frozen_video_fails_flow_consistency(video, truth, perfect):
    frozen = np.repeat(video.frames[:1], len(video.frames), axis=0)
    flow = score_video(frozen, truth).summary["flow"]
    assert flow["cosine_moving"] < 0.2 < perfect["flow"]["cosine_moving"]
    assert flow["epe_moving"] > perfect["flow"]["epe_moving"]


def test_a_video_of_the_wrong_length_is_refused_with_a_hint(video, truth):
    with pytest.raises(VideoMismatch) as error:
        score_video(video.frames[:10], truth)
    assert "frames" in str(error.value) and error.value.hint


def test_scores_are_deterministic(video, truth, perfect):
    again = score_video(video.frames, truth).summary
    assert again["control"] == perfect["control"] and again["flow"] == perfect["flow"]
