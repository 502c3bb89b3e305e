"""Cross-frame latent refinement: z(k) = z(k-1) + f_phi(z(k-1) of this frame, z(k-1) of the next frame).

A small convolutional f_phi sees each frame next to its successor (the last frame is paired with itself) and
proposes a correction; `iters` rounds share its weights. Its output layer starts at zero, so an untrained
refiner is exactly the identity. Trained by L_refinement (hvg/model/objective.py): refined latents stay close
to the data and agree across frames along the motion.
"""
from __future__ import annotations

import torch
from einops import rearrange
from torch import nn


class CrossFrameRefiner(nn.Module):
    def __init__(self, latent_channels: int, hidden: int = 32, iters: int = 2):
        super().__init__()
        self.iters = iters
        self.f_phi = nn.Sequential(
            nn.Conv2d(2 * latent_channels, hidden, 3, padding=1), nn.SiLU(),
            nn.Conv2d(hidden, hidden, 3, padding=1), nn.SiLU(),
            nn.Conv2d(hidden, latent_channels, 3, padding=1),
        )
        nn.init.zeros_(self.f_phi[-1].weight)   # identity at init
        nn.init.zeros_(self.f_phi[-1].bias)

    def step(self, z: torch.Tensor) -> torch.Tensor:                   # z (b, c, f, h, w)
        following = torch.cat([z[:, :, 1:], z[:, :, -1:]], dim=2)       # frame i+1 (the last frame: itself)
        pairs = rearrange(torch.cat([z, following], dim=1), "b c f h w -> (b f) c h w")
        delta = rearrange(self.f_phi(pairs), "(b f) c h w -> b c f h w", b=z.shape[0])
        return z + delta

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        for _ in range(self.iters):
            z = self.step(z)
        return z
