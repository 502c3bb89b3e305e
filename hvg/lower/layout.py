"""Layout maps: where each instance is on the latent grid, as soft box masks composited back to front.

A box's mask on the grid is the exact fraction of each grid cell the box covers (anti-aliased boxes), times the
instance's opacity. Maps are composited like paint, back to front in the timeline's draw order
(`map = map · (1 − a) + a · value`), so a front object hides what is behind it and every map is premultiplied by
coverage: `occupancy` is the total coverage and any other map divided by it is the visible object's value.
"""
from __future__ import annotations

import numpy as np
import torch
from einops import einsum

from hvg import motion
from hvg.world.timeline import Timeline, Track


def screen_boxes(timeline: Timeline, start: int, stop: int) -> np.ndarray:
    """Pixel boxes (frames, n_tracks, 4) as x0, y0, x1, y1 for frames [start, stop) of `timeline.tracks`;
    NaN where an instance is not on screen. A rotated object's box is the box around the rotated rectangle."""
    frame_aspect = timeline.width / timeline.height
    boxes = np.full((stop - start, len(timeline.tracks), 4), np.nan, dtype=np.float32)
    for index, track in enumerate(timeline.tracks):
        frames = slice(start, stop)
        visible = track.visible[frames]
        half_w, half_h = motion.half_extent(1.0, track.kind, frame_aspect)       # per unit of size
        size = track.screen_size[frames]
        angle = np.radians(track.screen_rotation[frames])
        cos, sin = np.abs(np.cos(angle)), np.abs(np.sin(angle))
        # Half extents in pixels; a rotation mixes width and height, measured in pixels so the frame aspect holds.
        w_px, h_px = half_w * size * timeline.width, half_h * size * timeline.height
        half_x, half_y = cos * w_px + sin * h_px, sin * w_px + cos * h_px
        cx, cy = track.screen_x[frames] * timeline.width, track.screen_y[frames] * timeline.height
        box = np.stack([cx - half_x, cy - half_y, cx + half_x, cy + half_y], axis=-1)
        boxes[visible, index] = box[visible]
    return boxes


def box_coverage(boxes: torch.Tensor, grid: tuple[int, int], frame_size: tuple[int, int]) -> torch.Tensor:
    """Fraction of each grid cell covered by each box: (frames, 4) pixel xyxy -> (frames, h, w) in [0, 1].
    NaN boxes cover nothing."""
    height, width = grid
    frame_h, frame_w = frame_size
    scale = torch.tensor([width / frame_w, height / frame_h, width / frame_w, height / frame_h])
    cells = torch.nan_to_num(boxes * scale, nan=-1.0)                      # boxes in grid cells; NaN -> empty
    x0, y0, x1, y1 = cells.unbind(-1)                                       # (frames,)
    xs, ys = torch.arange(width, dtype=torch.float32), torch.arange(height, dtype=torch.float32)
    cover_x = (torch.minimum(x1[:, None], xs + 1) - torch.maximum(x0[:, None], xs)).clamp(0, 1)   # (frames, w)
    cover_y = (torch.minimum(y1[:, None], ys + 1) - torch.maximum(y0[:, None], ys)).clamp(0, 1)   # (frames, h)
    return einsum(cover_y, cover_x, "f h, f w -> f h w")


def composite(alphas: list[torch.Tensor], values: list[torch.Tensor]) -> torch.Tensor:
    """Paint `values[i]` (c,) with coverage `alphas[i]` (t, h, w), back to front -> (c, t, h, w), premultiplied.

    The same as painting layer over layer (`map · (1 − a) + a · value`), computed as one weighted sum: layer i
    shows with weight a_i · Π_{j in front of i} (1 − a_j), so the wide value maps are touched once."""
    if not alphas:
        raise ValueError("composite needs at least one layer")
    alpha = torch.stack(alphas)                                       # (n, t, h, w), back to front
    clear = torch.flip(torch.cumprod(torch.flip(1 - alpha, [0]), 0), [0])   # Π_{j >= i} (1 − a_j)
    in_front = torch.cat([clear[1:], torch.ones_like(clear[:1])])     # Π_{j > i} (1 − a_j)
    return einsum(alpha * in_front, torch.stack(values), "n t h w, n c -> c t h w")


def track_alphas(timeline: Timeline, tracks: list[Track], start: int, stop: int,
                 grid: tuple[int, int]) -> list[torch.Tensor]:
    """Coverage times opacity (t, h, w) of each of `tracks`, in the order given."""
    boxes = torch.from_numpy(screen_boxes(timeline, start, stop))             # (t, n_tracks, 4)
    index = {id(track): i for i, track in enumerate(timeline.tracks)}
    alphas = []
    for track in tracks:
        opacity = torch.from_numpy(np.where(track.visible[start:stop], track.opacity[start:stop], 0.0)).float()
        coverage = box_coverage(boxes[:, index[id(track)]], grid, (timeline.height, timeline.width))
        alphas.append(coverage * opacity.clamp(0, 1)[:, None, None])
    return alphas
