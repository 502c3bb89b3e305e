"""The block's motion field, taken from the preview renderer's ground truth (never recomputed here), so the
motion the model is conditioned on is exactly the motion the training videos show.

Flow is BACKWARD, in pixels: frame_k(p) ≈ frame_{k-1}(p + flow_k(p)); channel 0 = dx, channel 1 = dy.
"""
from __future__ import annotations

import numpy as np
import torch
from einops import rearrange

from hvg.lower.noise import downsample_flow
from hvg.world.timeline import Timeline


def pixel_flow(timeline: Timeline, start: int, stop: int) -> np.ndarray:
    """Ground-truth backward flow (frames, H, W, 2) float32 of frames [start, stop), from the preview renderer.
    Uses the renderer's flow-only entry point when it has one (no pixels drawn), else a ground-truth render."""
    from hvg.world import preview
    flow_only = getattr(preview, "render_flow", None)
    if flow_only is not None:
        flow = flow_only(timeline, start, stop)
    else:
        flow = preview.render_preview(timeline, start, stop, ground_truth=True).flow
    flow = np.asarray(flow, dtype=np.float32)
    expected = (stop - start, timeline.height, timeline.width, 2)
    if flow.shape != expected:
        raise RuntimeError(f"the preview renderer returned flow of shape {flow.shape}, expected {expected}")
    return flow


def grid_motion(flow, grid: tuple[int, int]) -> torch.Tensor:
    """Pixel flow (t, H, W, 2) -> the conditioning's motion map (2, t, h, w) in grid cells (dx, dy)."""
    flow = torch.as_tensor(np.asarray(flow), dtype=torch.float32)
    factor = flow.shape[1] // grid[0]
    if flow.shape[1] != factor * grid[0] or flow.shape[2] != factor * grid[1]:
        raise ValueError(f"flow {tuple(flow.shape[1:3])} is not a whole multiple of the grid {grid}")
    return rearrange(downsample_flow(flow, factor), "t h w c -> c t h w").contiguous()


def noise_flow(motion: torch.Tensor) -> torch.Tensor:
    """The conditioning's motion map (2, t, h, w) -> the (t, h, w, 2) layout `hvg.lower.noise` takes."""
    return rearrange(motion, "c t h w -> t h w c").contiguous()
