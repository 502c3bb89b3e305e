"""Is `hvg eval` fast enough? Target: evaluating a 6-second 128x128 video takes at most a quarter of the time it
took to render it with the preview backend, plus 5 s.

    .venv/bin/python benchmarks/eval_speed.py [PROGRAM] [--runs 5] [--cli]

Render time: `hvg.rendering.render` with the preview backend and no cache (what `hvg render --backend preview`
spends on drawing). Eval time: everything `hvg eval FILE VIDEO` does after start-up: compile, resolve, render the
reference with ground truth, read the video file, score every metric. Medians of --runs runs each.
With --cli, also the wall time of the two commands in fresh processes (start-up and imports included):
`hvg render PROGRAM -o V.mp4 --backend preview --no-cache` against `hvg eval PROGRAM V.mp4 --format json`.
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
    parser.add_argument("--cli", action="store_true", help="also time the commands in fresh processes")
    args = parser.parse_args()

    from hvg.evaluate.cli_support import compile_program
    from hvg.evaluate.pipeline import evaluate_video, plan_from_scene
    from hvg.rendering import RenderSettings, render
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
    if args.cli:
        time_commands(args.program, args.runs)


def time_commands(program: Path, runs: int) -> None:
    import subprocess
    import sys
    hvg = [sys.executable, "-m", "hvg.cli.main"]
    with tempfile.TemporaryDirectory() as folder:
        video = str(Path(folder) / "video.mp4")
        render = [*hvg, "render", str(program), "-o", video, "--backend", "preview", "--no-cache", "--force", "-q"]
        score = [*hvg, "eval", str(program), video, "--format", "json"]
        timings = {}
        for name, command in (("hvg render --backend preview", render), ("hvg eval", score)):
            seconds = []
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                seconds.append(time.perf_counter() - started)
            timings[name] = statistics.median(seconds)
            print(f"{name} (fresh process, median of {runs}): {timings[name]:.2f} s")
    budget = timings["hvg render --backend preview"] / 4 + 5
    verdict = "PASS" if timings["hvg eval"] <= budget else "FAIL"
    print(f"budget render/4 + 5 s: {budget:.2f} s -> {verdict}")


if __name__ == "__main__":
    main()
