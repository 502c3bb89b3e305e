"""Synthetic data throughput: clips a second for each stage of making a clip.

    .venv/bin/python benchmarks/bench_synth.py [--clips 50] [--runs 5] [--size 128x128] [--fps 12]

Stages, each timed over --clips clips (clip i of seed 0, as `hvg data synth` makes them), median of --runs runs:
- program: `random_scene` + `unparse` (the source text);
- resolve: the above plus `resolve` (the Timeline and its boxes);
- render:  the above plus the preview renderer's frames, masks and flow (skipped when it is not installed).
Clips are 2..6 s long (the generator's default), so a clip averages about 4 s = 48 frames at 12 fps.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hvg.lang.unparse import unparse  # noqa: E402
from hvg.world.resolve import resolve  # noqa: E402
from hvg.world.synth import ProgramConfig, make_clip, preview_renderer  # noqa: E402
from hvg.world.synth_program import random_scene  # noqa: E402


def clips_per_second(make, clips: int, runs: int) -> float:
    rates = []
    for _ in range(runs):
        t = time.perf_counter()
        for i in range(clips):
            make(i)
        rates.append(clips / (time.perf_counter() - t))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="128x128")
    parser.add_argument("--fps", type=int, default=12)
    args = parser.parse_args()
    import numpy as np
    width, height = (int(v) for v in args.size.split("x"))
    config = ProgramConfig(size=(width, height), fps=args.fps)

    def program(i):
        return unparse(random_scene(np.random.default_rng([0, i]), config))

    def resolved(i):
        scene = random_scene(np.random.default_rng([0, i]), config)
        unparse(scene)
        return resolve(scene)

    frames = sum(resolved(i).n_frames for i in range(args.clips))
    print(f"{args.clips} clips, {frames} frames ({frames / args.clips:.1f} a clip), {width}x{height} at "
          f"{args.fps} fps; median of {args.runs} runs")
    print(f"program            {clips_per_second(program, args.clips, args.runs):10.1f} clips/s")
    print(f"program + resolve  {clips_per_second(resolved, args.clips, args.runs):10.1f} clips/s")
    try:
        renderer = preview_renderer()
    except ImportError:
        print("program + resolve + preview render: skipped (hvg.world.preview is not installed)")
        return
    rate = clips_per_second(lambda i: make_clip(0, i, config=config, renderer=renderer),
                            max(1, args.clips // 5), args.runs)
    print(f"+ preview render   {rate:10.2f} clips/s ({rate * frames / args.clips:.0f} frames/s)")


if __name__ == "__main__":
    main()
