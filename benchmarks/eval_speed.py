"""Is `hvg eval` fast enough? Target: evaluating a 6-second 128x128 video takes at most a quarter of the time it
took to render it with the preview backend, plus 5 s.

    .venv/bin/python benchmarks/eval_speed.py [PROGRAM] [--runs 5]

Render time: `hvg.render.render` with the preview backend and no cache (what `hvg render --backend preview`
spends on drawing). Eval time: everything `hvg eval FILE VIDEO` does after start-up: compile, resolve, render the
reference with ground truth, read the video file, score every metric. Medians of --runs runs each.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent / "suite" / "13-sun-moon-crossfade.scene"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from hvg.evaluate.cli_support import compile_program
    from hvg.evaluate.pipeline import evaluate_video, plan_from_scene
    from hvg.render import RenderSettings, render
    from hvg.video.io import read_video, write_video

    scene = compile_program(args.program)
    settings = RenderSettings(backend="preview", cache_dir=None)
    render(scene, settings=settings)  # warm up: sprite caches, imports
    render_times, eval_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / "video.mp4"
        for _ in range(args.runs):
            started = time.perf_counter()
            frames = render(scene, settings=settings)
            render_times.append(time.perf_counter() - started)
        write_video(frames, video, scene.video.fps, force=True)
        for _ in range(args.runs):
            started = time.perf_counter()
            plan = plan_from_scene(compile_program(args.program))
            result = evaluate_video(plan, read_video(video)[0])
            eval_times.append(time.perf_counter() - started)
    render_s, eval_s = statistics.median(render_times), statistics.median(eval_times)
    budget = render_s / 4 + 5
    seconds = len(frames) / scene.video.fps
    print(f"program: {args.program.name} ({seconds:g} s, {frames.shape[2]}x{frames.shape[1]}, {len(frames)} frames)")
    print(f"render (preview, median of {args.runs}): {render_s:.2f} s")
    print(f"eval (median of {args.runs}): {eval_s:.2f} s")
    print(f"budget render/4 + 5 s: {budget:.2f} s -> {'PASS' if eval_s <= budget else 'FAIL'}")
    print(f"mean IoU of the preview's own video (mp4): {result.summary['control']['mean_iou']:.3f}")


if __name__ == "__main__":
    main()
