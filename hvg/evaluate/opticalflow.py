"""Optical flow measured on frames (OpenCV DIS), and warping a frame along a flow field.

All flow here is BACKWARD, like the preview renderer's ground truth: frame_k(p) ≈ frame_{k-1}(p + flow_k(p)),
in pixels, (x, y) order, and flow[0] is zero (frame 0 has no predecessor).
"""
from __future__ import annotations

import numpy as np


def measure_flow(frames: np.ndarray) -> np.ndarray:
    """(n, h, w, 2) float32 backward flow measured on grey frames with DIS (medium preset)."""
    import cv2
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    grey = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
    flow = np.zeros((*frames.shape[:3], 2), np.float32)
    for k in range(1, len(frames)):
        # calc(a, b) returns f with a(p) ≈ b(p + f(p)); a = frame k, b = frame k-1 gives the backward flow.
        flow[k] = dis.calc(grey[k], grey[k - 1], None)
    return flow


def sample_grid(flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each pixel p of frame k looks in frame k-1: (map_x, map_y), each (h, w) float32."""
    h, w = flow.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return xs + flow[..., 0], ys + flow[..., 1]


def warp_previous(previous: np.ndarray, flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bring frame k-1 onto frame k along backward flow_k: (warped float32 image, inside (h, w) bool).

    `inside` is False where p + flow(p) falls outside frame k-1 (nothing there to compare with).
    """
    import cv2
    map_x, map_y = sample_grid(flow)
    warped = cv2.remap(previous.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    h, w = flow.shape[:2]
    inside = (map_x >= 0) & (map_x <= w - 1) & (map_y >= 0) & (map_y <= h - 1)
    return warped, inside
