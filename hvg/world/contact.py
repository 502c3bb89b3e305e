"""Contact sheets: many frames (or pictures of one size) tiled into one image, with optional labels."""
from __future__ import annotations

import math
from typing import Sequence

import cv2
import numpy as np

PAD = 4
BACKDROP = (32, 32, 36)
INK = (235, 235, 235)


def contact_sheet(frames: np.ndarray | Sequence[np.ndarray], columns: int = 6, labels: Sequence[str] | None = None,
                  *, scale: int = 1) -> np.ndarray:
    """Tile `frames` ((n, h, w, 3) uint8, or a list of same-sized images) into rows of `columns`, each with its
    label (if given) in a strip under it. `scale` enlarges every tile by pixel repetition first.
    Returns an RGB uint8 image; write it with `cv2.imwrite(path, sheet[..., ::-1])` or Pillow."""
    tiles = [np.asarray(f, np.uint8) for f in frames]
    if not tiles:
        raise ValueError("contact_sheet needs at least one frame")
    if labels is not None and len(labels) != len(tiles):
        raise ValueError(f"contact_sheet got {len(tiles)} frames but {len(labels)} labels")
    if scale > 1:
        tiles = [np.repeat(np.repeat(t, scale, 0), scale, 1) for t in tiles]
    h, w = tiles[0].shape[:2]
    columns = max(1, min(columns, len(tiles)))
    rows = math.ceil(len(tiles) / columns)
    font_scale = max(0.3, min(0.5, w / 300))
    label_h = 0 if labels is None else int(22 * font_scale / 0.4)
    cell_h, cell_w = h + label_h + PAD, w + PAD
    sheet = np.full((rows * cell_h + PAD, columns * cell_w + PAD, 3), BACKDROP, np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        y, x = PAD + r * cell_h, PAD + c * cell_w
        sheet[y:y + h, x:x + w] = tile if tile.ndim == 3 else tile[..., None]
        if labels is not None:
            text = str(labels[i])
            while text and cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, 1)[0][0] > w:
                text = text[:-1]
            cv2.putText(sheet, text, (x + 1, y + h + label_h - 6), cv2.FONT_HERSHEY_SIMPLEX, font_scale, INK, 1,
                        cv2.LINE_AA)
    return sheet
