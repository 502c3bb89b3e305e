"""How each built-in kind looks: layered primitives with simple shading, in local units.

A kind is drawn into a `Canvas` `KIND_ASPECT[kind]` units wide and 1 unit high, centred on (0, 0), y down, and
fills that box edge to edge, so the drawn box is the planned box (`size` high, `size * aspect` wide). The entity's
colour is the dominant colour; parts that are not that colour (a car's wheels, a rocket's flame) keep their own.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from hvg.world.draw.canvas import Canvas, mix, tone

SKIN = (236, 188, 150)
WOOD = (120, 78, 40)
GLASS = (170, 215, 240)
TYRE = (30, 30, 34)
LEAF = (60, 150, 60)
WHITE = (248, 248, 244)
FLAME = (255, 150, 30)
FLAME_CORE = (255, 235, 120)
INK = (25, 25, 30)


def _ball(c: Canvas, col) -> None:
    body = c.circle((0, 0), 0.5)
    c.paint(body, np.asarray(col) * c.sphere_light((0, 0), 0.5))
    c.paint(c.ellipse((-0.17, -0.2), (0.11, 0.07), -35), tone(col, 1.75))
    c.shade(body * (1 - c.circle((0.06, 0.06), 0.47)), np.full_like(body, 0.7))


def _box(c: Canvas, col) -> None:
    front = c.polygon([(-0.5, -0.3), (0.3, -0.3), (0.3, 0.5), (-0.5, 0.5)])
    top = c.polygon([(-0.5, -0.3), (-0.3, -0.5), (0.5, -0.5), (0.3, -0.3)])
    side = c.polygon([(0.3, -0.3), (0.5, -0.5), (0.5, 0.3), (0.3, 0.5)])
    c.paint(front, col)
    c.paint(top, tone(col, 1.35))
    c.paint(side, tone(col, 0.62))
    edge = tone(col, 0.45)
    for pts in ([(-0.46, 0.1), (0.26, 0.1)], [(-0.1, -0.26), (-0.1, 0.46)]):
        c.paint(c.line(pts, 0.05), edge)
    c.paint(c.line([(-0.5, -0.3), (0.3, -0.3), (0.3, 0.5)], 0.03), tone(col, 0.35))


def _star(c: Canvas, col) -> None:
    # A regular star is 1.05x as wide as tall: fill the height and squash x by 5% so it fills its square box.
    r_out = 1.0 / (1.0 + math.cos(math.radians(36)))
    r_in = r_out * 0.42
    squash = 0.5 / (r_out * math.sin(math.radians(72)))
    cy = r_out - 0.5
    pts = []
    for i in range(10):
        a = math.radians(-90 + 36 * i)
        r = r_out if i % 2 == 0 else r_in
        pts.append((squash * r * math.cos(a), cy + r * math.sin(a)))
    for i in range(10):
        a, b = pts[i], pts[(i + 1) % 10]
        light = 1.3 if i % 2 == 0 else 0.8
        if i >= 5:
            light *= 0.9
        c.paint(c.polygon([(0, cy), a, b]), tone(col, light))


def _tree(c: Canvas, col) -> None:
    c.paint(c.polygon([(-0.06, 0.05), (0.06, 0.05), (0.08, 0.5), (-0.08, 0.5)]), WOOD)
    c.paint(c.polygon([(0.0, 0.2), (0.16, 0.02), (0.13, 0.0), (-0.01, 0.14)]), WOOD)
    lumps = [((-0.2, 0.0), 0.15), ((0.2, 0.0), 0.15), ((0.0, -0.08), 0.2), ((-0.12, -0.26), 0.17),
             ((0.12, -0.26), 0.17), ((0.0, -0.33), 0.17)]
    for (x, y), r in lumps:
        cov = c.circle((x, y), r)
        c.paint(cov, np.asarray(col) * c.sphere_light((x, y), r * 1.3))


def _house(c: Canvas, col) -> None:
    a = c.aspect / 2
    roof_col = mix(tone(col, 0.45), (120, 40, 30), 0.6)
    c.paint(c.rect(0.22, -0.42, 0.34, -0.15), tone(roof_col, 0.8))                      # chimney
    c.paint(c.rect(-a + 0.06, -0.06, a - 0.06, 0.5), np.asarray(col) * c.vertical_light(1.1, 0.85))
    c.paint(c.polygon([(-a, -0.02), (0.0, -0.5), (a, -0.02)]), np.asarray(roof_col) * c.vertical_light(1.2, 0.9))
    c.paint(c.line([(-a + 0.02, -0.03), (a - 0.02, -0.03)], 0.03), tone(roof_col, 0.6))
    c.paint(c.rect(-0.14, 0.16, 0.06, 0.5), WOOD)                                         # door
    c.paint(c.circle((0.02, 0.34), 0.018), (230, 200, 80))
    c.paint(c.rect(0.16, 0.08, 0.4, 0.3), tone(col, 0.45))                               # window frame
    c.paint(c.rect(0.18, 0.1, 0.38, 0.28), GLASS)
    c.paint(c.line([(0.28, 0.1), (0.28, 0.28)], 0.02), WHITE)
    c.paint(c.line([(0.18, 0.19), (0.38, 0.19)], 0.02), WHITE)
    c.paint(c.rect(-0.42, 0.08, -0.22, 0.26), tone(col, 0.45))
    c.paint(c.rect(-0.4, 0.1, -0.24, 0.24), GLASS)
    c.paint(c.circle((0.0, -0.2), 0.06), GLASS)                                           # attic window


def _car(c: Canvas, col) -> None:
    c.paint(c.polygon([(-0.52, -0.08), (-0.34, -0.5), (0.32, -0.5), (0.55, -0.08)]),
            np.asarray(col) * c.vertical_light(1.15, 0.95, -0.5, 0.0))                    # cabin
    c.paint(c.polygon([(-0.42, -0.1), (-0.28, -0.42), (-0.03, -0.42), (-0.03, -0.1)]), GLASS)
    c.paint(c.polygon([(0.03, -0.1), (0.03, -0.42), (0.28, -0.42), (0.44, -0.1)]), GLASS)
    c.paint(c.rounded_rect(-1.0, -0.14, 1.0, 0.3, 0.1), np.asarray(col) * c.vertical_light(1.2, 0.75, -0.14, 0.3))
    c.paint(c.line([(-0.9, 0.06), (0.9, 0.06)], 0.02), tone(col, 0.6))
    c.paint(c.rounded_rect(0.86, -0.06, 1.0, 0.04, 0.03), (255, 240, 150))              # headlight
    c.paint(c.rect(-1.0, -0.06, -0.93, 0.04), (200, 30, 30))                             # tail light
    for x in (-0.58, 0.58):
        c.paint(c.circle((x, 0.3), 0.2), TYRE)
        c.paint(c.circle((x, 0.3), 0.09), (190, 190, 195))
        c.paint(c.circle((x, 0.3), 0.035), (90, 90, 95))


def _bird(c: Canvas, col) -> None:
    c.paint(c.polygon([(-0.05, 0.05), (0.2, 0.08), (-0.1, 0.5), (-0.3, 0.45)]), tone(col, 0.65))  # far wing, down
    c.paint(c.polygon([(-0.55, 0.05), (-0.8, -0.12), (-0.8, 0.22), (-0.5, 0.16)]), tone(col, 0.75))  # tail
    body = c.ellipse((-0.08, 0.1), (0.46, 0.17), -8)
    c.paint(body, np.asarray(col) * c.vertical_light(1.15, 0.8, -0.1, 0.3))
    c.paint(c.circle((0.4, -0.03), 0.15), np.asarray(col) * c.sphere_light((0.4, -0.03), 0.2))
    c.paint(c.polygon([(0.52, -0.07), (0.8, 0.0), (0.52, 0.06)]), (250, 170, 40))          # beak
    c.paint(c.circle((0.45, -0.07), 0.035), INK)
    c.paint(c.circle((0.46, -0.08), 0.012), WHITE)
    c.paint(c.polygon([(-0.25, 0.02), (0.15, 0.0), (0.0, -0.5), (-0.2, -0.42)]), tone(col, 1.25))  # near wing, up
    c.paint(c.line([(-0.18, -0.38), (0.05, 0.0)], 0.02), tone(col, 0.7))


def _fish(c: Canvas, col) -> None:
    c.paint(c.polygon([(-0.25, 0.0), (-0.9, -0.42), (-0.75, 0.0), (-0.9, 0.42)]), tone(col, 0.75))   # tail
    c.paint(c.polygon([(0.05, -0.28), (0.25, -0.5), (0.45, -0.3)]), tone(col, 0.7))                  # dorsal fin
    c.paint(c.polygon([(0.2, 0.28), (0.15, 0.5), (0.4, 0.3)]), tone(col, 0.7))                        # belly fin
    body = c.ellipse((0.28, 0.0), (0.62, 0.34))
    c.paint(body, np.asarray(col) * c.vertical_light(1.25, 0.75, -0.34, 0.34))
    for x in (-0.05, 0.15):
        c.paint(c.ellipse((x, 0.0), (0.05, 0.25)) * body, tone(col, 0.8))
    c.paint(c.ellipse((0.56, 0.0), (0.03, 0.2), 0) * body, tone(col, 0.6))                       # gill
    c.paint(c.circle((0.68, -0.08), 0.075), WHITE)
    c.paint(c.circle((0.7, -0.08), 0.04), INK)
    c.paint(c.line([(0.86, 0.1), (0.77, 0.12)], 0.02), tone(col, 0.4))                          # mouth


def _boat(c: Canvas, col) -> None:
    c.paint(c.line([(0.0, -0.5), (0.0, 0.2)], 0.035), WOOD)                                      # mast
    c.paint(c.polygon([(0.04, -0.47), (0.04, 0.12), (0.62, 0.12)]), np.asarray(WHITE) * c.vertical_light(1.0, 0.85))
    c.paint(c.polygon([(-0.04, -0.38), (-0.04, 0.12), (-0.5, 0.12)]), np.asarray(WHITE) * c.vertical_light(0.95, 0.8))
    c.paint(c.polygon([(0.0, -0.5), (0.16, -0.45), (0.0, -0.4)]), (220, 50, 47))                   # pennant
    c.paint(c.polygon([(-0.9, 0.18), (0.9, 0.18), (0.62, 0.5), (-0.62, 0.5)]),
            np.asarray(col) * c.vertical_light(1.15, 0.7, 0.18, 0.5))
    c.paint(c.rect(-0.84, 0.18, 0.84, 0.24), tone(col, 1.4))
    c.paint(c.line([(-0.74, 0.33), (0.74, 0.33)], 0.025), WHITE)


def _person(c: Canvas, col) -> None:
    legs = (45, 55, 90)
    c.paint(c.line([(-0.05, 0.1), (-0.12, 0.47)], 0.075), legs)
    c.paint(c.line([(0.05, 0.1), (0.12, 0.47)], 0.075), legs)
    c.paint(c.ellipse((-0.14, 0.475), (0.05, 0.025)), INK)
    c.paint(c.ellipse((0.14, 0.475), (0.05, 0.025)), INK)
    c.paint(c.line([(-0.1, -0.2), (-0.165, 0.06)], 0.06), tone(col, 0.85))
    c.paint(c.line([(0.1, -0.2), (0.165, 0.06)], 0.06), tone(col, 0.85))
    c.paint(c.circle((-0.17, 0.08), 0.03), SKIN)
    c.paint(c.circle((0.17, 0.08), 0.03), SKIN)
    c.paint(c.polygon([(-0.12, -0.24), (0.12, -0.24), (0.1, 0.14), (-0.1, 0.14)]),
            np.asarray(col) * c.vertical_light(1.15, 0.85, -0.24, 0.14))
    c.paint(c.rect(-0.03, -0.28, 0.03, -0.22), tone(SKIN, 0.85))
    c.paint(c.circle((0.0, -0.38), 0.12), np.asarray(SKIN) * c.sphere_light((0.0, -0.38), 0.14))
    c.paint(c.ellipse((0.0, -0.43), (0.125, 0.075)) * (c.y < -0.4), (70, 45, 25))               # hair
    c.paint(c.circle((-0.04, -0.38), 0.014), INK)
    c.paint(c.circle((0.04, -0.38), 0.014), INK)


def _rocket(c: Canvas, col) -> None:
    c.paint(c.polygon([(-0.09, 0.28), (0.0, 0.5), (0.09, 0.28)]), FLAME)
    c.paint(c.polygon([(-0.05, 0.28), (0.0, 0.42), (0.05, 0.28)]), FLAME_CORE)
    fin = tone(col, 0.6)
    c.paint(c.polygon([(-0.1, 0.0), (-0.2, 0.22), (-0.2, 0.3), (-0.1, 0.22)]), fin)
    c.paint(c.polygon([(0.1, 0.0), (0.2, 0.22), (0.2, 0.3), (0.1, 0.22)]), fin)
    light = (c.x * -2.0 + 1.0)[..., None].clip(0.65, 1.3)
    c.paint(c.polygon([(-0.11, -0.22), (-0.05, -0.42), (0.0, -0.5), (0.05, -0.42), (0.11, -0.22)]),
            np.asarray(WHITE) * light)                                                  # nose
    c.paint(c.rounded_rect(-0.11, -0.24, 0.11, 0.3, 0.03), np.asarray(col) * light)             # hull
    c.paint(c.rect(-0.11, 0.1, 0.11, 0.15), np.asarray(WHITE) * light * 0.95)
    c.paint(c.rect(-0.11, -0.24, 0.11, -0.2), np.asarray(WHITE) * light * 0.95)
    c.paint(c.circle((0.0, -0.06), 0.065), WHITE)
    c.paint(c.circle((0.0, -0.06), 0.045), GLASS)
    c.paint(c.line([(0.0, 0.3), (0.0, 0.22)], 0.04), fin)


def _cloud(c: Canvas, col) -> None:
    puffs = [((-0.62, 0.2), 0.28), ((-0.3, 0.0), 0.32), ((0.12, -0.12), 0.38), ((0.5, 0.06), 0.3),
             ((0.66, 0.24), 0.24)]
    body = c.rounded_rect(-0.9, 0.1, 0.9, 0.5, 0.2)
    for (x, y), r in puffs:
        body = np.maximum(body, c.circle((x, y), r))
    c.paint(body, np.asarray(col) * c.vertical_light(1.08, 0.78))
    for (x, y), r in puffs[1:4]:
        c.paint(c.circle((x - 0.05, y - 0.05), r * 0.6) * body, tone(col, 1.25))


def _sun(c: Canvas, col) -> None:
    rays = []
    for i in range(8):       # rays on the axes too, so the sun fills its square box
        a = math.radians(45 * i)
        rays.append([(0.36 * math.cos(a), 0.36 * math.sin(a)), (0.455 * math.cos(a), 0.455 * math.sin(a))])
    c.paint(c.lines(rays, 0.09), tone(col, 1.05))
    disc = c.circle((0, 0), 0.29)
    glow = np.clip(1.25 - 0.5 * np.hypot(c.x + 0.08, c.y + 0.08) / 0.29, 0.7, 1.3)[..., None]
    c.paint(disc, np.asarray(tone(col, 1.05)) * glow)


def _moon(c: Canvas, col) -> None:
    dx = 0.1     # the crescent's box is 0.8 wide; shift it so that box is centred
    body = c.circle((dx, 0.0), 0.5) * (1.0 - c.circle((0.32 + dx, -0.02), 0.41))
    c.paint(body, np.asarray(col) * c.vertical_light(1.1, 0.85))
    for (x, y), r in (((-0.28 + dx, -0.05), 0.06), ((-0.2 + dx, 0.25), 0.045), ((-0.15 + dx, -0.32), 0.04)):
        c.paint(c.circle((x, y), r) * body, tone(col, 0.78))


def _flower(c: Canvas, col) -> None:
    c.paint(c.line([(0.0, -0.15), (0.0, 0.5)], 0.05), LEAF)
    c.paint(c.ellipse((-0.12, 0.28), (0.13, 0.05), -30), tone(LEAF, 1.1))
    c.paint(c.ellipse((0.12, 0.2), (0.13, 0.05), 30), tone(LEAF, 0.85))
    centre = (0.0, -0.2)
    for i in range(7):
        a = math.radians(-90 + i * 360 / 7)
        px, py = centre[0] + 0.17 * math.cos(a), centre[1] + 0.17 * math.sin(a)
        c.paint(c.ellipse((px, py), (0.13, 0.08), math.degrees(a)), tone(col, 1.0 if i % 2 else 1.2))
    c.paint(c.circle(centre, 0.09), (250, 200, 40))
    c.paint(c.circle((centre[0] - 0.02, centre[1] - 0.02), 0.04), (255, 235, 120))


def _balloon(c: Canvas, col) -> None:
    c.paint(c.line([(0.0, 0.18), (0.04, 0.28), (-0.04, 0.38), (0.03, 0.5)], 0.02), (90, 90, 90))
    c.paint(c.polygon([(-0.05, 0.21), (0.0, 0.15), (0.05, 0.21)]), tone(col, 0.7))
    c.paint(c.ellipse((0.0, -0.16), (0.375, 0.34)), np.asarray(col) * c.sphere_light((0.0, -0.16), 0.38))
    c.paint(c.ellipse((-0.14, -0.3), (0.06, 0.1), 25), tone(col, 1.7))


KIND_DRAWERS: dict[str, Callable[[Canvas, tuple], None]] = {
    "ball": _ball, "box": _box, "star": _star, "tree": _tree, "house": _house, "car": _car, "bird": _bird,
    "fish": _fish, "boat": _boat, "person": _person, "rocket": _rocket, "cloud": _cloud, "sun": _sun,
    "moon": _moon, "flower": _flower, "balloon": _balloon,
}
