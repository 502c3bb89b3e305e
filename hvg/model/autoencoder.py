"""The latent space: 8x8 RGB patches projected onto their top principal components, whitened.

Why not a convolutional autoencoder: on the built-in world's frames (flat shapes on textured backgrounds) a linear
patch code fitted in closed form reconstructs about as well as a small conv autoencoder that would cost CPU
minutes to train, it is exactly reproducible, and its decoder is one matrix (docs/model.md has the measurements).
Whitening gives every latent channel unit variance, which is what a flow-matching model with N(0, I) noise wants.

    encode: frames (b, 3, f, H, W) in [-1, 1] -> latents (b, c, f, H/8, W/8)
    decode: latents -> frames
"""
from __future__ import annotations

import torch
from einops import rearrange
from torch import nn


class PatchPCA(nn.Module):
    def __init__(self, latent_channels: int = 16, patch: int = 8):
        super().__init__()
        self.latent_channels, self.patch = latent_channels, patch
        dim = 3 * patch * patch
        self.register_buffer("mean", torch.zeros(dim))                                  # (p*p*3,)
        self.register_buffer("components", torch.eye(dim)[:latent_channels].clone())    # (c, p*p*3) orthonormal
        self.register_buffer("scale", torch.ones(latent_channels))                      # (c,) std of each component

    # --- fitting ---------------------------------------------------------------------------------------------

    @torch.no_grad()
    def fit(self, frames: torch.Tensor) -> "PatchPCA":
        """Fit on frames (n, 3, H, W) in [-1, 1]: mean patch, principal directions, their standard deviations."""
        patches = self._patches(frames.double())                                        # (N, p*p*3)
        mean = patches.mean(0)
        centred = patches - mean
        covariance = centred.T @ centred / max(len(centred) - 1, 1)
        eigenvalues, eigenvectors = torch.linalg.eigh(covariance)                       # ascending
        order = eigenvalues.argsort(descending=True)[: self.latent_channels]
        components = eigenvectors[:, order].T                                           # (c, p*p*3)
        # a fixed sign per component so that refits on the same data give the same code
        signs = torch.sign(components[torch.arange(len(components)), components.abs().argmax(1)])
        self.mean.copy_(mean.float())
        self.components.copy_((components * signs[:, None]).float())
        self.scale.copy_(eigenvalues[order].clamp_min(1e-8).sqrt().float())
        return self

    def _patches(self, frames: torch.Tensor) -> torch.Tensor:
        return rearrange(frames, "n c (h p1) (w p2) -> (n h w) (p1 p2 c)", p1=self.patch, p2=self.patch)

    # --- code ------------------------------------------------------------------------------------------------

    def encode(self, frames: torch.Tensor) -> torch.Tensor:
        """frames (b, 3, f, H, W) in [-1, 1] -> latents (b, c, f, H/p, W/p), unit variance per channel."""
        p = self.patch
        patches = rearrange(frames, "b c f (h p1) (w p2) -> b f h w (p1 p2 c)", p1=p, p2=p)
        code = (patches - self.mean) @ self.components.T / self.scale                  # (b, f, h, w, c)
        return rearrange(code, "b f h w c -> b c f h w")

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """latents (b, c, f, h, w) -> frames (b, 3, f, h*p, w*p), roughly in [-1, 1] (not clamped)."""
        code = rearrange(latents, "b c f h w -> b f h w c") * self.scale
        patches = code @ self.components + self.mean                                    # (b, f, h, w, p*p*3)
        return rearrange(patches, "b f h w (p1 p2 c) -> b c f (h p1) (w p2)", p1=self.patch, p2=self.patch, c=3)


def frames_to_tensor(frames) -> torch.Tensor:
    """uint8 frames (f, H, W, 3) (numpy or torch) -> (1, 3, f, H, W) float in [-1, 1]."""
    video = torch.as_tensor(frames)
    return rearrange(video.float() / 127.5 - 1.0, "f h w c -> 1 c f h w")


def tensor_to_frames(video: torch.Tensor):
    """(1, 3, f, H, W) in [-1, 1] -> uint8 numpy (f, H, W, 3)."""
    pixels = ((video[0].clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return rearrange(pixels, "c f h w -> f h w c").cpu().numpy()


def psnr(reference: torch.Tensor, estimate: torch.Tensor) -> float:
    """PSNR in dB of two videos in [-1, 1] (peak-to-peak 2)."""
    mse = torch.mean((reference.clamp(-1, 1) - estimate.clamp(-1, 1)) ** 2).item()
    return float("inf") if mse == 0 else 10 * torch.log10(torch.tensor(4.0 / mse)).item()
