"""Measured correlations of a block's noise: along motion trajectories (per lag) and between neighbours.

Trajectories are the chains the warped noise follows: a pixel's source one frame earlier is the nearest pixel
along the backward flow, counted only where the pixel owns that source (see `transport_sources`).
"""
from __future__ import annotations

import torch

from hvg.lower.noise import transport_sources


def _pearson(a: torch.Tensor, b: torch.Tensor) -> float:
    if a.numel() < 3:
        return float("nan")
    a, b = a.reshape(-1).double(), b.reshape(-1).double()
    return float(torch.corrcoef(torch.stack([a, b]))[0, 1])


def trajectory_correlation(noise: torch.Tensor, flow: torch.Tensor, max_lag: int) -> list[float]:
    """Correlation of z_k(p) with z_{k-lag}(the point p came from), for lag = 1..max_lag, pooled over frames,
    pixels and channels. `noise` (c, t, h, w), `flow` (t, h, w, 2) backward grid flow. NaN where no chain that
    long exists."""
    channels, frames, height, width = noise.shape
    flat = noise.reshape(channels, frames, -1)
    links = [transport_sources(flow[k]) for k in range(frames)]       # frame k -> frame k-1
    results = []
    for lag in range(1, max_lag + 1):
        now, then = [], []
        for k in range(lag, frames):
            origin = torch.arange(height * width)
            alive = torch.ones(height * width, dtype=torch.bool)
            for step in range(k, k - lag, -1):                            # follow the chain back `lag` frames
                source, owns = links[step]
                alive &= owns[origin]
                origin = source[origin]
            now.append(flat[:, k, alive])
            then.append(flat[:, k - lag, origin[alive]])
        results.append(_pearson(torch.cat(now, 1), torch.cat(then, 1)) if now else float("nan"))
    return results


def neighbour_correlation(noise: torch.Tensor) -> float:
    """Correlation between horizontally and vertically adjacent pixels of the same frame, pooled. (c, t, h, w)."""
    right = (noise[..., :, 1:], noise[..., :, :-1])
    down = (noise[..., 1:, :], noise[..., :-1, :])
    return _pearson(torch.cat([right[0].reshape(-1), down[0].reshape(-1)]),
                    torch.cat([right[1].reshape(-1), down[1].reshape(-1)]))


def same_pixel_correlation(noise: torch.Tensor) -> float:
    """Correlation of a pixel with the same pixel one frame earlier (ignoring motion). (c, t, h, w)."""
    return _pearson(noise[:, 1:], noise[:, :-1])
