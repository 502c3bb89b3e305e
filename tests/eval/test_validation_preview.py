"""The validation claims of test_validation_synthetic.py, on real renders of the preview renderer.

The program is one of the benchmark suite's: four balls racing across a white floor with the four eases
(3 s, 36 frames, 128x128). Broken videos are made from real renders: the objects shifted by re-rendering a
timeline whose screen positions moved, the rest by corrupting the render.
"""
import copy
from pathlib import Path

import numpy as np
import pytest

from hvg.evaluate.pipeline import evaluate_video, plan_from_scene

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "suite"
PROGRAM = SUITE / "24-eases-four-balls.scene"


@pytest.fixture(scope="module")
def plan():
    from hvg.lang.api import compile_scene
    return plan_from_scene(compile_scene(PROGRAM))


@pytest.fixture(scope="module")
def video(plan):
    return plan.truth.reference


@pytest.fixture(scope="module")
def perfect(plan, video):
    return evaluate_video(plan, video).summary


def test_the_preview_render_scores_near_perfect(perfect):
    assert perfect["control"]["mean_iou"] >= 0.95
    assert perfect["control"]["share_iou_50"] == 1.0
    assert perfect["fidelity"]["psnr"] == 100.0 and perfect["fidelity"]["ssim"] == pytest.approx(1.0)
    assert perfect["flow"]["cosine_moving"] > 0.9
    assert perfect["seams"]["jumps"] == []


def test_objects_shifted_by_a_tenth_of_the_frame_drop_iou_below_half(plan, perfect):
    from hvg.world.preview import render_preview
    shifted_timeline = copy.deepcopy(plan.timeline)
    for track in shifted_timeline.tracks:
        track.screen_x = track.screen_x + 0.1
    shifted = render_preview(shifted_timeline, ground_truth=False).frames
    control = evaluate_video(plan, shifted).summary["control"]
    assert control["mean_iou"] < 0.5 < perfect["control"]["mean_iou"]
    # the balls are found where they were drawn: a tenth of 128 pixels to the right (less where cut by the edge)
    assert 8 < control["mean_centre_error_px"] < 14


def test_shuffled_frames_worsen_flicker_and_warping_error(plan, video, perfect):
    order = np.random.default_rng(0).permutation(len(video))
    shuffled = evaluate_video(plan, video[order]).summary["coherence"]
    assert shuffled["flicker"] > 5 * perfect["coherence"]["flicker"]
    assert shuffled["warping_error"] > 2 * perfect["coherence"]["warping_error"]


def test_noise_worsens_fidelity_and_flicker(plan, video, perfect):
    rng = np.random.default_rng(1)
    noisy = np.clip(video + rng.normal(0, 8, video.shape), 0, 255).astype(np.uint8)
    summary = evaluate_video(plan, noisy).summary
    assert summary["fidelity"]["psnr"] < 35
    assert summary["fidelity"]["ssim"] < 0.9
    assert summary["coherence"]["flicker"] > 5 * perfect["coherence"]["flicker"]


def test_a_hard_cut_inside_a_block_is_a_jump_at_that_frame(plan, video, perfect):
    from hvg.lang.api import compile_scene
    other = plan_from_scene(compile_scene(SUITE / "18-ball-bounces-beach.scene")).truth.reference
    cut = video.copy()
    cut[18:] = other[18:len(video)]  # the second half of this single-block video comes from another shot
    seams = evaluate_video(plan, cut).summary["seams"]
    assert 18 in seams["jumps"]
    assert seams["jump_ratio"] > 3 * perfect["seams"]["jump_ratio"]


def test_a_frozen_video_fails_flow_consistency(plan, video, perfect):
    frozen = np.repeat(video[:1], len(video), axis=0)
    flow = evaluate_video(plan, frozen).summary["flow"]
    assert flow["cosine_moving"] < 0.2 < perfect["flow"]["cosine_moving"]
    assert flow["epe_moving"] > 3 * perfect["flow"]["epe_moving"]
