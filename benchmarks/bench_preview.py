"""Frames a second of the preview renderer at 128x128 over a busy scene (median of several runs).

    .venv/bin/python benchmarks/bench_preview.py [--runs 5] [--frames 96] [--size 128]

Start-up (painting the background textures and sprites, which happens once per look) is excluded by a warm-up
render; each run then renders every frame from scratch, with and without ground truth. Wall-clock rates depend
on what else runs on the machine; frames per CPU-second (process time, all threads) is the steadier number.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from hvg.world.draw.handmade import Look, Shot, thing, timeline
from hvg.world.preview import render_preview


def busy_timeline(n: int, size: int):
    """Twelve moving, spinning, fading instances of many kinds over a waving beach, with a panning, zooming camera
    and a block change half way (to a drifting city at sunset in the rain)."""
    u = np.linspace(0.0, 1.0, n)
    things = [
        thing("ball", x=0.1 + 0.8 * u, y=0.75 - 0.3 * np.abs(np.sin(3 * np.pi * u)), size=0.12, layer=2),
        thing("car", x=0.9 - 0.7 * u, y=0.85, size=0.12, color="blue", layer=3),
        thing("bird", x=0.2 + 0.6 * u, y=0.2, size=0.08, color="white", rotation=10 * np.sin(8 * u)),
        thing("bird", x=0.8 - 0.5 * u, y=0.3, size=0.07, color="black"),
        thing("tree", x=0.15, y=0.55, size=0.3, color="green", layer=-1),
        thing("house", x=0.4, y=0.55, size=0.25, color="white", layer=-1),
        thing("person", x=0.3 + 0.3 * u, y=0.7, size=0.2, color="red", layer=1),
        thing("boat", x=0.7 + 0.1 * u, y=0.5, size=0.12, color="brown"),
        thing("balloon", x=0.6, y=0.6 - 0.5 * u, size=0.12, color="pink", layer=4),
        thing("star", x=0.85, y=0.15, size=0.1, color="yellow", rotation=360 * u),
        thing("cloud", x=0.3 + 0.2 * u, y=0.1, size=0.1, color="white", opacity=u),
        thing("flower", x=0.05 + 0.9 * u, y=0.9, size=0.1, color="purple", layer=5),
    ]
    blocks = [(0, Look("beach", motion="waves", strength=0.8)),
              (n // 2, Look("city", time_of_day="sunset", weather="rain", motion="drift"))]
    shot = Shot(cx=0.5 + 0.2 * u, zoom=1.0 + 0.3 * u)
    return timeline(things, n_frames=n, width=size, height=size, seed=7, blocks=blocks, shot=shot)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frames", type=int, default=96)
    parser.add_argument("--size", type=int, default=128)
    args = parser.parse_args()
    tl = busy_timeline(args.frames, args.size)
    render_preview(tl)                                    # start-up: textures and sprites
    for truth in (True, False):
        wall, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            render_preview(tl, ground_truth=truth)
            wall.append(args.frames / (time.perf_counter() - t0))
            cpu.append(args.frames / max(time.process_time() - c0, 1e-9))
        label = "with ground truth" if truth else "frames only"
        print(f"preview {args.size}x{args.size}, {len(tl.tracks)} instances, {label}: "
              f"{statistics.median(wall):.0f} frames/s wall clock, {statistics.median(cpu):.0f} frames per CPU-second "
              f"(medians of {args.runs}; wall runs {', '.join(f'{r:.0f}' for r in wall)})")


if __name__ == "__main__":
    main()
