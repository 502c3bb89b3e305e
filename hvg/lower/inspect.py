"""A picture of one block's lowering that a person can read: layout boxes per instance over a few frames, the
visible colour and depth maps, the motion field (HSV colour wheel plus arrows), and the noise statistics
(correlation along trajectories against the design ρ^lag, against i.i.d. noise and against neighbours)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from hvg.ir import Scene
from hvg.lower.conditioning import Conditioning, lower, resolve_for_lowering
from hvg.lower.layout import screen_boxes
from hvg.lower.motion_field import noise_flow
from hvg.lower.noise import DEFAULT_CORRELATION, iid_noise
from hvg.lower.noise_stats import neighbour_correlation, trajectory_correlation
from hvg.lower.scene import DEFAULT_LATENT_CHANNELS, block_seed, scene_noise
from hvg.world.timeline import Timeline

PANEL = 168          # pixels per panel side
LABEL_W = 92         # left column with row names
TITLE_H = 40
MAX_LAG = 6
MIN_LABEL_W = 40     # pixels a box label may always use, however small its box
PALETTE = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
           (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (170, 110, 40), (128, 0, 0)]
FONT = ImageFont.load_default(size=11)


@dataclass
class BlockInspection:
    """What the picture shows, as data (tests read this instead of pixels)."""
    conditioning: Conditioning
    noise: torch.Tensor                   # (c, t, h, w) the block's warped noise
    frames: list[int]                     # block-relative frames shown
    boxes: np.ndarray                     # (len(frames), n_tracks, 4) pixel xyxy
    trajectory: list[float]               # correlation found within one cell of the true path, lag 1..MAX_LAG
    trajectory_strict: list[float]        # ... in exactly the cell of the true path
    trajectory_iid: list[float]           # within one cell, for i.i.d. noise
    neighbours: float                     # measured correlation between neighbours in a frame
    correlation: float                    # the design ρ


def inspect_block(scene: Scene, block_index: int, *, timeline: Timeline | None = None,
                  correlation: float = DEFAULT_CORRELATION, channels: int = DEFAULT_LATENT_CHANNELS,
                  n_frames: int = 4) -> BlockInspection:
    timeline = timeline if timeline is not None else resolve_for_lowering(scene)
    if not 0 <= block_index < len(timeline.blocks):
        raise IndexError(f"block {block_index} does not exist: the scene has {len(timeline.blocks)} blocks")
    conditionings = [lower(scene, i, timeline=timeline) for i in range(block_index + 1)]
    noise = scene_noise(conditionings, seed=scene.video.seed, channels=channels, correlation=correlation)[-1]
    cond = conditionings[-1]
    flow = torch.from_numpy(np.ascontiguousarray(noise_flow(cond.motion).numpy()))
    iid = iid_noise(tuple(noise.shape), generator=torch.Generator().manual_seed(block_seed(scene.video.seed, -1)))
    frames = sorted(set(np.linspace(0, cond.frames - 1, n_frames).round().astype(int).tolist()))
    start = cond.frame_range[0]
    all_boxes = screen_boxes(timeline, start, cond.frame_range[1])
    return BlockInspection(cond, noise, frames, all_boxes[frames], trajectory_correlation(noise, flow, MAX_LAG),
                           trajectory_correlation(noise, flow, MAX_LAG, radius=0),
                           trajectory_correlation(iid, flow, MAX_LAG), neighbour_correlation(noise), correlation)


# ---------------------------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------------------------

def fit_text(text: str, width: float) -> str:
    """`text`, cut and ended with `...` where it is wider than `width` pixels in FONT."""
    if FONT.getlength(text) <= width:
        return text
    while text and FONT.getlength(text + "...") > width:
        text = text[:-1]
    return text + "..."


def _upscale(rgb: np.ndarray) -> Image.Image:
    return Image.fromarray(rgb.astype(np.uint8)).resize((PANEL, PANEL), Image.NEAREST)


def flow_to_rgb(motion: np.ndarray, scale: float | None = None) -> np.ndarray:
    """(2, h, w) flow -> (h, w, 3) uint8: hue = direction, saturation = sqrt(speed / scale) (white = still), the
    square root so that slow background motion still shows next to a fast object."""
    import cv2
    dx, dy = motion
    speed = np.hypot(dx, dy)
    scale = scale or max(float(speed.max()), 1e-6)
    angle = (np.degrees(np.arctan2(dy, dx)) % 360) / 2                  # OpenCV hue is 0..180
    hsv = np.stack([angle, np.sqrt(np.clip(speed / scale, 0, 1)) * 255, np.full_like(speed, 255)], -1).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def _layout_panel(info: BlockInspection, column: int, names: list[str], entities: list[int],
                  frame_size: tuple[int, int]) -> Image.Image:
    """Occupancy in grey; each instance's box in its entity's colour, labelled with the instance's name."""
    frame = info.frames[column]
    occupancy = info.conditioning.occupancy[0, frame].numpy()
    image = _upscale(np.repeat((255 - 90 * occupancy)[..., None], 3, -1))
    draw = ImageDraw.Draw(image)
    sx, sy = PANEL / frame_size[1], PANEL / frame_size[0]
    for index, box in enumerate(info.boxes[column]):
        if np.isnan(box).any():
            continue
        color = PALETTE[entities[index] % len(PALETTE)]
        x0, y0, x1, y1 = box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy
        draw.rectangle([x0, y0, x1, y1], outline=color, width=2)
        label_y = y0 - 12 if y0 >= 12 else y1 + 1                        # above the box, else below it
        # As wide as its box (at least MIN_LABEL_W): long names of neighbours would otherwise print over each other.
        label = fit_text(names[index], min(max(x1 - x0, MIN_LABEL_W), PANEL - 2))
        draw.text((min(max(x0, 1), PANEL - 1 - FONT.getlength(label)), label_y), label, fill=color, font=FONT)
    return image


def _colour_panel(info: BlockInspection, column: int) -> Image.Image:
    cond, frame = info.conditioning, info.frames[column]
    occupancy = cond.occupancy[0, frame].clamp(min=1e-6)
    colour = ((cond.layout_color[:, frame] / occupancy + 1) * 127.5).clamp(0, 255)
    depth = (cond.depth[0, frame] / occupancy).clamp(0, 1)
    shade = 0.45 + 0.55 * depth                                          # nearer = brighter
    rgb = colour * shade + 255 * (1 - shade) * 0.3
    coverage = cond.occupancy[0, frame].clamp(0, 1)                   # partly covered cells blend into grey
    rgb = rgb * coverage + 235.0 * (1 - coverage)
    return _upscale(rgb.permute(1, 2, 0).numpy())


def _motion_panel(info: BlockInspection, column: int, scale: float) -> Image.Image:
    """`scale`: the block's largest speed, so every frame shares one colour and arrow scale."""
    import cv2
    motion = info.conditioning.motion[:, info.frames[column]].numpy()
    canvas = np.array(_upscale(flow_to_rgb(motion, scale)))
    height, width = motion.shape[1:]
    cell = PANEL / width
    step = max(1, width // 8)
    for y in range(step // 2, height, step):
        for x in range(step // 2, width, step):
            # Backward flow points where a pixel came from; the arrow shows where it is going: -flow.
            # Scaled so the fastest cell's arrow spans most of the gap between arrows.
            start = ((x + 0.5) * cell, (y + 0.5) * cell)
            length = 0.9 * step * cell / scale
            end = (start[0] - motion[0, y, x] * length, start[1] - motion[1, y, x] * length)
            cv2.arrowedLine(canvas, tuple(int(v) for v in start), tuple(int(v) for v in end), (20, 20, 20), 1,
                            tipLength=0.3)
    return Image.fromarray(canvas)


def _noise_panel(info: BlockInspection, column: int) -> Image.Image:
    values = info.noise[0, info.frames[column]].numpy()
    return _upscale(np.repeat(np.clip(values * 50 + 128, 0, 255)[..., None], 3, -1))


def _correlation_chart(info: BlockInspection, width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 40, width - 190, 14, height - 26
    draw.rectangle([left, top, right, bottom], outline=(120, 120, 120))
    for value in (0.0, 0.5, 1.0):
        y = bottom - value * (bottom - top)
        draw.line([left, y, right, y], fill=(220, 220, 220))
        draw.text((6, y - 6), f"{value:.1f}", fill="black", font=FONT)
    lags = list(range(0, MAX_LAG + 1))

    def xy(lag, value):
        return left + lag / MAX_LAG * (right - left), bottom - np.clip(value, -0.1, 1.05) * (bottom - top)

    series = [(f"design rho^lag, rho={info.correlation:g}", [info.correlation ** lag for lag in lags], (170, 170, 170)),
              ("warped, within 1 cell of path", [1.0, *info.trajectory], (0, 110, 200)),
              ("warped, exact cell of path", [1.0, *info.trajectory_strict], (120, 170, 230)),
              ("iid, within 1 cell of path", [1.0, *info.trajectory_iid], (230, 80, 40))]
    for label_index, (label, values, color) in enumerate(series):
        points = [xy(lag, v) for lag, v in zip(lags, values) if np.isfinite(v)]
        if len(points) > 1:
            draw.line(points, fill=color, width=6 if label_index == 0 else 2)
        for x, y in points:
            draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=color)
        draw.text((right + 8, top + 14 * label_index), label, fill=color, font=FONT)
    x, y = xy(0, info.neighbours)
    draw.rectangle([x - 3, y - 3, x + 3, y + 3], outline=(0, 150, 0), width=2)
    draw.text((right + 8, top + 14 * len(series)), f"neighbours: r={info.neighbours:+.3f}", fill=(0, 130, 0),
              font=FONT)
    for lag in lags:
        draw.text((xy(lag, 0)[0] - 3, bottom + 4), str(lag), fill="black", font=FONT)
    draw.text(((left + right) // 2 - 50, bottom + 14), "lag (frames)", fill="black", font=FONT)
    return image


def render_inspection(info: BlockInspection, timeline: Timeline, title: str = "") -> Image.Image:
    """The picture: rows layout / colour+depth / motion / noise, one column per shown frame, then the chart."""
    cond = info.conditioning
    columns = len(info.frames)
    chart_h = 150
    rows = [("layout boxes", "occupancy grey"), ("visible colour", "brighter = front"), ("motion", "hue = direction"),
            ("noise ch 0", "grid cells")]
    speed = torch.linalg.vector_norm(cond.motion, dim=0).amax().item()
    rows[2] = ("motion", f"max {speed:.2f} cell/fr")
    width = LABEL_W + columns * (PANEL + 6)
    height = TITLE_H + len(rows) * (PANEL + 18) + chart_h + 10
    image = Image.new("RGB", (max(width, 560), height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((8, 6), fit_text(title or f"block {cond.block_index}", image.width - 16), fill="black", font=FONT)
    draw.text((8, 20), fit_text(f"frames {cond.frame_range[0]}..{cond.frame_range[1] - 1}, grid {cond.grid[0]}x"
                                f"{cond.grid[1]}, instances: {', '.join(cond.instances) or 'none'}", image.width - 16),
              fill=(80, 80, 80), font=FONT)
    names = [track.instance for track in timeline.tracks]
    entity_order = list(dict.fromkeys(track.entity for track in timeline.tracks))
    entities = [entity_order.index(track.entity) for track in timeline.tracks]
    for column, frame in enumerate(info.frames):
        x = LABEL_W + column * (PANEL + 6)
        panels = [_layout_panel(info, column, names, entities, (timeline.height, timeline.width)),
                  _colour_panel(info, column), _motion_panel(info, column, max(speed, 1e-6)),
                  _noise_panel(info, column)]
        for row, panel in enumerate(panels):
            y = TITLE_H + row * (PANEL + 18)
            image.paste(panel, (x, y + 12))
            draw.rectangle([x - 1, y + 11, x + PANEL, y + 12 + PANEL], outline=(150, 150, 150))
            draw.text((x, y), f"frame {cond.frame_range[0] + frame}", fill=(60, 60, 60), font=FONT)
    for row, (name, note) in enumerate(rows):
        y = TITLE_H + row * (PANEL + 18) + 12 + PANEL // 2 - 10
        draw.text((6, y), name, fill="black", font=FONT)
        draw.text((6, y + 13), note, fill=(110, 110, 110), font=FONT)
    chart = _correlation_chart(info, image.width - LABEL_W, chart_h)
    image.paste(chart, (LABEL_W, TITLE_H + len(rows) * (PANEL + 18)))
    draw.text((6, TITLE_H + len(rows) * (PANEL + 18) + 40), "noise corr.", fill="black", font=FONT)
    return image


def inspect_image(scene: Scene, block_index: int, path, **options) -> BlockInspection:
    """Write the inspection PNG of block `block_index` to `path`; return what it shows."""
    timeline = resolve_for_lowering(scene)
    info = inspect_block(scene, block_index, timeline=timeline, **options)
    block = timeline.blocks[block_index]
    title = f"{scene.video.title}: block {block_index} \"{block.description}\""
    render_inspection(info, timeline, title).save(path)
    return info
