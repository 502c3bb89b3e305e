"""Training the learned decoder (hvg/model/decoder.py) on frames of the synthetic world.

Each step: a batch of random crops (aligned to the patch grid, so a crop is whole latent cells), encoded by the
fixed PatchPCA, Gaussian noise of a random strength added to the latents, decoded, L1 against the frame. L1
rather than L2: flat shapes with sharp edges, where L2's blur is what the linear decoder already has.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

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


@dataclass
class DecoderResult:
    decoder: LatentDecoder
    losses: list[dict] = field(default_factory=list)   # {"step", "l1", "l1_linear"} every 50 steps
    wall_seconds: float = 0.0


def train_decoder(frames: torch.Tensor, autoencoder: PatchPCA, settings: DecoderTraining = DecoderTraining(),
                  config: DecoderConfig | None = None,
                  on_step: Callable[[int, float], None] | None = None) -> DecoderResult:
    """frames (n, 3, H, W) in [-1, 1]. The linear decoder's L1 on the same noisy latents is logged beside the
    learned one's, so the log shows what the correction buys."""
    config = config or DecoderConfig(autoencoder.latent_channels, autoencoder.patch)
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    decoder = LatentDecoder(config)
    optimizer = torch.optim.AdamW(decoder.parameters(), lr=settings.lr, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=settings.lr, total_steps=settings.steps,
                                                   pct_start=0.05)
    patch, crop = autoencoder.patch, settings.crop
    cells_h, cells_w = (frames.shape[2] - crop) // patch + 1, (frames.shape[3] - crop) // patch + 1
    result, started, running = DecoderResult(decoder), time.perf_counter(), []
    for step in range(1, settings.steps + 1):
        index = torch.randint(len(frames), (settings.batch_size,), generator=generator)
        top = torch.randint(cells_h, (settings.batch_size,), generator=generator) * patch
        left = torch.randint(cells_w, (settings.batch_size,), generator=generator) * patch
        batch = torch.stack([frames[i, :, y:y + crop, x:x + crop] for i, y, x in zip(index, top, left)])
        video = batch[:, :, None]                                               # (b, 3, 1, crop, crop)
        with torch.no_grad():
            latents = autoencoder.encode(video)
            strength = torch.rand(len(batch), 1, 1, 1, 1, generator=generator) * settings.latent_noise
            latents = latents + strength * torch.randn(latents.shape, generator=generator)
            linear = autoencoder.decode(latents)
        decoded = decoder(latents, linear)
        loss = F.l1_loss(decoded, video)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        running.append((loss.item(), F.l1_loss(linear, video).item()))
        if on_step is not None:
            on_step(step, loss.item())
        if step % 50 == 0 or step == settings.steps:
            l1, l1_linear = (sum(v) / len(running) for v in zip(*running))
            result.losses.append({"step": step, "l1": l1, "l1_linear": l1_linear})
            running = []
    result.wall_seconds = time.perf_counter() - started
    decoder.eval()
    return result


def training_frames(clips: int, seed: int = 0, every: int = 3, clip_seconds: float = 3.0,
                    renderer=None) -> torch.Tensor:
    """Every `every`-th frame of `clips` clips of the flow model's training stream (`hvg.model.data.training_stream`),
    as (n, 3, H, W) in [-1, 1]. `renderer`: the preview renderer unless given."""
    from hvg.model.data import clip_frames, training_stream

    stream = training_stream(seed, clips, clip_seconds, renderer)
    return torch.cat([clip_frames(clip)[::every] for clip in stream]) if clips else torch.zeros(0)


def add_decoder(source, target, settings: DecoderTraining, *, clips: int = 160, every: int = 3,
                command: str | None = None, on_step: Callable[[int, float], None] | None = None,
                renderer=None) -> tuple[object, DecoderResult]:
    """Train a decoder for the latent space of checkpoint `source` on the frames of its training stream and
    write `target`: the same model and latent space, plus the decoder (a new file: `source` is not touched,
    unless it is also `target`, and then only replaced once the new file is complete)."""
    from hvg.model.checkpoint import load_checkpoint, save_checkpoint
    from hvg.model.decoder import LatentSpace

    loaded = load_checkpoint(source)
    pca = loaded.autoencoder.pca if isinstance(loaded.autoencoder, LatentSpace) else loaded.autoencoder
    train_config = loaded.metadata.get("train_config", {})
    frames = training_frames(clips, train_config.get("seed", 0), every, train_config.get("clip_seconds", 3.0),
                             renderer)
    result = train_decoder(frames, pca, settings, on_step=on_step)
    final = result.losses[-1] if result.losses else {}
    summary = {"steps": settings.steps, "wall_seconds": round(result.wall_seconds, 1), "clips": clips,
               "frames": len(frames), "every": every, "settings": settings.__dict__, "last": final,
               "command": command}
    path = save_checkpoint(target, loaded.model, LatentSpace(pca, result.decoder),
                           objective_config=loaded.metadata.get("objective_config"), train_config=train_config,
                           training=loaded.metadata.get("training"), metadata_extra={"decoder_training": summary})
    return path, result
