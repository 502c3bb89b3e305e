"""Benchmarks of the built-in model: latent-space reconstruction, sampling cost (pyramid vs full resolution).

    .venv/bin/python benchmarks/bench_model.py latent --clips 16          # PSNR of PatchPCA by channel count
    .venv/bin/python benchmarks/bench_model.py latent-iou --suite DIR     # control the latent code alone keeps
    .venv/bin/python benchmarks/bench_model.py sample --runs 5            # seconds per 12-frame block
    .venv/bin/python benchmarks/bench_model.py render --programs 01,08,18 # PSNR vs the preview, noise vs animatic
    .venv/bin/python benchmarks/bench_model.py denoise [--checkpoint A --checkpoint B]  # noise left at t = 0.9
    .venv/bin/python benchmarks/bench_model.py residual --suite DIR      # which channels' leftover noise costs IoU
    .venv/bin/python benchmarks/bench_model.py warp                      # do the training latents follow the flow?
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


def bench_denoise(checkpoints: list[str | None], clips: int = 32, seed: int = 4242, batches: int = 12) -> str:
    """How much of the noise at the end of the path each model removes, on training-stream clips it never saw:
    R = |x1_hat - x1|^2 / |x_t - x1|^2 for x_t = t x1 + (1 - t) noise (1: none removed, 0: all), per half of the
    latent channels (the first half: patch means and low frequencies), and over all channels after the cross-frame
    refiner (`refine=on` runs it on the last step's output). A render from the animatic (strength 0.1) is one such
    step from t = 0.9."""
    from hvg.backends import shipped_checkpoint
    from hvg.model.checkpoint import load_checkpoint
    from hvg.model.data import cache_clip, model_layout_projection, sample_batch, training_stream, training_windows
    from hvg.model.decoder import latent_pca
    from hvg.model.sampler import interpolate, predict_data
    loaded = [load_checkpoint(path or shipped_checkpoint()) for path in checkpoints]
    config = loaded[0].config
    code = latent_pca(loaded[0].autoencoder)
    held_out = [cache_clip(c, code, config, model_layout_projection(config)) for c in training_stream(seed, clips, 3.0)]
    windows = training_windows(held_out, 6)
    half = config.latent_channels // 2
    rows = ["| checkpoint | t | R, channels 1–%d | R, channels %d–%d | R, all | R after the refiner |"
            % (half, half + 1, config.latent_channels), "|---|---|---|---|---|---|"]
    for path, checkpoint in zip(checkpoints, loaded):
        if not torch.equal(latent_pca(checkpoint.autoencoder).components, code.components):
            raise SystemExit(f"{path} has another latent space than {checkpoints[0]}; compare models of one code")
        for t in (0.9, 0.95):
            generator = torch.Generator().manual_seed(0)
            left = {"low": [0.0, 0.0], "high": [0.0, 0.0], "all": [0.0, 0.0], "refined": [0.0, 0.0]}
            for _ in range(batches):
                batch = sample_batch(held_out, windows, batch_size=4, frames=6, context_frames=2,
                                     context_probability=0.0, generator=generator)
                noise = torch.randn(batch.latents.shape, generator=generator)
                times = torch.full((4,), t)
                x_t = interpolate(noise, batch.latents, times)
                with torch.no_grad():
                    estimate = predict_data(x_t, checkpoint.model(x_t, times, batch.cond), times)
                    refined = checkpoint.model.refiner(estimate)
                for name, result, channels in (("low", estimate, slice(0, half)), ("high", estimate, slice(half, None)),
                                               ("all", estimate, slice(None)), ("refined", refined, slice(None))):
                    left[name][0] += (result - batch.latents)[:, channels].square().mean().item()
                    left[name][1] += (x_t - batch.latents)[:, channels].square().mean().item()
            ratios = " | ".join(f"{left[name][0] / left[name][1]:.3f}" for name in ("low", "high", "all", "refined"))
            rows.append(f"| {path or 'shipped'} | {t} | {ratios} |")
    header = f"{clips} unseen training-stream clips (seed {seed}), {batches} batches of 4 x 6 frames"
    return header + "\n\n" + "\n".join(rows)


def bench_residual(suite: str, checkpoint: str | None) -> str:
    """Mean IoU of the default render, and of the same render with one half of its latent channels replaced by the
    animatic's code: what perfect denoising of that half would give back (an upper bound per half)."""
    from pathlib import Path

    from hvg.backends.builtin import BuiltinBackend
    from hvg.evaluate.cli_support import compile_program
    from hvg.evaluate.pipeline import evaluate_video, plan_from_scene
    from hvg.model.autoencoder import frames_to_tensor
    from hvg.rendering import RenderSettings, render
    from hvg.world.preview import render_preview

    sample_latents = BuiltinBackend.sample_latents

    def with_animatic_half(which: str):
        def patched(self, job):
            latents, state = sample_latents(self, job)
            span = job.timeline.blocks[job.block_index]
            animatic = render_preview(job.timeline, span.start_frame, span.end_frame, ground_truth=False).frames
            with torch.no_grad():
                code = self.loaded.autoencoder.encode(frames_to_tensor(animatic))
            half = self.config.latent_channels // 2
            channels = slice(0, half) if which == "first" else slice(half, None)
            latents = latents.clone()
            latents[:, channels] = code[:, channels]
            return latents, state
        return patched

    programs = sorted(Path(suite).glob("*.scene"))
    rows = ["| video | mean IoU | IoU >= 0.5 |", "|---|---|---|"]
    try:
        for name, which in (("the default render", None), ("its first half of channels from the animatic", "first"),
                            ("its second half of channels from the animatic", "second")):
            BuiltinBackend.sample_latents = sample_latents if which is None else with_animatic_half(which)
            values = []
            for program in programs:
                scene = compile_program(program)
                frames = render(scene, settings=RenderSettings(backend="builtin", checkpoint=checkpoint,
                                                               cache_dir=None))
                control = evaluate_video(plan_from_scene(scene), frames).summary["control"]
                values.append((control["mean_iou"], control["share_iou_50"]))
            rows.append(f"| {name} | {np.nanmean([v[0] for v in values]):.3f} | "
                        f"{np.nanmean([v[1] for v in values]):.1%} |")
    finally:
        BuiltinBackend.sample_latents = sample_latents
    return f"{len(programs)} programs of {suite}\n\n" + "\n".join(rows)


def bench_warp(clips: int = 32, seed: int = 4242, batches: int = 20) -> str:
    """How well consecutive frames of the training latents agree along the ground-truth motion, as L_refinement's
    temporal term asks: mean |z_i - W(z_(i-1), F_i)|^2 against no warp and against the flow's sign flipped."""
    from einops import rearrange as arrange

    from hvg.backends import shipped_checkpoint
    from hvg.model.checkpoint import load_checkpoint
    from hvg.model.data import cache_clip, model_layout_projection, sample_batch, training_stream, training_windows
    from hvg.model.decoder import latent_pca
    from hvg.model.warp import warp_backward
    loaded = load_checkpoint(shipped_checkpoint())
    held_out = [cache_clip(c, latent_pca(loaded.autoencoder), loaded.config, model_layout_projection(loaded.config))
                for c in training_stream(seed, clips, 3.0)]
    windows = training_windows(held_out, 6)
    generator = torch.Generator().manual_seed(0)
    totals = {"warped along the flow": 0.0, "not warped": 0.0, "warped against the flow": 0.0}
    for _ in range(batches):
        batch = sample_batch(held_out, windows, batch_size=4, frames=6, context_frames=2, context_probability=0.0,
                             generator=generator)
        previous = arrange(batch.latents[:, :, :-1], "b c f h w -> (b f) c h w")
        current = arrange(batch.latents[:, :, 1:], "b c f h w -> (b f) c h w")
        motion = arrange(batch.flow[:, :, 1:], "b c f h w -> (b f) c h w")
        totals["warped along the flow"] += (current - warp_backward(previous, motion)).square().mean().item()
        totals["not warped"] += (current - previous).square().mean().item()
        totals["warped against the flow"] += (current - warp_backward(previous, -motion)).square().mean().item()
    rows = ["| previous frame | mean square difference to the next |", "|---|---|"]
    rows += [f"| {name} | {total / batches:.3f} |" for name, total in totals.items()]
    header = f"{clips} unseen training-stream clips (seed {seed}), {batches} batches of 4 x 6 frames"
    return header + "\n\n" + "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("latent", "latent-iou", "sample", "render", "denoise", "residual", "warp",
                                         "all"))
    parser.add_argument("--suite", default="benchmarks/suite",
                        help="folder of .scene programs for `latent-iou` and `residual`")
    parser.add_argument("--programs", default="01,08,18", help="suite programs (file-name parts) for `render`")
    parser.add_argument("--clips", type=int, default=16)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkpoint", action="append", default=None,
                        help="default: the shipped one; `denoise` compares every one given")
    args = parser.parse_args()
    checkpoints = args.checkpoint or [None]
    torch.manual_seed(0)
    if args.what in ("latent", "all"):
        print(bench_latent(args.clips), "\n")
    if args.what == "latent-iou":
        print(bench_latent_iou(args.suite), "\n")
    if args.what in ("sample", "all"):
        print(bench_sample(args.runs, checkpoints[0]), "\n")
    if args.what == "denoise":
        print(bench_denoise(checkpoints), "\n")
    if args.what == "residual":
        print(bench_residual(args.suite, checkpoints[0]), "\n")
    if args.what == "warp":
        print(bench_warp(), "\n")
    if args.what in ("render", "all"):
        print(bench_render(checkpoints[0], args.programs.split(",")), "\n")


if __name__ == "__main__":
    main()
