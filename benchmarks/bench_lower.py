"""Lowering speed: one 3-second block at 128x128 (12 fps, 36 frames, grid 16x16), and noise generation rates.

    .venv/bin/python benchmarks/bench_lower.py [--runs 9] [--threads 1] [--program FILE.scene --block N]
    .venv/bin/python benchmarks/bench_lower.py --tracking     # how well warped noise follows motion, by speed

- lower (flow given): `lower(scene, 0, timeline=..., flow=...)` with the embedding model loaded and its cache warm,
  the renderer's flow already computed: the lowering's own work (embeddings, layout maps, vectors);
- lower (with renderer flow): the same, the flow computed by the preview renderer inside `lower` (as
  `hvg compile --tensors` does); skipped when the renderer is not installed;
- noise: latent frames a second for warped (ρ = 0.9), FreeNoise and i.i.d. noise, 16 channels, at the 16x16 grid
  of 128x128 video and the 64x64 grid of 512x512, along the block's own motion.
Every figure is the median of --runs runs, after one warm-up run.

--tracking: for diagonal motion (s, s/2) cells a frame on a 16x16 grid (40 frames, 8 channels, 4 seeds,
rho = 0.9), the correlation found within one cell of the true path divided by rho^lag, lags 1..8, for the naive
per-frame rounding and for the sub-cell transport warped noise uses (docs/lowering.md has the table).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from hvg.ir import At, Background, Block, Bounces, CameraOp, Entity, Moves, Placement, Scene, VideoSettings  # noqa: E402
from hvg.lower.conditioning import lower, resolve_for_lowering  # noqa: E402
from hvg.lower.motion_field import noise_flow  # noqa: E402
from hvg.lower.noise import make_noise  # noqa: E402


def beach_scene() -> Scene:
    """Three seconds on a beach: a bouncing ball, a gliding gull, two palms, the camera panning."""
    def place(name, motion, instance=None):
        return Placement(entity=name, instance=instance or name, motion=motion, start=0, end=3)
    return Scene(
        video=VideoSettings(title="bench", width=128, height=128, fps=12, seed=1, style="pastel"),
        entities=[Entity(name="ball", kind="ball", color="red", size=0.12),
                  Entity(name="gull", kind="a seagull", free_words=True, color="white", size=0.08, look="wings wide"),
                  Entity(name="palm", kind="tree", color="green", size=0.3, layer=-1)],
        blocks=[Block(start=0, end=3, description="A red ball bounces on the sand as a gull glides past",
                      background=Background(kind="beach", time="sunset", motion="waves", strength=0.5),
                      camera=[CameraOp(op="pan", value=(-0.05, 0.0))],
                      placements=[place("ball", Bounces(start=(0.2, 0.8), end=(0.8, 0.8), height=0.3, times=2)),
                                  place("gull", Moves(path=[(0.0, 0.2), (1.0, 0.15)], ease="in_out")),
                                  place("palm", At(pos=(0.15, 0.55)), "palm@palms[0]"),
                                  place("palm", At(pos=(0.5, 0.55)), "palm@palms[1]")])])


def median_seconds(run, runs: int) -> float:
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def tracking_table() -> None:
    from hvg.lower import noise
    from hvg.lower.noise_stats import trajectory_correlation

    def ratios(speed: float, naive: bool) -> list[float]:
        flow = torch.zeros(40, 16, 16, 2)
        flow[..., 0], flow[..., 1] = -speed, -speed / 2
        transport = noise.noise_transport
        if naive:
            noise.noise_transport = lambda f, continues=True: noise.transport_sources(f)
        try:
            draws = [noise.warped_noise(flow, 8, generator=torch.Generator().manual_seed(s), correlation=0.9)
                     for s in range(4)]
        finally:
            noise.noise_transport = transport
        measured = torch.tensor([trajectory_correlation(z, flow, 8) for z in draws]).mean(0)
        return [float(m) / 0.9 ** (lag + 1) for lag, m in enumerate(measured)]

    print("correlation within one cell of the true path / rho^lag, lags 1..8")
    for speed in (0.07, 0.3, 0.5, 0.8, 1.3):
        for naive in (True, False):
            label = "per-frame rounding" if naive else "sub-cell offsets  "
            print(f"speed {speed:4.2f}  {label}  " + " ".join(f"{r:5.2f}" for r in ratios(speed, naive)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--program", type=Path, help="a .scene program instead of the built-in beach block")
    parser.add_argument("--block", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: steadier on a shared machine)")
    parser.add_argument("--tracking", action="store_true", help="print how well warped noise follows motion")
    args = parser.parse_args()
    os.environ.setdefault("HVG_CACHE_DIR", tempfile.mkdtemp(prefix="hvg-bench-"))
    torch.set_num_threads(args.threads)
    if args.tracking:
        tracking_table()
        return

    if args.program:
        from hvg.lang.api import compile_scene
        scene = compile_scene(args.program)
    else:
        scene = beach_scene()
    timeline = resolve_for_lowering(scene)
    span = timeline.blocks[args.block]
    print(f"block {args.block}: {span.end_frame - span.start_frame} frames at {timeline.width}x{timeline.height}, "
          f"{len(timeline.tracks)} instances; torch threads {torch.get_num_threads()}; median of {args.runs} runs")

    try:
        from hvg.lower.motion_field import pixel_flow
        flow = pixel_flow(timeline, span.start_frame, span.end_frame)
        seconds = median_seconds(lambda: lower(scene, args.block, timeline=timeline), args.runs)
        print(f"lower (with renderer flow)  {seconds * 1000:8.1f} ms")
    except ImportError:
        import numpy as np
        flow = np.zeros((span.end_frame - span.start_frame, timeline.height, timeline.width, 2), np.float32)
        print("lower (with renderer flow)  skipped: hvg.world.preview is not installed")
    seconds = median_seconds(lambda: lower(scene, args.block, timeline=timeline, flow=flow), args.runs)
    print(f"lower (flow given)          {seconds * 1000:8.1f} ms")

    cond = lower(scene, args.block, timeline=timeline, flow=flow)
    grid_flow = noise_flow(cond.motion)                               # (t, 16, 16, 2)
    frames = grid_flow.shape[0]
    for scale in (1, 4):
        flow_at = torch.nn.functional.interpolate(grid_flow.permute(0, 3, 1, 2), scale_factor=scale) * scale
        flow_at = flow_at.permute(0, 2, 3, 1).contiguous()
        shape = (16, frames, *flow_at.shape[1:3])
        rates = []
        for kind in ("warped", "freenoise", "iid"):
            seconds = median_seconds(lambda: make_noise(kind, shape, generator=torch.Generator().manual_seed(0),
                                                        flow=flow_at), args.runs)
            rates.append(f"{kind} {frames / seconds:10.0f}")
        print(f"noise {shape[2]}x{shape[3]}x16 frames/s:  " + "   ".join(rates))


if __name__ == "__main__":
    main()
