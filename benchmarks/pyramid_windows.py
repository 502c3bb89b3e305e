"""Pyramid stage windows from noise: the suite's control and render time when the 3-stage plan's stage ends and
step counts are changed (an exploration for issue 6's "pyramid at equal control"; the shipped plan is `shipped`).

    .venv/bin/python benchmarks/pyramid_windows.py thirds earliest shipped between

Each variant swaps `stage_plan` in the sampler for the run (nothing in hvg changes), renders every suite program
with `builtin:init=noise` at the standard preset (cache off) and prints mean IoU, the share of entity-frames with
IoU >= 0.5, and median / mean render seconds per program.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

SUITE = Path(__file__).resolve().parents[1] / "benchmarks" / "suite"
VARIANTS = {                      # stage ends (coarsest first), steps per stage; 16 steps in all
    "shipped": ((0.1, 0.3, 1.0), (6, 5, 5)),      # hvg.model.pyramid.stage_plan since session 5
    "thirds": ((1 / 3, 2 / 3, 1.0), (6, 5, 5)),   # the plan until session 5: full resolution from t = 0.5
    "early": ((0.2, 0.4, 1.0), (6, 5, 5)),        # full resolution from t = 0.25
    "between": ((0.1, 0.25, 1.0), (6, 5, 5)),     # from t = 0.14
    "earliest": ((0.05, 0.15, 1.0), (6, 5, 5)),   # from t = 0.08
    "coarse": ((1 / 3, 2 / 3, 1.0), (8, 5, 3)),   # thirds, more of the steps at low resolution
    "fewer-fine": ((0.1, 0.3, 1.0), (7, 5, 4)),   # the shipped windows, one full-resolution step moved coarsest
    "fewer-fine-half": ((0.1, 0.3, 1.0), (6, 6, 4)),  # ... moved to the half-resolution stage
}


def measure(variant: str) -> str:
    import hvg.model.sampler as sampler
    from hvg.evaluate.cli_support import compile_program
    from hvg.evaluate.pipeline import evaluate_video, plan_from_scene
    from hvg.model.pyramid import Stage, jump_time, stage_plan
    from hvg.rendering import RenderSettings, render

    ends, counts = VARIANTS[variant]

    def plan(steps: int, stages: int):
        if stages != len(ends) or steps != sum(counts):
            return stage_plan(steps, stages)
        starts = [0.0] + [jump_time(e) for e in ends[:-1]]
        return [Stage(s, e, n) for s, e, n in zip(starts, ends, counts)]

    sampler.stage_plan = plan
    ious, hits, seconds = [], [], []
    for program in sorted(SUITE.glob("*.scene")):
        scene = compile_program(program)
        started = time.perf_counter()
        frames = render(scene, settings=RenderSettings(backend="builtin", cache_dir=None, quality="standard",
                                                       backend_options={"init": "noise"}))
        seconds.append(time.perf_counter() - started)
        summary = evaluate_video(plan_from_scene(scene), frames).summary
        ious.append(summary["control"]["mean_iou"])
        hits.append(summary["control"]["share_iou_50"])
    sampler.stage_plan = stage_plan
    return (f"| {variant} | {', '.join(f'{e:.2f}' for e in ends)} | {', '.join(map(str, counts))} | {np.nanmean(ious):.3f} | {np.nanmean(hits):.1%} | "
            f"{np.median(seconds):.2f} / {np.mean(seconds):.2f} |")


def main() -> None:
    print("| variant | stage ends | steps | mean IoU | IoU >= 0.5 | s / program (median / mean) |")
    print("|---|---|---|---|---|---|")
    for variant in sys.argv[1:] or list(VARIANTS):
        print(measure(variant), flush=True)


if __name__ == "__main__":
    main()
