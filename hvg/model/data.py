"""Training data: synthetic clips -> cached latents, conditioning and ground truth -> random training windows.

Rendering a clip and lowering its blocks costs far more than a training step, so `build_cache` does it once per
clip and keeps only what training reads, on the latent grid:

    latents (c, n, h, w)   the clip's frames through the latent space (PatchPCA)
    maps    (m, n, h, w)   layout maps of the block each frame belongs to (float16)
    vectors (v, n_blocks)  text | style | background of each block;  block (n,) the block of each frame
    flow    (2, n, h, w)   ground-truth backward flow in grid cells;  style (n,) style index of each frame

`sample_batch` then cuts windows of `frames` frames from inside one block, with the frames just before them as
context for a share of the samples.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from einops import rearrange

from hvg import vocab
from hvg.model.autoencoder import PatchPCA
from hvg.model.condition import ModelCondition, condition_from_lowered
from hvg.model.config import ModelConfig
from hvg.model.objective import TrainingBatch


@dataclass
class CachedClip:
    latents: torch.Tensor     # (c, n, h, w)
    maps: torch.Tensor        # (m, n, h, w) float16
    vectors: torch.Tensor     # (v, n_blocks)
    block: torch.Tensor       # (n,) long
    flow: torch.Tensor        # (2, n, h, w)
    style: torch.Tensor       # (n,) long

    @property
    def n_frames(self) -> int:
        return self.latents.shape[1]


def clip_frames(clip) -> torch.Tensor:
    """A clip's uint8 frames (n, H, W, 3) -> (n, 3, H, W) in [-1, 1]."""
    return rearrange(torch.as_tensor(np.asarray(clip.frames)).float() / 127.5 - 1.0, "n h w c -> n c h w")


def fit_latent_space(clips, config: ModelConfig, max_frames: int = 2000, base: PatchPCA | None = None) -> PatchPCA:
    """PatchPCA fitted on (a subsample of) the clips' frames; with `base`, `base` extended to the config's
    channels (`hvg.model.widen.extend_latent_space`)."""
    frames = torch.cat([clip_frames(c) for c in clips])
    if len(frames) > max_frames:
        frames = frames[torch.linspace(0, len(frames) - 1, max_frames).long()]
    if base is not None:
        from hvg.model.widen import extend_latent_space
        return extend_latent_space(base, frames, config.latent_channels)
    return PatchPCA(config.latent_channels, config.patch).fit(frames)


def cache_clip(clip, autoencoder: PatchPCA, config: ModelConfig, projection: torch.Tensor) -> CachedClip:
    """One rendered clip (frames, flow, scene, timeline) -> what training reads."""
    from hvg.lower.conditioning import lower
    from hvg.lower.noise import downsample_flow

    video = rearrange(clip_frames(clip), "n c h w -> 1 c n h w")
    with torch.no_grad():
        latents = autoencoder.encode(video)[0]                                        # (c, n, h, w)
    grid = tuple(latents.shape[-2:])
    timeline = clip.timeline
    maps, vectors, block, style = [], [], [], []
    for index, span in enumerate(timeline.blocks):
        lowered = lower(clip.scene, index, timeline=timeline, grid=grid,
                        flow=np.asarray(clip.flow[span.start_frame:span.end_frame]))
        condition = condition_from_lowered(lowered, config, projection)
        maps.append(condition.maps[0].half())
        vectors.append(condition.vector[0])
        frames = span.end_frame - span.start_frame
        block += [index] * frames
        style += [vocab.STYLES.index(span.style) if span.style in vocab.STYLES else 0] * frames
    flow = rearrange(downsample_flow(clip.flow, config.patch), "n h w c -> c n h w")
    return CachedClip(latents, torch.cat(maps, dim=1), torch.stack(vectors, dim=1), torch.tensor(block),
                      flow.contiguous(), torch.tensor(style))


def training_windows(clips: list[CachedClip], frames: int) -> list[tuple[int, int]]:
    """Every (clip, first frame) whose `frames` frames lie inside one block."""
    windows = []
    for i, clip in enumerate(clips):
        for start in range(clip.n_frames - frames + 1):
            if clip.block[start] == clip.block[start + frames - 1]:
                windows.append((i, start))
    if not windows:
        raise ValueError(f"no block in the cached clips has {frames} frames; use fewer frames or longer clips")
    return windows


def sample_batch(clips: list[CachedClip], windows: list[tuple[int, int]], *, batch_size: int, frames: int,
                 context_frames: int, context_probability: float, generator: torch.Generator) -> TrainingBatch:
    """A random batch of windows. Context (the `context_frames` frames just before the window) is given to all
    samples of the batch or none, so the batch stacks; the first frames of a clip never get it."""
    use_context = context_frames > 0 and torch.rand((), generator=generator).item() < context_probability
    if use_context:
        with_context = [w for w in windows if w[1] >= context_frames]
        use_context = bool(with_context)
        windows = with_context or windows
    picks = torch.randint(len(windows), (batch_size,), generator=generator).tolist()
    chosen = [windows[p] for p in picks]
    parts = {name: [] for name in ("latents", "maps", "vector", "flow", "style", "context", "context_maps")}
    for c, s in chosen:
        clip = clips[c]
        window = slice(s, s + frames)
        parts["latents"].append(clip.latents[:, window])
        parts["maps"].append(clip.maps[:, window].float())
        parts["vector"].append(clip.vectors[:, clip.block[s]])
        parts["flow"].append(clip.flow[:, window])
        parts["style"].append(clip.style[s])
        if use_context:
            before = slice(s - context_frames, s)
            parts["context"].append(clip.latents[:, before])
            parts["context_maps"].append(clip.maps[:, before].float())
    stack = (lambda name: torch.stack(parts[name]) if parts[name] else None)
    cond = ModelCondition(stack("maps"), stack("vector"), torch.ones(batch_size))
    return TrainingBatch(stack("latents"), cond, stack("flow"), stack("style").long(), stack("context"),
                         stack("context_maps"))


def training_stream(seed: int, clips: int, clip_seconds: float, renderer=None):
    """The synthetic clips a model trains on: `clips` clips of seed `seed`, clip_seconds to 1.5x that long, up to
    two blocks, from the preview renderer unless `renderer` is given (tests pass a stand-in)."""
    from hvg.world.synth import ProgramConfig, SyntheticClips, preview_renderer
    program = ProgramConfig(duration=(clip_seconds, clip_seconds * 1.5), max_blocks=2)
    return SyntheticClips(seed, config=program, renderer=renderer or preview_renderer(), length=clips)


def build_latent_clips(preset, renderer=None, fit_clips: int = 64, log=None,
                       base: PatchPCA | None = None) -> tuple[list[CachedClip], PatchPCA]:
    """Render `preset.train.clips` synthetic clips (seed `preset.train.seed`), fit the latent space on the first
    `fit_clips`, and cache every clip. `renderer`: the preview renderer unless given (tests pass a stand-in).
    `base`: a trained model's latent space to keep as the first channels (`hvg.model.widen`); only the channels
    the preset adds to it are fitted."""
    train, config = preset.train, preset.model
    stream = training_stream(train.seed, train.clips, train.clip_seconds, renderer)
    projection = model_layout_projection(config)
    cached, pending, autoencoder = [], [], None
    for clip in stream:
        if autoencoder is None:
            pending.append(clip)
            if len(pending) < min(fit_clips, train.clips):
                continue
            autoencoder = fit_latent_space(pending, config, base=base)
            cached += [cache_clip(c, autoencoder, config, projection) for c in pending]
            pending = []
        else:
            cached.append(cache_clip(clip, autoencoder, config, projection))
        if log is not None and len(cached) % 32 == 0:
            log(f"cached {len(cached)}/{train.clips} clips")
    return cached, autoencoder


def model_layout_projection(config: ModelConfig) -> torch.Tensor:
    """The same fixed layout-embedding projection the model holds as a buffer."""
    from hvg.model.condition import layout_projection
    return layout_projection(config)
