"""A learned decoder for the PatchPCA latent space: the linear decode, plus a small convolutional correction.

Why: PatchPCA decodes each 8x8 patch on its own, so every error in a latent cell (the flow model never lands
exactly on the data) shows up as a visible 8x8 tile, and thin edges and small objects lose their colour. Like
the asymmetric autoencoders of latent diffusion (a fixed or cheap encoder, a stronger decoder; Zhu et al. 2023,
"Designing a Better Asymmetric VQGAN"), only the decoder is learned: the latents the flow model was trained on
do not change, so the decoder can be trained (minutes on a CPU) and swapped without retraining the flow model.

    frames = linear_decode(z) + correction(z, linear_decode(z))

The correction sees the latents through 3x3 convolutions (so neighbouring cells inform each tile's edges) and the
linear image at full resolution; its last layer starts at zero, so an untrained decoder is exactly PatchPCA's.
It is trained on latents with a little Gaussian noise added (`train_decoder`), the kind of error a sampler
leaves, so it learns to decode slightly-off latents to clean frames rather than to tiles.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn


@dataclass(frozen=True)
class DecoderConfig:
    latent_channels: int = 16
    patch: int = 8
    width: int = 64          # channels at the latent grid; halved (at least 16) at each 2x upsampling
    blocks: int = 2          # residual blocks at the latent grid

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "DecoderConfig":
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


class _ResBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(F.silu(self.conv1(F.silu(x))))


class LatentDecoder(nn.Module):
    """latents (b, c, f, h, w) + the linear decode (b, 3, f, h p, w p) -> frames (b, 3, f, h p, w p)."""

    def __init__(self, config: DecoderConfig):
        super().__init__()
        self.config = config
        ups = int(math.log2(config.patch))
        if 2 ** ups != config.patch:
            raise ValueError(f"the patch size must be a power of two, not {config.patch}")
        self.stem = nn.Conv2d(config.latent_channels, config.width, 3, padding=1)
        self.body = nn.Sequential(*[_ResBlock(config.width) for _ in range(config.blocks)])
        widths = [config.width] + [max(16, config.width // 2 ** (i + 1)) for i in range(ups)]
        self.ups = nn.ModuleList(nn.Conv2d(widths[i], widths[i + 1], 3, padding=1) for i in range(ups))
        self.fuse = nn.Conv2d(widths[-1] + 3, widths[-1], 3, padding=1)
        self.out = nn.Conv2d(widths[-1], 3, 3, padding=1)
        nn.init.zeros_(self.out.weight)          # starts as the linear decoder exactly
        nn.init.zeros_(self.out.bias)

    def forward(self, latents: torch.Tensor, linear: torch.Tensor) -> torch.Tensor:
        b = latents.shape[0]
        # channels-last: oneDNN runs these few-channel, full-resolution convolutions about 2.5x faster on a CPU
        # (frames agree with the default layout to float rounding)
        z = rearrange(latents, "b c f h w -> (b f) c h w").contiguous(memory_format=torch.channels_last)
        image = rearrange(linear, "b c f h w -> (b f) c h w").contiguous(memory_format=torch.channels_last)
        return rearrange(image + self.correction(z, image), "(b f) c h w -> b c f h w", b=b).contiguous()

    def correction(self, z: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        """(n, c, h, w) latents and (n, 3, H, W) linear frames -> (n, 3, H, W) what to add to the latter."""
        x = self.body(self.stem(z))
        for conv in self.ups:
            x = F.silu(conv(F.interpolate(x, scale_factor=2.0, mode="nearest")))
        x = F.silu(self.fuse(torch.cat([x, image], dim=1)))
        return self.out(x)


def latent_pca(autoencoder):
    """The PatchPCA code of a latent space, with or without its learned decoder (`LatentSpace`)."""
    return autoencoder.pca if isinstance(autoencoder, LatentSpace) else autoencoder


class LatentSpace(nn.Module):
    """PatchPCA's encoder with the learned decoder: `encode` and `decode` as PatchPCA's, so the sampler and the
    backend use either alike. `decode` runs `frames_per_call` frames at a time (memory stays flat in block length).
    8 frames: the full-resolution activations of a call are then ~25 MiB, not ~75 as at 24, at the same speed
    and to the same bits (docs/benchmarks.md, session 8)."""

    def __init__(self, pca, decoder: LatentDecoder, frames_per_call: int = 8):
        super().__init__()
        self.pca, self.decoder, self.frames_per_call = pca, decoder, frames_per_call
        self.latent_channels, self.patch = pca.latent_channels, pca.patch

    def encode(self, frames: torch.Tensor) -> torch.Tensor:
        return self.pca.encode(frames)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        chunks = latents.split(self.frames_per_call, dim=2)
        return torch.cat([self.decoder(chunk, self.pca.decode(chunk)) for chunk in chunks], dim=2)
