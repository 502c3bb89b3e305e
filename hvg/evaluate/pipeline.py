"""Evaluation from files: program -> plan truth (reference render with ground truth) -> scores of a video.

    1. compile the program and resolve it to a timeline;
    2. render the procedural preview of the whole timeline with ground truth (masks, boxes, flow);
    3. apply the program's transitions to it, exactly as `hvg render` does, to get the reference frames
       (and, when asked, render another backend's frames for PSNR/SSIM only);
    4. score the video against it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from hvg.evaluate.score import EvalResult, score_video
from hvg.evaluate.truth import PlanTruth, plan_truth


@dataclass
class Plan:
    scene: object        # hvg.ir.Scene
    timeline: object     # hvg.world.timeline.Timeline
    truth: PlanTruth


def stitch_like_render(frames: np.ndarray, timeline) -> np.ndarray:
    """The preview frames with the program's transitions applied block by block, as the render pipeline does."""
    from hvg.rendering.stitch import apply_transition
    out = frames.copy()
    previous_last = None
    for span in timeline.blocks:
        block = frames[span.start_frame:span.end_frame]
        if len(block) == 0:
            continue
        out[span.start_frame:span.end_frame] = apply_transition(block, span, previous_last, timeline.fps)
        previous_last = block[-1]
    return out


def plan_from_scene(scene, reference_backend: str = "preview") -> Plan:
    """Resolve and render the reference of an IR scene."""
    from hvg.world.preview import render_preview
    from hvg.world.resolve import resolve
    timeline = resolve(scene)
    preview = render_preview(timeline, 0, None, ground_truth=True)
    from hvg.evaluate.background import background_only
    truth = replace(plan_truth(timeline, preview), reference=stitch_like_render(preview.frames, timeline),
                    background=background_only(timeline))
    if reference_backend != "preview":  # PSNR/SSIM against another backend; everything else stays the plan's
        from hvg.rendering import RenderSettings, render
        frames = render(scene, settings=RenderSettings(backend=reference_backend, cache_dir=None))
        truth = replace(truth, fidelity_reference=frames)
    return Plan(scene, timeline, truth)


def plan_from_file(program: str | Path, reference_backend: str = "preview") -> Plan:
    from hvg.lang.api import compile_scene
    return plan_from_scene(compile_scene(Path(program)), reference_backend)


def evaluate_video(plan: Plan, frames: np.ndarray, seed: int = 0) -> EvalResult:
    return score_video(frames, plan.truth, seed=seed)
