"""Initial noise for a block: motion-guided (warped), FreeNoise-rescheduled, or i.i.d.

All noise is `(c, t, h, w)` at the latent grid; every function takes a `torch.Generator` (same seed, same noise)
and draws on the CPU, so the noise does not depend on the device the model runs on.

Warped noise, z(0) ~ N(0, Σ(M)) with Σ given by the motion M (docs/lowering.md has the proof sketch):

    z_k(p) = ρ · z_{k-1}(s(p)) + sqrt(1 - ρ²) · ε_k(p)   if p owns the source pixel s(p) = round(p + flow_k(p))
    z_k(p) = ε_k(p)                                        otherwise (source outside the frame, or taken)

`flow_k` is BACKWARD flow in pixels of the grid (frame_k(p) ≈ frame_{k-1}(p + flow_k(p))), channel 0 = dx
(right), channel 1 = dy (down). Each source pixel feeds at most one target (the one whose exact source lands
closest to it), so the values a frame reads from its predecessor are distinct, hence independent: every frame is
exactly N(0, I), pixels in a frame are independent, and noise along a trajectory has correlation ρ per frame.
"""
from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from einops import rearrange

NoiseKind = Literal["warped", "freenoise", "iid"]
NOISE_KINDS: tuple[NoiseKind, ...] = ("warped", "freenoise", "iid")
DEFAULT_CORRELATION = 0.9


# ---------------------------------------------------------------------------------------------------------------
# Flow helpers
# ---------------------------------------------------------------------------------------------------------------

def downsample_flow(flow, factor: int) -> torch.Tensor:
    """Pixel flow (t, H, W, 2) -> grid flow (t, H/factor, W/factor, 2): average pooling, then / factor.

    Accepts a numpy array or a tensor; returns float32. Displacements shrink with the grid, so a 8-pixel shift
    at 128x128 is a 1-cell shift at 16x16.
    """
    flow = torch.as_tensor(flow, dtype=torch.float32)
    if flow.ndim != 4 or flow.shape[-1] != 2:
        raise ValueError(f"flow must be (t, h, w, 2), got {tuple(flow.shape)}")
    if factor == 1:
        return flow.clone()
    height, width = flow.shape[1:3]
    if height % factor or width % factor:
        raise ValueError(f"flow size {height}x{width} is not a multiple of the factor {factor}")
    pooled = F.avg_pool2d(rearrange(flow, "t h w c -> t c h w"), kernel_size=factor)
    return rearrange(pooled, "t c h w -> t h w c") / factor


def transport_sources(flow: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Nearest-pixel transport with de-duplication for backward flow (..., h, w, 2): one frame or a stack.

    Returns (source, owns), each (..., h*w): `source` (long) the flat index of the previous frame's pixel each
    target reads; `owns` (bool) True where that source is inside the frame and this target is the one that uses
    it. A source claimed by several targets goes to the target whose exact (unrounded) source is nearest to the
    source pixel's centre, ties to the first in raster order; the choice depends on the flow only, never on noise.
    """
    *batch, height, width, _ = flow.shape
    flow = flow.reshape(-1, height, width, 2)
    frames, pixels = flow.shape[0], height * width
    ys, xs = torch.meshgrid(torch.arange(height, dtype=torch.float32), torch.arange(width, dtype=torch.float32),
                            indexing="ij")
    exact_x = (xs + flow[..., 0]).reshape(frames, pixels)
    exact_y = (ys + flow[..., 1]).reshape(frames, pixels)
    finite = torch.isfinite(exact_x) & torch.isfinite(exact_y)
    exact_x, exact_y = torch.where(finite, exact_x, -1.0), torch.where(finite, exact_y, -1.0)
    source_x, source_y = torch.round(exact_x), torch.round(exact_y)
    inside = (source_x >= 0) & (source_x < width) & (source_y >= 0) & (source_y < height)
    source = (source_y.clamp(0, height - 1) * width + source_x.clamp(0, width - 1)).long()
    # Rank every target by how far its exact source lies from the rounded one; the lowest rank claims a source.
    distance = torch.where(inside, (exact_x - source_x) ** 2 + (exact_y - source_y) ** 2, torch.inf)
    rank = torch.empty_like(source)
    rank.scatter_(1, torch.argsort(distance, dim=1, stable=True),
                  torch.arange(pixels).expand(frames, pixels).contiguous())
    claim = torch.where(inside, source, pixels)                      # outside: a dummy slot nobody reads
    best = torch.full((frames, pixels + 1), pixels, dtype=torch.long).scatter_reduce(1, claim, rank, reduce="amin")
    owns = inside & (best.gather(1, source) == rank)
    return source.reshape(*batch, pixels), owns.reshape(*batch, pixels)


# ---------------------------------------------------------------------------------------------------------------
# The three kinds of noise
# ---------------------------------------------------------------------------------------------------------------

def iid_noise(shape: tuple[int, int, int, int], *, generator: torch.Generator,
              dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Independent N(0, 1) noise of shape (c, t, h, w): the baseline."""
    return torch.randn(shape, generator=generator, dtype=torch.float32).to(dtype)


def warped_noise(flow, channels: int, *, generator: torch.Generator, correlation: float = DEFAULT_CORRELATION,
                 previous_last: torch.Tensor | None = None, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Motion-guided noise (c, t, h, w) for a block whose backward grid flow is `flow` (t, h, w, 2).

    `flow[0]` links the block's first frame to `previous_last` (c, h, w), the previous block's last noise frame;
    without `previous_last` the first frame is fresh noise and `flow[0]` is ignored. `correlation` ρ in [0, 1]
    is the correlation between a pixel and its source one frame earlier. The fresh noise is exactly
    `iid_noise((c, t, h, w), generator=...)`, so ρ = 0 reproduces the i.i.d. baseline draw for draw.
    """
    if not 0.0 <= correlation <= 1.0:
        raise ValueError(f"correlation must be in [0, 1], got {correlation}")
    flow = torch.as_tensor(flow, dtype=torch.float32)
    if flow.ndim != 4 or flow.shape[-1] != 2:
        raise ValueError(f"flow must be (t, h, w, 2), got {tuple(flow.shape)}")
    frames, height, width, _ = flow.shape
    fresh = iid_noise((channels, frames, height, width), generator=generator)
    if previous_last is not None and tuple(previous_last.shape) != (channels, height, width):
        raise ValueError(f"previous_last must be {(channels, height, width)}, got {tuple(previous_last.shape)}")
    keep, renew = correlation, (1.0 - correlation ** 2) ** 0.5
    sources, owners = transport_sources(flow)                        # (t, h*w) each, all frames at once
    out = torch.empty_like(fresh)
    previous = None if previous_last is None else previous_last.detach().to("cpu", torch.float32).reshape(channels, -1)
    for frame in range(frames):
        current = fresh[:, frame].reshape(channels, -1)
        if previous is not None:
            carried = previous[:, sources[frame]]                      # (c, h*w), read only where owned
            current = torch.where(owners[frame], keep * carried + renew * current, current)
        out[:, frame] = current.reshape(channels, height, width)
        previous = current
    return out.to(dtype)


def freenoise(shape: tuple[int, int, int, int], *, generator: torch.Generator, window: int = 16, stride: int = 4,
              dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """FreeNoise noise rescheduling (Qiu et al. 2023, "FreeNoise: Tuning-Free Longer Video Diffusion via Noise
    Rescheduling"): draw `window` base noise frames; every later frame reuses a base frame, the base sequence
    repeated with its frames shuffled locally in groups of `stride`. Long-range correlation without motion."""
    channels, frames, height, width = shape
    window = max(1, min(window, frames))
    base = iid_noise((channels, window, height, width), generator=generator)
    order = list(range(window))
    while len(order) < frames:
        for start in range(0, window, stride):
            group = torch.arange(start, min(start + stride, window))
            order.extend(group[torch.randperm(len(group), generator=generator)].tolist())
    return base[:, order[:frames]].to(dtype)


def make_noise(kind: NoiseKind, shape: tuple[int, int, int, int], *, generator: torch.Generator, flow=None,
               correlation: float = DEFAULT_CORRELATION, previous_last: torch.Tensor | None = None,
               window: int = 16, stride: int = 4, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """One entry point for the three kinds, for comparisons: returns (c, t, h, w) of `shape`.

    `flow` (t, h, w, 2) backward grid flow is required for "warped"; `previous_last` only matters for "warped";
    `window`/`stride` only for "freenoise".
    """
    if kind == "iid":
        return iid_noise(shape, generator=generator, dtype=dtype)
    if kind == "freenoise":
        return freenoise(shape, generator=generator, window=window, stride=stride, dtype=dtype)
    if kind == "warped":
        if flow is None:
            raise ValueError("warped noise needs the block's flow (t, h, w, 2)")
        flow = torch.as_tensor(flow, dtype=torch.float32)
        if tuple(flow.shape[:3]) != tuple(shape[1:]):
            raise ValueError(f"flow {tuple(flow.shape)} does not match the noise shape {shape} (c, t, h, w)")
        return warped_noise(flow, shape[0], generator=generator, correlation=correlation,
                            previous_last=previous_last, dtype=dtype)
    raise ValueError(f"unknown noise kind {kind!r}; choose one of {', '.join(NOISE_KINDS)}")
