"""Measured correlations of a block's noise: along motion trajectories (per lag) and between neighbours.

A trajectory is the true path of a point through the flow: from pixel p at frame k, step back one frame at a
time by the flow at the (continuous) point, then round once at the end. This is independent of how the warped
noise transports its samples, so it measures whether the noise really follows the motion, slow motion included.
"""
from __future__ import annotations

import torch


def _pearson(a: torch.Tensor, b: torch.Tensor) -> float:
    if a.numel() < 3:
        return float("nan")
    a, b = a.reshape(-1).double(), b.reshape(-1).double()
    return float(torch.corrcoef(torch.stack([a, b]))[0, 1])


def trace_back(flow: torch.Tensor, frame: int, max_lag: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Where each pixel of `frame` was 1..max_lag frames earlier: for each lag, (index (h*w,) long into that
    frame, alive (h*w,) bool: the path stayed inside the frame with finite flow). `flow` (t, h, w, 2) backward,
    in cells; the point moves continuously and is rounded only to read the flow and to report the cell."""
    _, height, width, _ = flow.shape
    ys, xs = torch.meshgrid(torch.arange(height, dtype=torch.float32), torch.arange(width, dtype=torch.float32),
                            indexing="ij")
    point = torch.stack([xs.reshape(-1), ys.reshape(-1)], -1)          # (h*w, 2) continuous (x, y)
    alive = torch.ones(height * width, dtype=torch.bool)

    def cell_of(point):
        cell = torch.floor(point + 0.5)
        inside = (cell[:, 0] >= 0) & (cell[:, 0] < width) & (cell[:, 1] >= 0) & (cell[:, 1] < height)
        return (cell[:, 1].clamp(0, height - 1) * width + cell[:, 0].clamp(0, width - 1)).long(), inside

    paths = []
    for step in range(frame, max(frame - max_lag, 0), -1):
        index, inside = cell_of(point)
        motion = flow[step].reshape(-1, 2)[index]
        alive = alive & inside & torch.isfinite(motion).all(-1)
        point = point + torch.nan_to_num(motion)
        index, inside = cell_of(point)
        paths.append((index, alive & inside))
    return paths


def trajectory_correlation(noise: torch.Tensor, flow: torch.Tensor, max_lag: int, radius: int = 1) -> list[float]:
    """How much of z_k(p) is found near where p's content was `lag` frames earlier, for lag = 1..max_lag.

    For each offset q in the (2·radius + 1)² cells around the traced point, the correlation of z_k(p) with
    z_{k-lag}(point + q), pooled over frames, pixels and channels; the result is their sum. Warped noise carries
    each value to exactly one cell, so the sum is ρ^lag when that cell is within `radius` of the true path, and
    the sum of near-zero terms for i.i.d. noise. `radius=1` allows for the grid: motion slower than a cell a frame
    cannot land on one exact cell every frame; `radius=0` is the strict one-cell measure. `noise` (c, t, h, w),
    `flow` (t, h, w, 2) backward grid flow; NaN where no trajectory that long exists."""
    channels, frames, height, width = noise.shape
    flat = noise.reshape(channels, frames, -1).double()
    shifts = torch.tensor([(dx, dy) for dy in range(-radius, radius + 1) for dx in range(-radius, radius + 1)])
    # Running sums per (lag, shift) for Pearson's r: n, Σa, Σb, Σab, Σa², Σb².
    sums = torch.zeros(max_lag, len(shifts), 6, dtype=torch.float64)
    for k in range(1, frames):
        for lag, (index, alive) in enumerate(trace_back(flow, k, max_lag), start=1):
            x = index % width + shifts[:, :1]                                # (shifts, h*w)
            y = index // width + shifts[:, 1:]
            ok = alive & (x >= 0) & (x < width) & (y >= 0) & (y < height)
            a = flat[:, k][:, None, :].expand(-1, len(shifts), -1)          # (c, shifts, h*w)
            b = flat[:, k - lag][:, (y.clamp(0, height - 1) * width + x.clamp(0, width - 1))]
            mask = ok[None].double()
            a, b = a * mask, b * mask
            sums[lag - 1] += torch.stack([mask.expand_as(a).sum((0, 2)), a.sum((0, 2)), b.sum((0, 2)),
                                          (a * b).sum((0, 2)), (a * a).sum((0, 2)), (b * b).sum((0, 2))], -1)
    n, sa, sb, sab, saa, sbb = sums.unbind(-1)
    covariance = sab / n - sa / n * sb / n
    r = covariance / torch.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2))
    r = torch.where(n >= 3, r, torch.nan)
    return [float(row.sum()) if not torch.isnan(row).all() else float("nan")
            for row in torch.where(torch.isnan(r) & ~torch.isnan(r).all(1, keepdim=True), 0.0, r)]


def neighbour_correlation(noise: torch.Tensor) -> float:
    """Correlation between horizontally and vertically adjacent pixels of the same frame, pooled. (c, t, h, w)."""
    right = (noise[..., :, 1:], noise[..., :, :-1])
    down = (noise[..., 1:, :], noise[..., :-1, :])
    return _pearson(torch.cat([right[0].reshape(-1), down[0].reshape(-1)]),
                    torch.cat([right[1].reshape(-1), down[1].reshape(-1)]))


def same_pixel_correlation(noise: torch.Tensor) -> float:
    """Correlation of a pixel with the same pixel one frame earlier (ignoring motion). (c, t, h, w)."""
    return _pearson(noise[:, 1:], noise[:, :-1])
