"""Initial noise for a block: motion-guided (warped), FreeNoise-rescheduled, or i.i.d.

All noise is `(c, t, h, w)` at the latent grid; every function takes a `torch.Generator` (same seed, same noise)
and draws on the CPU, so the noise does not depend on the device the model runs on.

Warped noise, z(0) ~ N(0, Σ(M)) with Σ given by the motion M (docs/lowering.md has the proof sketch):

    z_k(p) = ρ · z_{k-1}(s(p)) + sqrt(1 - ρ²) · ε_k(p)   if p owns the source pixel s(p) ≈ round(p + flow_k(p))
    z_k(p) = ε_k(p)                                        otherwise (source outside the frame, or taken)

`flow_k` is BACKWARD flow in pixels of the grid (frame_k(p) ≈ frame_{k-1}(p + flow_k(p))), channel 0 = dx
(right), channel 1 = dy (down). Each source pixel feeds at most one target (the one whose sample lands
closest to it), so the values a frame reads from its predecessor are distinct, hence independent: every frame is
exactly N(0, I), pixels in a frame are independent, and noise along a trajectory has correlation ρ per frame.
Samples keep their sub-cell positions (`noise_transport`), so slow motion moves the noise too.
"""
from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from einops import rearrange

NoiseKind = Literal["warped", "freenoise", "iid"]
NOISE_KINDS: tuple[NoiseKind, ...] = ("warped", "freenoise", "iid")
DEFAULT_CORRELATION = 0.9
OFFSET_GRID = 2 ** 16        # sub-cell offsets are multiples of 1 / OFFSET_GRID


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


def _transport(flow: torch.Tensor, offsets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One transport step for a stack of frames. flow (f, h, w, 2); offsets (f, h*w, 2): where the noise sample
    held at each pixel of the previous frame really is, relative to that pixel's centre.

    Returns source (f, h*w) long, owns (f, h*w) bool, and the new offsets (f, h*w, 2) of the targets.

    Arithmetic is exact: float32 flow plus small integers is exact in float64 and offsets are kept on a 2^-16
    grid, so a uniform motion rounds identically at every pixel (no rounding noise breaking ties differently)."""
    frames, height, width, _ = flow.shape
    pixels = height * width
    flow, offsets = flow.to(torch.float64), offsets.to(torch.float64)
    ys, xs = torch.meshgrid(torch.arange(height, dtype=torch.float64), torch.arange(width, dtype=torch.float64),
                            indexing="ij")
    exact = torch.stack([xs + flow[..., 0], ys + flow[..., 1]], dim=-1).reshape(frames, pixels, 2)
    finite = torch.isfinite(exact).all(-1, keepdim=True)
    exact = torch.where(finite, exact, -1.0)                           # not finite: a point outside the frame

    def locate(points):
        rounded = torch.floor(points + 0.5)                           # halves round up: no even/odd alternation
        inside = ((rounded[..., 0] >= 0) & (rounded[..., 0] < width) & (rounded[..., 1] >= 0)
                  & (rounded[..., 1] < height))
        index = (rounded[..., 1].clamp(0, height - 1) * width + rounded[..., 0].clamp(0, width - 1)).long()
        return rounded, inside, index

    # The sample nearest the exact source: start from the pixel there, step back by that sample's offset. Off the
    # frame, the edge pixel's offset continues the lattice, so entering samples fall in step with the rest.
    _, _, near = locate(exact)
    guess = exact - offsets.gather(1, near[..., None].expand(-1, -1, 2))
    rounded, inside, source = locate(guess)
    moved = rounded + offsets.gather(1, source[..., None].expand(-1, -1, 2)) - exact   # sample's place vs target
    moved = torch.round(moved * OFFSET_GRID) / OFFSET_GRID
    # Rank every target by how far its sample lies from where it should be; the lowest rank claims a source.
    distance = torch.where(inside, (moved ** 2).sum(-1), torch.inf)
    rank = torch.empty_like(source)
    rank.scatter_(1, torch.argsort(distance, dim=1, stable=True),
                  torch.arange(pixels).expand(frames, pixels).contiguous())
    claim = torch.where(inside, source, pixels)                      # outside: a dummy slot nobody reads
    best = torch.full((frames, pixels + 1), pixels, dtype=torch.long).scatter_reduce(1, claim, rank, reduce="amin")
    owns = inside & (best.gather(1, source) == rank)
    # A fresh sample may sit anywhere in its cell: put it in step with its neighbours (the place the target
    # would have read), so a uniform motion keeps one lattice and does not breed conflicts.
    return source, owns, torch.where(owns[..., None], moved, moved.clamp(-0.5, 0.5))


def transport_sources(flow: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Nearest-pixel transport with de-duplication for backward flow (..., h, w, 2), each frame on its own.

    Returns (source, owns), each (..., h*w): `source` (long) the flat index of the previous frame's pixel each
    target reads; `owns` (bool) True where that source is inside the frame and this target is the one that uses
    it. A source claimed by several targets goes to the target whose exact (unrounded) source is nearest to the
    source pixel's centre, ties to the first in raster order; the choice depends on the flow only, never on noise.
    """
    *batch, height, width, _ = flow.shape
    flow = flow.reshape(-1, height, width, 2)
    source, owns, _ = _transport(flow, torch.zeros(flow.shape[0], height * width, 2))
    return source.reshape(*batch, height * width), owns.reshape(*batch, height * width)


def noise_transport(flow: torch.Tensor, *, continues: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """The transport warped noise uses for a block's flow (t, h, w, 2): (source, owns), each (t, h*w).

    Like `transport_sources`, but each noise sample remembers its sub-cell position, so motion slower than one
    cell a frame still carries the noise (0.3 cells a frame moves it one cell every three or four frames instead
    of never). Offsets start at zero at the block's first frame. Still a function of the flow alone.
    `continues=False`: frame 0 has no predecessor (fresh noise), so it owns nothing and its offsets are zero."""
    frames, height, width, _ = flow.shape
    offsets = torch.zeros(1, height * width, 2, dtype=torch.float64)
    sources, owners = [], []
    for frame in range(frames):
        source, owns, offsets = _transport(flow[frame:frame + 1], offsets)
        if frame == 0 and not continues:
            owns, offsets = torch.zeros_like(owns), torch.zeros_like(offsets)
        sources.append(source[0])
        owners.append(owns[0])
    if not frames:
        empty = torch.zeros(0, height * width)
        return empty.long(), empty.bool()
    return torch.stack(sources), torch.stack(owners)


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
    sources, owners = noise_transport(flow, continues=previous_last is not None)   # (t, h*w) each
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
