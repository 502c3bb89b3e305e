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


def trace_back(flow: torch.Tensor, frame: int, lag: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Where each pixel of `frame` was `lag` frames earlier: (index (h*w,) long into that frame, alive (h*w,)
    bool: the path stayed inside the frame with finite flow). `flow` (t, h, w, 2) backward, in cells."""
    _, height, width, _ = flow.shape
    ys, xs = torch.meshgrid(torch.arange(height, dtype=torch.float32), torch.arange(width, dtype=torch.float32),
                            indexing="ij")
    point = torch.stack([xs.reshape(-1), ys.reshape(-1)], -1)          # (h*w, 2) continuous (x, y)
    alive = torch.ones(height * width, dtype=torch.bool)
    for step in range(frame, frame - lag, -1):
        cell = torch.round(point)
        alive &= (cell[:, 0] >= 0) & (cell[:, 0] < width) & (cell[:, 1] >= 0) & (cell[:, 1] < height)
        index = (cell[:, 1].clamp(0, height - 1) * width + cell[:, 0].clamp(0, width - 1)).long()
        motion = flow[step].reshape(-1, 2)[index]
        alive &= torch.isfinite(motion).all(-1)
        point = point + torch.nan_to_num(motion)
    cell = torch.round(point)
    alive &= (cell[:, 0] >= 0) & (cell[:, 0] < width) & (cell[:, 1] >= 0) & (cell[:, 1] < height)
    index = (cell[:, 1].clamp(0, height - 1) * width + cell[:, 0].clamp(0, width - 1)).long()
    return index, alive


def trajectory_correlation(noise: torch.Tensor, flow: torch.Tensor, max_lag: int) -> list[float]:
    """Correlation of z_k(p) with z_{k-lag}(where p was lag frames earlier), for lag = 1..max_lag, pooled over
    frames, pixels and channels. `noise` (c, t, h, w), `flow` (t, h, w, 2) backward grid flow. NaN where no
    trajectory that long exists."""
    channels, frames = noise.shape[:2]
    flat = noise.reshape(channels, frames, -1)
    results = []
    for lag in range(1, max_lag + 1):
        now, then = [], []
        for k in range(lag, frames):
            index, alive = trace_back(flow, k, lag)
            now.append(flat[:, k, alive])
            then.append(flat[:, k - lag, index[alive]])
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
