"""Benchmarks of the built-in model: latent-space reconstruction, sampling cost (pyramid vs full resolution).

    .venv/bin/python benchmarks/bench_model.py latent --clips 16          # PSNR of PatchPCA by channel count
    .venv/bin/python benchmarks/bench_model.py latent-iou --suite DIR     # control the latent code alone keeps
    .venv/bin/python benchmarks/bench_model.py sample --runs 5            # seconds per 12-frame block
    .venv/bin/python benchmarks/bench_model.py render --programs 01,08,18 # PSNR vs the preview, noise vs animatic
    .venv/bin/python benchmarks/bench_model.py all

Timings are medians of `--runs` runs; everything is seeded. Prints markdown tables.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from einops import rearrange


def bench_latent(clips: int, seed: int = 7) -> str:
    from hvg.model.autoencoder import PatchPCA, psnr
    from hvg.model.data import clip_frames
    from hvg.world.synth import ProgramConfig, SyntheticClips, preview_renderer
    rendered = list(SyntheticClips(seed, config=ProgramConfig(duration=(3.0, 4.5), max_blocks=2),
                                   renderer=preview_renderer(), length=clips))
    split = max(1, round(len(rendered) * 0.625))          # 16 clips: fit on 10, score on 6
    fit = torch.cat([clip_frames(c) for c in rendered[:split]])
    held_out = [clip_frames(c) for c in rendered[split:]]
    rows = ["| latent channels | compression | held-out PSNR (dB) |", "|---|---|---|"]
    for channels in (8, 12, 16, 24, 32, 48):
        code = PatchPCA(channels).fit(fit)
        scores = [psnr(v, code.decode(code.encode(rearrange(v, "n c h w -> 1 c n h w")))[0].transpose(0, 1))
                  for v in held_out]
        rows.append(f"| {channels} | {192 / channels:.0f}x | {np.mean(scores):.2f} |")
    return f"PatchPCA on {len(rendered)} preview clips (fit on {split}, scored on the rest)\n\n" + "\n".join(rows)


def bench_latent_iou(suite: str, channels=(16, 24, 32, 48)) -> str:
    """Mean IoU of each suite program's animatic passed through PatchPCA of each width and back (linear decode, no
    model): the ceiling a latent space puts on control. Fitted as `hvg train` fits it (first 64 training clips)."""
    from pathlib import Path

    from hvg.evaluate.cli_support import compile_program
    from hvg.evaluate.pipeline import evaluate_video, plan_from_scene
    from hvg.model.autoencoder import PatchPCA, frames_to_tensor, tensor_to_frames
    from hvg.model.data import clip_frames, training_stream
    from hvg.rendering import RenderSettings, render
    frames = torch.cat([clip_frames(c) for c in training_stream(0, 64, 3.0)])
    frames = frames[torch.linspace(0, len(frames) - 1, 2000).long()]
    codes = {n: PatchPCA(n).fit(frames) for n in channels}
    scores = {n: [] for n in ("animatic", *channels)}
    for program in sorted(Path(suite).glob("*.scene")):
        scene = compile_program(program)
        plan = plan_from_scene(scene)
        animatic = render(scene, settings=RenderSettings(backend="preview", cache_dir=None))
        videos = {"animatic": animatic}
        with torch.no_grad():
            videos |= {n: tensor_to_frames(code.decode(code.encode(frames_to_tensor(animatic))))
                       for n, code in codes.items()}
        for name, video in videos.items():
            control = evaluate_video(plan, video).summary["control"]
            scores[name].append((control["mean_iou"], control["share_iou_50"]))
    rows = ["| video | mean IoU | IoU >= 0.5 |", "|---|---|---|"]
    for name, values in scores.items():
        label = name if name == "animatic" else f"animatic through {name}-channel PatchPCA"
        rows.append(f"| {label} | {np.nanmean([v[0] for v in values]):.3f} | {np.nanmean([v[1] for v in values]):.1%} |")
    return f"{len(scores['animatic'])} programs of {suite}\n\n" + "\n".join(rows)


def bench_sample(runs: int, checkpoint: str | None, frames: int = 12, steps: int = 16) -> str:
    from hvg.backends import shipped_checkpoint
    from hvg.model.checkpoint import load_checkpoint
    from hvg.model.condition import ModelCondition
    from hvg.model.pyramid import pyramid_cost
    from hvg.model.sampler import sample, sample_pyramid
    loaded = load_checkpoint(checkpoint or shipped_checkpoint())
    model, c = loaded.model, loaded.config
    g = torch.Generator().manual_seed(0)
    cond = ModelCondition(torch.randn(1, c.map_channels, frames, 16, 16, generator=g),
                          torch.randn(1, c.vector_dim, generator=g), torch.ones(1))
    noise = torch.randn(1, c.latent_channels, frames, 16, 16, generator=g)
    samplers = (("Euler, full resolution", 1), ("pyramidal, 2 stages", 2), ("pyramidal, 3 stages", 3))
    times: dict[int, list[float]] = {stages: [] for _, stages in samplers}
    with torch.no_grad():
        sample_pyramid(model, noise, cond, steps=2, stages=1, guidance=3.0)          # warm-up
        for _ in range(runs):            # round-robin, so load on a shared machine hits every sampler alike
            for _, stages in samplers:
                started = time.perf_counter()
                if stages == 1:
                    sample(model, noise, cond, steps=steps, guidance=3.0)
                else:
                    sample_pyramid(model, noise, cond, steps=steps, stages=stages, guidance=3.0)
                times[stages].append(time.perf_counter() - started)
    full = statistics.median(times[1])
    rows = ["| sampler | steps | relative FLOPs | median s / block | speed-up | runs |", "|---|---|---|---|---|---|"]
    for name, stages in samplers:
        median = statistics.median(times[stages])
        rows.append(f"| {name} | {steps} | {pyramid_cost(steps, stages):.2f} | {median:.3f} | {full / median:.2f}x "
                    f"| {runs} |")
    return (f"{frames}-frame block, 128x128, guidance 3 (two model passes a step), torch threads "
            f"{torch.get_num_threads()}\n\n" + "\n".join(rows))


def bench_render(checkpoint: str | None, programs: list[str], quality: str = "draft") -> str:
    """Block 0 of suite programs: PSNR of the builtin backend against the preview render (the procedural ground
    truth), from noise alone and from the animatic, with the latent space's own ceiling."""
    from pathlib import Path

    from hvg.backends.base import QUALITY_PRESETS, BlockJob
    from hvg.backends.builtin import BuiltinBackend
    from hvg.lang.api import compile_scene
    from hvg.lower.conditioning import resolve_for_lowering
    from hvg.model.autoencoder import frames_to_tensor, tensor_to_frames
    from hvg.world.preview import render_preview

    def psnr_u8(a, b) -> float:
        mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
        return float(10 * np.log10(255 ** 2 / max(mse, 1e-10)))
    contenders = {"from noise": BuiltinBackend(checkpoint=checkpoint, init="noise"),
                  "from animatic (0.6)": BuiltinBackend(checkpoint=checkpoint, init="preview", strength=0.6)}
    rows = ["| program | latent ceiling | " + " | ".join(contenders) + " | s / block (animatic) |",
            "|---|---|" + "---|" * len(contenders) + "---|"]
    for program in programs:
        path = next(Path("benchmarks/suite").glob(f"*{program}*.scene"))
        scene = compile_scene(path.read_text())
        timeline = resolve_for_lowering(scene)
        span = timeline.blocks[0]
        reference = render_preview(timeline, span.start_frame, span.end_frame, ground_truth=False).frames
        some = next(iter(contenders.values()))
        ceiling = tensor_to_frames(some.loaded.autoencoder.decode(some.loaded.autoencoder.encode(
            frames_to_tensor(reference))))
        cells, seconds = [], 0.0
        for backend in contenders.values():
            started = time.perf_counter()
            frames = backend.render_block(BlockJob(scene=scene, timeline=timeline, block_index=0,
                                                   quality=QUALITY_PRESETS[quality], seed=0)).frames
            seconds = time.perf_counter() - started
            cells.append(f"{psnr_u8(frames, reference):.1f}")
        rows.append(f"| {path.stem} | {psnr_u8(ceiling, reference):.1f} | " + " | ".join(cells) + f" | {seconds:.1f} |")
    return f"PSNR (dB) of block 0 against the preview render, quality {quality}, seed 0\n\n" + "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("latent", "latent-iou", "sample", "render", "all"))
    parser.add_argument("--suite", default="benchmarks/suite", help="folder of .scene programs for `latent-iou`")
    parser.add_argument("--programs", default="01,08,18", help="suite programs (file-name parts) for `render`")
    parser.add_argument("--clips", type=int, default=16)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkpoint", default=None)
    args = parser.parse_args()
    torch.manual_seed(0)
    if args.what in ("latent", "all"):
        print(bench_latent(args.clips), "\n")
    if args.what == "latent-iou":
        print(bench_latent_iou(args.suite), "\n")
    if args.what in ("sample", "all"):
        print(bench_sample(args.runs, args.checkpoint), "\n")
    if args.what in ("render", "all"):
        print(bench_render(args.checkpoint, args.programs.split(",")), "\n")


if __name__ == "__main__":
    main()
