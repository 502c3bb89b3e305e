"""Contact sheets for the report: video frames beside reference frames, planned boxes green, detected red."""
from __future__ import annotations

import numpy as np

PLANNED, DETECTED, NOT_SCORED = (0, 200, 0), (230, 0, 0), (150, 150, 150)


def pick_frames(n_frames: int, block_starts: list[int], count: int = 8) -> list[int]:
    """About `count` frames spread over the video, always including each block's first frame."""
    even = np.linspace(0, n_frames - 1, num=min(count, n_frames)).round().astype(int).tolist()
    return sorted(set(even) | {s for s in block_starts if 0 <= s < n_frames})


def draw_boxes(frame: np.ndarray, boxes: np.ndarray, colour: tuple[int, int, int], scale: int) -> np.ndarray:
    """The frame upscaled by `scale` (nearest) with the finite boxes (pixel xyxy) outlined."""
    from PIL import Image, ImageDraw
    image = Image.fromarray(frame).resize((frame.shape[1] * scale, frame.shape[0] * scale), Image.NEAREST)
    pen = ImageDraw.Draw(image)
    for box in boxes:
        if np.isfinite(box).all():
            x0, y0, x1, y1 = (box * scale).tolist()
            pen.rectangle([x0, y0, x1 - 1, y1 - 1], outline=colour, width=1)
    return np.asarray(image)


def contact_sheet(video: np.ndarray, reference: np.ndarray, planned: np.ndarray, detected: np.ndarray,
                  frames: list[int], scale: int = 2, scored: np.ndarray | None = None) -> np.ndarray:
    """(H, W, 3) uint8: a top row of video frames (planned green + detected red boxes), a bottom row of the
    reference (planned boxes), a frame number above each column. With `scored` (n, m) bool, planned boxes of
    instance-frames that are not scored (faint, hidden) are grey."""
    from PIL import Image, ImageDraw
    h, w = video.shape[1] * scale, video.shape[2] * scale
    gap, label = 4, 14
    sheet = Image.new("RGB", (len(frames) * (w + gap) + gap, 2 * h + 3 * gap + label), (255, 255, 255))
    pen = ImageDraw.Draw(sheet)
    for column, k in enumerate(frames):
        x = gap + column * (w + gap)
        pen.text((x, 2), f"frame {k}", fill=(0, 0, 0))
        shown = planned[k] if scored is None else np.where(scored[k][:, None], planned[k], np.nan)
        faint = planned[k][:0] if scored is None else np.where(scored[k][:, None], np.nan, planned[k])
        top = _outline_both(video[k], shown, detected[k], scale)
        top = _outline(top, faint, NOT_SCORED, scale)
        bottom = _outline(draw_boxes(reference[k], shown, PLANNED, scale), faint, NOT_SCORED, scale)
        sheet.paste(Image.fromarray(top), (x, label + gap))
        sheet.paste(Image.fromarray(bottom), (x, label + 2 * gap + h))
    return np.asarray(sheet)


def _outline_both(frame: np.ndarray, planned: np.ndarray, detected: np.ndarray, scale: int) -> np.ndarray:
    return _outline(draw_boxes(frame, planned, PLANNED, scale), detected, DETECTED, scale)


def _outline(image: np.ndarray, boxes: np.ndarray, colour: tuple[int, int, int], scale: int) -> np.ndarray:
    """Boxes (in frame pixels) outlined on an image already upscaled by `scale`."""
    from PIL import Image, ImageDraw
    picture = Image.fromarray(image)
    pen = ImageDraw.Draw(picture)
    for box in boxes:
        if np.isfinite(box).all():
            x0, y0, x1, y1 = (box * scale).tolist()
            pen.rectangle([x0, y0, x1 - 1, y1 - 1], outline=colour, width=1)
    return np.asarray(picture)
