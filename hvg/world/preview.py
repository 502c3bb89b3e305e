"""The procedural preview renderer: draws a Timeline directly, with exact ground truth for every frame.

Frame k is a pure function of the timeline at frame k (its ground-truth flow also reads frame k - 1), so blocks
render independently and a re-render is byte-identical. Steps per frame:
1. background: the block's world-space texture (painted once per look, cached) seen through the camera, with
   the background's own motion; its flow is the camera's (plus drift/waves where the background moves);
2. instances back to front (layer, then program order): each a warped sprite blended by opacity, writing its
   mask id and exact rigid-motion flow where it covers at least half a pixel;
3. weather in front (rain, snow, fog), then the block's style as an image treatment.
Ground truth describes the geometry: weather and styles change pixels only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hvg.world.draw.backdrop import Backdrop, BackgroundMotion
from hvg.world.draw.backgrounds import BackgroundLook, texture
from hvg.world.draw.geometry import camera_map
from hvg.world.draw.instances import draw_instance
from hvg.world.draw.palette import object_light
from hvg.world.draw.sprites import base_height_for, sprite
from hvg.world.draw.styles import apply_style
from hvg.world.draw.weather import apply_weather, rain
from hvg.world.timeline import BlockSpan, Timeline


@dataclass
class PreviewResult:
    """Frames start..stop-1 of a timeline and their ground truth. n = stop - start.

    frames: (n, h, w, 3) uint8 RGB.
    masks:  (n, h, w) int16, the index into `timeline.tracks` of the front-most instance covering each pixel
            (covering = the shape covers at least half the pixel and the opacity is above 0); -1 = background.
    boxes:  (n, n_tracks, 4) float32 pixel boxes (x0, y0, x1, y1) of each instance's visible mask, clipped to
            the frame, in pixel-edge units (a mask holding only pixel (i, j) has box (i, j, i + 1, j + 1));
            NaN where the instance shows no pixel.
    flow:   (n, h, w, 2) float32 BACKWARD flow in pixels, (dx, dy): the surface point seen at pixel p in frame k
            was at p + flow[k](p) in frame k - 1, so frame_k(p) ≈ frame_{k-1}(p + flow_k(p)) and
            `cv2.remap(frame_{k-1}, x + flow[k][..., 0], y + flow[k][..., 1], ...)` predicts frame k. Objects move
            rigidly (translation, scale, rotation); the background moves with the camera, plus its drift or
            waves. flow[0] is relative to frame start - 1 when start > 0, else zeros.
    valid:  (n, h, w) bool: the point at p was visible at p + flow in frame k - 1 as the same thing (not
            occluded, not newly appeared, not off-frame). All False for frame 0 of the video.
    None for all ground truth when rendered with ground_truth=False.
    """
    frames: np.ndarray
    masks: np.ndarray | None
    boxes: np.ndarray | None
    flow: np.ndarray | None
    valid: np.ndarray | None
    start: int = 0


@dataclass
class _FrameTruth:
    mask: np.ndarray
    flow: np.ndarray
    appeared: np.ndarray
    rois: list[tuple[int, tuple[int, int, int, int]]]


class _BlockLook:
    """What one block needs to draw its frames, built once per block."""

    def __init__(self, timeline: Timeline, block: BlockSpan):
        self.block = block
        look = BackgroundLook(block.background, block.time_of_day, block.weather,
                              tuple(block.background_color) if block.background_color is not None else None)
        tex = texture(look, timeline.width, timeline.height, timeline.seed)
        motion = BackgroundMotion(block.background_motion, float(block.motion_strength), timeline.fps, timeline.seed)
        self.backdrop = Backdrop(tex, timeline.width, timeline.height, motion)
        self.light = object_light(block.time_of_day, block.weather)
        self.sprite_height = base_height_for(timeline.height)


class PreviewRenderer:
    """Renders frames of one timeline; keeps per-block looks so consecutive frames share textures."""

    def __init__(self, timeline: Timeline):
        self.timeline = timeline
        self._looks: dict[int, _BlockLook] = {}
        index_of = {id(t): i for i, t in enumerate(timeline.tracks)}     # by identity: tracks hold arrays
        self._order = [(index_of[id(t)], t) for t in timeline.draw_order()]

    def _look(self, frame: int) -> _BlockLook:
        tl = self.timeline
        block = next((b for b in tl.blocks if b.start_frame <= frame < b.end_frame), None)
        if block is None:   # a frame between blocks holds the look of the block before it (else the first)
            before = [b for b in tl.blocks if b.start_frame <= frame]
            block = max(before, key=lambda b: b.start_frame) if before else \
                min(tl.blocks, key=lambda b: b.start_frame) if tl.blocks else _PLAIN
        if block.index not in self._looks:
            self._looks[block.index] = _BlockLook(tl, block)
        return self._looks[block.index]

    def frame(self, k: int, truth: bool = True, pixels: bool = True) -> tuple[np.ndarray | None, _FrameTruth | None]:
        """Frame k (uint8 RGB, None without `pixels`) and its ground truth (None without `truth`)."""
        tl = self.timeline
        look = self._look(k)
        motion = look.backdrop.motion
        cam = camera_map(tl.camera, k, tl.width, tl.height)
        rgb = None
        if pixels:
            bg, wx, wy = look.backdrop.frame(k, cam, float(tl.camera.zoom[k]))
            rgb = bg.astype(np.float32)
            if motion.kind == "flicker":
                rgb *= motion.flicker(k)
            elif motion.kind == "rain":
                rgb = rain(rgb, k, tl.fps, tl.seed, motion.strength, faint=True)
        else:
            wx, wy = look.backdrop.world_points(cam)
        ft = None
        if truth:
            cam_prev = camera_map(tl.camera, k - 1, tl.width, tl.height) if k > 0 else cam
            ft = _FrameTruth(np.full((tl.height, tl.width), -1, np.int16),
                             look.backdrop.flow(k, cam, cam_prev, wx, wy) if k > 0 else
                             np.zeros((tl.height, tl.width, 2), np.float32),
                             np.zeros((tl.height, tl.width), bool), [])
        for index, track in self._order:
            if not bool(track.visible[k]):
                continue
            spr = sprite(track.kind, tuple(int(v) for v in track.color), look.light, look.sprite_height)
            roi = draw_instance(rgb, track, k, spr, index=index, mask=ft.mask if ft else None,
                                flow=ft.flow if ft else None, appeared=ft.appeared if ft else None,
                                size=(tl.height, tl.width))
            if ft is not None and roi is not None:
                ft.rois.append((index, roi))
        if rgb is None:
            return None, ft
        block = look.block
        rgb = apply_weather(rgb, block.weather, block.time_of_day, k, tl.fps, tl.seed)
        img = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
        return apply_style(img, block.style, k, tl.seed), ft


_PLAIN = BlockSpan(index=-1, start_frame=0, end_frame=0, description="", background="plain", time_of_day="day",
                   weather="clear", background_color=None, background_motion="still", motion_strength=0.0,
                   style="flat")


def _boxes(truth: _FrameTruth, n_tracks: int) -> np.ndarray:
    boxes = np.full((n_tracks, 4), np.nan, np.float32)
    for index, (x0, y0, x1, y1) in truth.rois:
        own = truth.mask[y0:y1, x0:x1] == index
        cols, rows = np.flatnonzero(own.any(0)), np.flatnonzero(own.any(1))
        if len(cols):
            boxes[index] = (x0 + cols[0], y0 + rows[0], x0 + cols[-1] + 1, y0 + rows[-1] + 1)
    return boxes


def _valid(truth: _FrameTruth, previous_mask: np.ndarray) -> np.ndarray:
    """Nearest-pixel lookup of where each point was: valid if that pixel showed the same instance (or
    background) one frame earlier."""
    h, w = truth.mask.shape
    px = np.floor(truth.flow[..., 0] + np.arange(w, dtype=np.float32)[None, :] + 0.5).astype(np.int32)
    py = np.floor(truth.flow[..., 1] + np.arange(h, dtype=np.float32)[:, None] + 0.5).astype(np.int32)
    inside = (px >= 0) & (px < w) & (py >= 0) & (py < h)
    before = previous_mask[np.clip(py, 0, h - 1), np.clip(px, 0, w - 1)]
    return inside & (before == truth.mask) & ~truth.appeared


def _check_range(timeline: Timeline, start: int, stop: int | None) -> int:
    stop = timeline.n_frames if stop is None else stop
    if not 0 <= start <= stop <= timeline.n_frames:
        raise ValueError(f"frame range {start}..{stop} is outside the timeline's 0..{timeline.n_frames}")
    return stop


def render_flow(timeline: Timeline, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Only the backward flow (n, h, w, 2) of frames `start`..`stop`-1, without drawing any pixels: equal to
    `render_preview(...).flow`, for lowering (the motion field) where pixels are not needed."""
    stop = _check_range(timeline, start, stop)
    renderer = PreviewRenderer(timeline)
    flow = np.empty((stop - start, timeline.height, timeline.width, 2), np.float32)
    for i in range(stop - start):
        flow[i] = renderer.frame(start + i, truth=True, pixels=False)[1].flow
    return flow


def render_preview(timeline: Timeline, start: int = 0, stop: int | None = None, *,
                   ground_truth: bool = True) -> PreviewResult:
    """Frames `start`..`stop`-1 (default: to the end) of `timeline`, with masks, boxes, flow and validity."""
    stop = _check_range(timeline, start, stop)
    renderer = PreviewRenderer(timeline)
    n, h, w, m = stop - start, timeline.height, timeline.width, len(timeline.tracks)
    frames = np.empty((n, h, w, 3), np.uint8)
    if not ground_truth:
        for i in range(n):
            frames[i] = renderer.frame(start + i, truth=False)[0]
        return PreviewResult(frames, None, None, None, None, start)
    masks = np.empty((n, h, w), np.int16)
    boxes = np.empty((n, m, 4), np.float32)
    flow = np.empty((n, h, w, 2), np.float32)
    valid = np.empty((n, h, w), bool)
    previous = renderer.frame(start - 1, pixels=False)[1].mask if start > 0 else None
    for i in range(n):
        frames[i], truth = renderer.frame(start + i)
        masks[i], flow[i], boxes[i] = truth.mask, truth.flow, _boxes(truth, m)
        valid[i] = _valid(truth, previous) if previous is not None else False
        previous = truth.mask
    return PreviewResult(frames, masks, boxes, flow, valid, start)
