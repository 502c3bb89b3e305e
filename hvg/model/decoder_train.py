"""Training the learned decoder (hvg/model/decoder.py) on frames of the synthetic world.

Each step: a batch of random crops (aligned to the patch grid, so a crop is whole latent cells), encoded by the
fixed PatchPCA, Gaussian noise of a random strength added to the latents, decoded, L1 against the frame. L1
rather than L2: flat shapes with sharp edges, where L2's blur is what the linear decoder already has.

A share of each batch (`sampled_share`) can instead come from `sampled_pairs`: the latents the builtin backend's
sampler actually produced for a training clip's block, paired with the clip's frames. Gaussian noise is only a
guess at the sampler's errors; these are the errors themselves (its colour drift, its smeared edges), so the
decoder learns to decode what renders hand it, as decoders fine-tuned on a diffusion model's outputs do.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from hvg.model.autoencoder import PatchPCA
from hvg.model.decoder import DecoderConfig, LatentDecoder


@dataclass(frozen=True)
class DecoderTraining:
    steps: int = 3000
    batch_size: int = 16
    crop: int = 64                 # pixels, a multiple of the patch
    latent_noise: float = 0.2      # latents get N(0, s^2) noise, s uniform in [0, latent_noise]
    lr: float = 2e-3
    seed: int = 0
    sampled_share: float = 0.0     # share of each batch from `sampled_pairs` (when given)
    edge_weight: float = 0.0       # weight of the gradient-difference term (`edge_loss`) beside L1


@dataclass
class SampledPairs:
    """What the sampler drew and what it should decode to, frame by frame."""
    latents: torch.Tensor          # (n, c, h, w) float32, the sampler's final latents
    frames: torch.Tensor           # (n, 3, H, W) uint8, the training clip's frames


@dataclass
class DecoderResult:
    decoder: LatentDecoder
    losses: list[dict] = field(default_factory=list)   # {"step", "l1", "l1_linear"} every 50 steps
    wall_seconds: float = 0.0


def train_decoder(frames: torch.Tensor, autoencoder: PatchPCA, settings: DecoderTraining = DecoderTraining(),
                  config: DecoderConfig | None = None,
                  on_step: Callable[[int, float], None] | None = None, pairs: SampledPairs | None = None,
                  start: LatentDecoder | None = None) -> DecoderResult:
    """frames (n, 3, H, W) in [-1, 1]. The linear decoder's L1 on the same latents is logged beside the learned
    one's, so the log shows what the correction buys. `pairs`: the sampler's own latents, a `sampled_share` of
    each batch. `start`: fine-tune this decoder (a copy) instead of a new one."""
    import copy

    config = start.config if start is not None else config or DecoderConfig(autoencoder.latent_channels,
                                                                            autoencoder.patch)
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    decoder = copy.deepcopy(start).train() if start is not None else LatentDecoder(config)
    sampled = round(settings.batch_size * settings.sampled_share) if pairs is not None and len(pairs.frames) else 0
    optimizer = torch.optim.AdamW(decoder.parameters(), lr=settings.lr, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=settings.lr, total_steps=settings.steps,
                                                   pct_start=0.05)
    patch, crop = autoencoder.patch, settings.crop
    cells_h, cells_w = (frames.shape[2] - crop) // patch + 1, (frames.shape[3] - crop) // patch + 1
    result, started, running = DecoderResult(decoder), time.perf_counter(), []
    for step in range(1, settings.steps + 1):
        count = settings.batch_size - sampled
        index = torch.randint(len(frames), (count,), generator=generator)
        top = torch.randint(cells_h, (count,), generator=generator) * patch
        left = torch.randint(cells_w, (count,), generator=generator) * patch
        batch = torch.stack([frames[i, :, y:y + crop, x:x + crop] for i, y, x in zip(index, top, left)])
        video = batch[:, :, None]                                               # (b, 3, 1, crop, crop)
        with torch.no_grad():
            latents = autoencoder.encode(video)
            strength = torch.rand(len(batch), 1, 1, 1, 1, generator=generator) * settings.latent_noise
            latents = latents + strength * torch.randn(latents.shape, generator=generator)
            if sampled:
                drawn, target = _sampled_crops(pairs, sampled, crop, patch, generator)
                latents, video = torch.cat([latents, drawn]), torch.cat([video, target])
            linear = autoencoder.decode(latents)
        decoded = decoder(latents, linear)
        l1 = F.l1_loss(decoded, video)
        loss = l1 + settings.edge_weight * edge_loss(decoded, video) if settings.edge_weight else l1
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        running.append((l1.item(), F.l1_loss(linear, video).item()))
        if on_step is not None:
            on_step(step, loss.item())
        if step % 50 == 0 or step == settings.steps:
            l1, l1_linear = (sum(v) / len(running) for v in zip(*running))
            result.losses.append({"step": step, "l1": l1, "l1_linear": l1_linear})
            running = []
    result.wall_seconds = time.perf_counter() - started
    decoder.eval()
    return result


def edge_loss(decoded: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean L1 between the images' differences of neighbouring pixels, down and across (the gradient difference
    loss of Mathieu et al. 2016): L1 alone lets a decoder blur an edge that a colour threshold then cuts in the
    wrong place; this term asks for the step itself."""
    def steps(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return x[..., 1:, :] - x[..., :-1, :], x[..., :, 1:] - x[..., :, :-1]
    (down, across), (down_target, across_target) = steps(decoded), steps(target)
    return F.l1_loss(down, down_target) + F.l1_loss(across, across_target)


def _sampled_crops(pairs: SampledPairs, count: int, crop: int, patch: int, generator: torch.Generator):
    """`count` random crops of whole latent cells: latents (count, c, 1, h, w), frames (count, 3, 1, H, W) in
    [-1, 1]."""
    cells = crop // patch
    n, _, h, w = pairs.latents.shape
    index = torch.randint(n, (count,), generator=generator)
    top = torch.randint(h - cells + 1, (count,), generator=generator)
    left = torch.randint(w - cells + 1, (count,), generator=generator)
    latents = torch.stack([pairs.latents[i, :, y:y + cells, x:x + cells] for i, y, x in zip(index, top, left)])
    frames = torch.stack([pairs.frames[i, :, y * patch:(y + cells) * patch, x * patch:(x + cells) * patch]
                          for i, y, x in zip(index, top, left)])
    return latents[:, :, None], (frames.float() / 127.5 - 1.0)[:, :, None]


def sampled_pairs(checkpoint, clips: int, seed: int = 0, clip_seconds: float = 3.0, every: int = 2,
                  qualities: tuple[str, ...] = ("standard", "standard", "draft", "final"), backend_options=None,
                  renderer=None, on_clip: Callable[[int], None] | None = None) -> SampledPairs:
    """Render the first `clips` clips of the training stream (seed `seed`) with the builtin backend of
    `checkpoint` up to its final latents, block by block as `hvg render` does (the previous block's state handed
    on across smooth transitions), clip k at quality `qualities[k % len]` and render seed k; keep every
    `every`-th frame's latents beside the clip's own frame."""
    from hvg.backends.base import QUALITY_PRESETS, BlockJob
    from hvg.backends.builtin import BuiltinBackend
    from hvg.model.data import training_stream
    from hvg.rendering.stitch import hands_on_previous

    backend = BuiltinBackend(checkpoint, **(backend_options or {}))
    latents, frames = [], []
    for k, clip in enumerate(training_stream(seed, clips, clip_seconds, renderer)):
        quality, state = QUALITY_PRESETS[qualities[k % len(qualities)]], None
        for index, span in enumerate(clip.timeline.blocks):
            job = BlockJob(scene=clip.scene, timeline=clip.timeline, block_index=index, quality=quality, seed=k,
                           previous_state=state if hands_on_previous(span) else None)
            drawn, state = backend.sample_latents(job)
            keep = slice(0, span.end_frame - span.start_frame, every)
            latents.append(drawn[0].transpose(0, 1)[keep].float().cpu())
            block_frames = torch.as_tensor(np.asarray(clip.frames[span.start_frame:span.end_frame]))
            frames.append(block_frames.permute(0, 3, 1, 2)[keep].contiguous())
        if on_clip is not None:
            on_clip(k + 1)
    return SampledPairs(torch.cat(latents), torch.cat(frames))


def training_frames(clips: int, seed: int = 0, every: int = 3, clip_seconds: float = 3.0,
                    renderer=None) -> torch.Tensor:
    """Every `every`-th frame of `clips` clips of the flow model's training stream (`hvg.model.data.training_stream`),
    as (n, 3, H, W) in [-1, 1]. `renderer`: the preview renderer unless given."""
    from hvg.model.data import clip_frames, training_stream

    stream = training_stream(seed, clips, clip_seconds, renderer)
    return torch.cat([clip_frames(clip)[::every] for clip in stream]) if clips else torch.zeros(0)


def add_decoder(source, target, settings: DecoderTraining, *, clips: int = 160, every: int = 3,
                sampled_clips: int = 0, start_from=None, config: DecoderConfig | None = None,
                command: str | None = None,
                on_step: Callable[[int, float], None] | None = None, on_clip: Callable[[int], None] | None = None,
                renderer=None) -> tuple[object, DecoderResult]:
    """Train a decoder for the latent space of checkpoint `source` on the frames of its training stream and
    write `target`: the same model and latent space, plus the decoder (a new file: `source` is not touched,
    unless it is also `target`, and then only replaced once the new file is complete).

    `sampled_clips`: also render that many training clips with `source`'s own model (`sampled_pairs`) and give
    them `settings.sampled_share` of each batch. `start_from`: a checkpoint (`source` itself, or an earlier one of
    the same latent space) whose decoder to fine-tune; its training record is kept under "previous". `config`:
    the new decoder's size (`DecoderConfig`'s width and blocks; the latent channels and patch are the file's)."""
    from hvg.model.checkpoint import load_checkpoint, save_checkpoint
    from hvg.model.decoder import LatentSpace, latent_pca

    loaded = load_checkpoint(source)
    pca = latent_pca(loaded.autoencoder)
    start = None if start_from is None else _decoder_of(start_from, pca)
    train_config = loaded.metadata.get("train_config", {})
    stream = (train_config.get("seed", 0), train_config.get("clip_seconds", 3.0))
    frames = training_frames(clips, stream[0], every, stream[1], renderer)
    pairs = sampled_pairs(source, sampled_clips, *stream, renderer=renderer, on_clip=on_clip) \
        if sampled_clips else None
    if config is not None:
        config = DecoderConfig(pca.latent_channels, pca.patch, config.width, config.blocks)
    result = train_decoder(frames, pca, settings, config=config, on_step=on_step, pairs=pairs,
                           start=None if start is None else start[0])
    final = result.losses[-1] if result.losses else {}
    summary = {"steps": settings.steps, "wall_seconds": round(result.wall_seconds, 1), "clips": clips,
               "frames": len(frames), "every": every, "sampled_clips": sampled_clips,
               "sampled_frames": 0 if pairs is None else len(pairs.frames), "settings": settings.__dict__,
               "last": final, "command": command}
    if start is not None:
        summary["start_from"] = {"sha256": start[1].sha256, "decoder_training": start[1].metadata.get("decoder_training")}
    path = save_checkpoint(target, loaded.model, LatentSpace(pca, result.decoder),
                           objective_config=loaded.metadata.get("objective_config"), train_config=train_config,
                           training=loaded.metadata.get("training"), metadata_extra={"decoder_training": summary})
    return path, result


class DecoderMismatch(ValueError):
    hint = "start from a checkpoint of the same training run (the same latent space), or train a new decoder"


def _decoder_of(path, pca: PatchPCA):
    """(the decoder of checkpoint `path`, its loaded checkpoint); it must decode `pca`'s latent space."""
    from hvg.model.checkpoint import load_checkpoint
    from hvg.model.decoder import LatentSpace

    loaded = load_checkpoint(path)
    if not isinstance(loaded.autoencoder, LatentSpace):
        raise DecoderMismatch(f"{path} has no learned decoder to start from")
    theirs = loaded.autoencoder.pca.state_dict()
    if any(not torch.equal(value, theirs.get(name, torch.empty(0))) for name, value in pca.state_dict().items()):
        raise DecoderMismatch(f"{path} has another latent space: its decoder would decode other codes")
    return loaded.autoencoder.decoder, loaded
