"""Backward warping along a motion field: the previous frame seen from the current one.

Flow is BACKWARD in grid cells: frame_k(p) ≈ frame_{k-1}(p + flow_k(p)), channel 0 = dx (right), 1 = dy (down).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def warp_backward(previous: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
    """previous (b, c, h, w), flow (b, 2, h, w) -> previous sampled at p + flow(p) (bilinear, border padding)."""
    b, _, h, w = previous.shape
    ys, xs = torch.meshgrid(torch.arange(h, dtype=flow.dtype, device=flow.device),
                            torch.arange(w, dtype=flow.dtype, device=flow.device), indexing="ij")
    x = xs + flow[:, 0]
    y = ys + flow[:, 1]
    grid = torch.stack([2 * x / max(w - 1, 1) - 1, 2 * y / max(h - 1, 1) - 1], dim=-1)   # (b, h, w, 2)
    return F.grid_sample(previous, grid, mode="bilinear", padding_mode="border", align_corners=True)
