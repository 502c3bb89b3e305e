"""Contact sheets of the built-in world, for the docs and for eyeballing changes to the renderer.

    python -m hvg.world.gallery docs/images            # writes kinds.png, backgrounds.png, weather.png,
                                                       # styles.png, motion.png, ground_truth.png

Every sheet is rendered by the preview renderer from hand-made timelines (no scene program needed) and saved as
a 256-colour PNG to keep the docs small.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from hvg.vocab import BACKGROUNDS, KINDS, STYLES, TIMES_OF_DAY, WEATHERS
from hvg.world.contact import contact_sheet
from hvg.world.draw.handmade import Look, Shot, thing, timeline
from hvg.world.preview import render_preview

KIND_COLORS = ("red", "blue", "yellow")
TILE = 96


def _still(things, look: Look, size: int = TILE, **kw) -> np.ndarray:
    return render_preview(timeline(things, n_frames=1, width=size, height=size, look=look, **kw),
                          ground_truth=False).frames[0]


def kinds_sheet() -> np.ndarray:
    tiles, labels = [], []
    for kind in KINDS:
        for color in KIND_COLORS:
            tiles.append(_still([thing(kind, size=0.6 if kind not in ("car", "fish", "boat", "cloud", "bird")
                                       else 0.42, color=color)], Look("plain")))
            labels.append(f"{kind} {color}")
    return contact_sheet(tiles, columns=9, labels=labels)


def _scene(n: int = 1) -> list:
    return [thing("house", x=0.3, y=0.62, size=0.3, color="white"),
            thing("person", x=0.62, y=0.7, size=0.26, color="blue", layer=1),
            thing("balloon", x=0.8, y=0.28, size=0.22, color="red", layer=1)]


def backgrounds_sheet() -> np.ndarray:
    tiles, labels = [], []
    for bg in BACKGROUNDS:
        for time in TIMES_OF_DAY:
            tiles.append(_still([], Look(bg, time_of_day=time)))
            labels.append(f"{bg} {time}")
    return contact_sheet(tiles, columns=8, labels=labels)


def weather_sheet() -> np.ndarray:
    tiles, labels = [], []
    for bg in ("grass", "city"):
        for weather in WEATHERS:
            tiles.append(_still(_scene(), Look(bg, weather=weather), size=112))
            labels.append(f"{bg} {weather}")
    return contact_sheet(tiles, columns=5, labels=labels)


def styles_sheet() -> np.ndarray:
    tiles, labels = [], []
    for style in STYLES:
        tiles.append(_still(_scene() + [thing("car", x=0.45, y=0.86, size=0.14, color="red", layer=2)],
                            Look("beach", style=style), size=112))
        labels.append(style)
    return contact_sheet(tiles, columns=8, labels=labels)


def motion_sheet() -> np.ndarray:
    """A pan, a zoom and a roll over a city, and a drifting sky: four frames of each."""
    n = 24
    rows = {
        "pan": Shot(cx=np.linspace(0.5, 1.1, n)),
        "zoom": Shot(zoom=np.linspace(1.0, 1.8, n)),
        "roll": Shot(roll=np.linspace(0.0, 30.0, n)),
    }
    tiles, labels = [], []
    things = [thing("car", x=np.linspace(0.2, 0.8, n), y=0.8, size=0.15, color="red")]
    for name, shot in rows.items():
        r = render_preview(timeline(things, n_frames=n, width=TILE, height=TILE, look=Look("city"), shot=shot),
                           ground_truth=False)
        for k in (0, 8, 16, 23):
            tiles.append(r.frames[k])
            labels.append(f"{name} f{k}")
    return contact_sheet(tiles, columns=4, labels=labels)


def flow_to_rgb(flow: np.ndarray, max_magnitude: float | None = None) -> np.ndarray:
    """Colour-wheel picture of a flow field (hue = direction, brightness = speed)."""
    import cv2
    mag, ang = cv2.cartToPolar(flow[..., 0].astype(np.float32), flow[..., 1].astype(np.float32), angleInDegrees=True)
    top = max_magnitude or max(float(mag.max()), 1e-6)
    hsv = np.zeros(flow.shape[:2] + (3,), np.uint8)
    hsv[..., 0] = (ang / 2).astype(np.uint8)
    hsv[..., 1] = 255
    hsv[..., 2] = np.clip(mag / top * 255, 0, 255).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def mask_to_rgb(mask: np.ndarray) -> np.ndarray:
    colours = np.asarray([(30, 30, 30), (230, 80, 60), (80, 160, 230), (240, 200, 60), (120, 200, 110),
                          (190, 110, 210), (250, 150, 80), (90, 220, 210)], np.uint8)
    return colours[(mask.astype(np.int64) + 1) % len(colours)]


def ground_truth_sheet() -> np.ndarray:
    n = 12
    things = [thing("ball", x=np.linspace(0.2, 0.7, n), y=0.65, size=0.25, color="red", layer=1),
              thing("star", x=0.65, y=0.3, size=0.25, color="yellow", rotation=np.linspace(0, 60, n)),
              thing("fish", x=np.linspace(0.8, 0.5, n), y=0.8, size=0.16, color="orange", layer=2)]
    tl = timeline(things, n_frames=n, width=TILE, height=TILE, look=Look("ocean", motion="waves"),
                  shot=Shot(cx=np.linspace(0.5, 0.6, n), zoom=np.linspace(1.0, 1.15, n)))
    r = render_preview(tl)
    k = n - 1
    boxed = r.frames[k].copy()
    import cv2
    for box in r.boxes[k]:
        if not np.isnan(box).any():
            cv2.rectangle(boxed, (int(box[0]), int(box[1])), (int(box[2]) - 1, int(box[3]) - 1), (255, 255, 255), 1)
    tiles = [r.frames[k], boxed, mask_to_rgb(r.masks[k]), flow_to_rgb(r.flow[k]),
             (r.valid[k][..., None] * np.uint8(255)).repeat(3, 2)]
    return contact_sheet(tiles, columns=5, labels=["frame", "boxes", "mask", "flow", "valid"], scale=2)


SHEETS = {"kinds": kinds_sheet, "backgrounds": backgrounds_sheet, "weather": weather_sheet,
          "styles": styles_sheet, "motion": motion_sheet, "ground_truth": ground_truth_sheet}


def save_png(image: np.ndarray, path: Path, colours: int = 256) -> None:
    from PIL import Image
    Image.fromarray(image).quantize(colours, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print("usage: python -m hvg.world.gallery OUTPUT_DIR [SHEET ...]\n"
              f"  writes contact sheets of the built-in world as PNGs; sheets: {', '.join(SHEETS)} (default: all)")
        return 0 if args else 2
    out = Path(args[0])
    names = args[1:] or list(SHEETS)
    unknown = [n for n in names if n not in SHEETS]
    if unknown:
        print(f"error: unknown sheet {unknown[0]!r}; choose from {', '.join(SHEETS)}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = out / f"{name}.png"
        save_png(SHEETS[name](), path)
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
