"""hvg.motion against analytic answers from docs/semantics.md."""
import math

import pytest

from hvg import motion
from hvg.ir import At, Bounces, Enters, Exits, Keyframe, Keys, Moves, Orbits, Placement


def place(m, start=0.0, end=4.0, **kw) -> Placement:
    return Placement(entity="e", instance="e", motion=m, start=start, end=end, **kw)


@pytest.mark.parametrize("ease", ["linear", "in_out"])
def test_moves_is_at_its_midpoint_at_mid_time(ease):
    p = place(Moves(path=[(0.1, 0.2), (0.9, 0.6)], ease=ease), start=2.0, end=6.0)
    s = motion.state_at(p, 0.1, 4.0, None)
    assert s.x == pytest.approx(0.5) and s.y == pytest.approx(0.4)


def test_moves_travels_a_polyline_at_constant_speed():
    # two legs of lengths 0.2 and 0.6: a quarter of the time is the corner
    p = place(Moves(path=[(0.0, 0.5), (0.2, 0.5), (0.2, -0.1)]))
    assert motion.position_at(p, 1.0) == pytest.approx((0.2, 0.5))
    assert motion.position_at(p, 2.5) == pytest.approx((0.2, 0.2))
    assert motion.path_length(p) == pytest.approx(0.8)


def test_moves_ease_in_is_behind_linear_early():
    p = place(Moves(path=[(0.0, 0.5), (1.0, 0.5)], ease="in"))
    assert motion.position_at(p, 1.0)[0] == pytest.approx(0.0625)


def test_bounce_touches_baseline_at_hops_and_peaks_between():
    p = place(Bounces(start=(0.1, 0.8), end=(0.9, 0.8), height=0.3, times=2), start=0.0, end=4.0)
    for u in (0.0, 0.5):
        x, y = motion.position_at(p, 4.0 * u)
        assert y == pytest.approx(0.8) and x == pytest.approx(0.1 + 0.8 * u)
    assert motion.position_at(p, 1.0)[1] == pytest.approx(0.5)      # u = 0.25: peak height H above baseline
    ys = [motion.position_at(p, 4.0 * i / 400)[1] for i in range(400)]
    assert min(ys) == pytest.approx(0.5) and max(ys) <= 0.8 + 1e-12


def test_bounce_path_length_is_at_least_the_hops_and_close_to_the_true_arc():
    p = place(Bounces(start=(0.1, 0.8), end=(0.9, 0.8), height=0.2, times=3))
    # fine reference integral of |d/du (x, y)| du
    n = 200_000
    ref = 0.0
    prev = motion.position_at(p, 0.0)
    for i in range(1, n + 1):
        cur = motion.position_at(p, 4.0 * i / n)
        ref += math.dist(prev, cur)
        prev = cur
    assert motion.path_length(p) == pytest.approx(ref, rel=2e-3)
    # Minkowski: length >= |(total dx, total |dy|)| = |(0.8, 6 hops of 0.2)|
    assert motion.path_length(p) >= math.hypot(0.8, 6 * 0.2)


def test_orbit_keeps_its_radius_and_starts_right_of_centre():
    p = place(Orbits(center=(0.5, 0.4), radius=0.2, turns=1.5), start=1.0, end=3.0)
    assert motion.start_position(p) == pytest.approx((0.7, 0.4))
    for i in range(50):
        x, y = motion.position_at(p, 1.0 + 2.0 * i / 50)
        assert math.hypot(x - 0.5, y - 0.4) == pytest.approx(0.2)
    # clockwise on screen (y down): a quarter turn in, it is below the centre
    assert motion.position_at(p, 1.0 + 2.0 / 6)[1] == pytest.approx(0.6)
    assert motion.path_length(p) == pytest.approx(2 * math.pi * 0.2 * 1.5)


def test_keys_interpolate_linearly_and_hold_outside():
    k = Keys(keys=[Keyframe(time=1.0, pos=(0.0, 0.0)), Keyframe(time=3.0, pos=(1.0, 0.5))])
    p = place(k, start=0.0, end=4.0)
    assert motion.position_at(p, 0.5) == pytest.approx((0.0, 0.0))
    assert motion.position_at(p, 2.0) == pytest.approx((0.5, 0.25))
    assert motion.position_at(p, 3.5) == pytest.approx((1.0, 0.5))
    assert motion.path_length(p) == pytest.approx(math.hypot(1.0, 0.5))


def test_keys_path_length_counts_only_the_span():
    k = Keys(keys=[Keyframe(time=0.0, pos=(0.0, 0.0)), Keyframe(time=4.0, pos=(0.8, 0.0))])
    assert motion.path_length(place(k, start=1.0, end=3.0)) == pytest.approx(0.4)


@pytest.mark.parametrize("name", ["linear", "in", "out", "in_out"])
def test_eases_are_monotone_from_0_to_1(name):
    values = [motion.ease(name, i / 100) for i in range(101)]
    assert values[0] == 0.0 and values[-1] == pytest.approx(1.0)
    assert all(b >= a for a, b in zip(values, values[1:]))


@pytest.mark.parametrize("side", ["left", "right", "top", "bottom"])
def test_enters_starts_fully_off_screen_and_ends_at_target(side):
    p = place(Enters(side=side, to=(0.3, 0.6)))
    for kind in ("car", "person", None):
        x, y = motion.start_position(p, entity_size=0.2, kind=kind)
        hx, hy = motion.half_extent(0.2, kind)
        assert x + hx <= 1e-12 or x - hx >= 1 - 1e-12 or y + hy <= 1e-12 or y - hy >= 1 - 1e-12
        # just off-screen: it touches the frame's edge
        assert min(abs(x + hx), abs(x - hx - 1), abs(y + hy), abs(y - hy - 1)) == pytest.approx(0.0, abs=1e-12)
        assert motion.end_position(p, entity_size=0.2, kind=kind) == pytest.approx((0.3, 0.6))


def test_enters_defaults_to_the_centre_and_eases_out():
    p = place(Enters(side="left"))
    x0, _ = motion.start_position(p, entity_size=0.1)
    x_mid, y_mid = motion.position_at(p, 2.0, entity_size=0.1)
    assert x0 == pytest.approx(-0.05) and y_mid == 0.5
    assert x_mid == pytest.approx(x0 + (0.5 - x0) * 0.75)


def test_exits_starts_from_the_previous_end_and_leaves():
    p = place(Exits(side="right"))
    assert motion.start_position(p, (0.2, 0.3)) == pytest.approx((0.2, 0.3))
    x, y = motion.end_position(p, (0.2, 0.3), entity_size=0.1, kind="car")
    assert y == pytest.approx(0.3) and x - motion.half_extent(0.1, "car")[0] == pytest.approx(1.0)
    assert motion.start_position(p, None) == (0.5, 0.5)


def test_modifiers_size_fades_spins():
    p = place(At(pos=(0.5, 0.5)), start=2.0, end=6.0, size=(0.1, 0.3), fades="out", spins=90.0)
    s = motion.state_at(p, 0.15, 3.0)
    assert s.size == pytest.approx(0.15) and s.opacity == pytest.approx(0.75) and s.rotation == pytest.approx(90.0)
    plain = motion.state_at(place(At(pos=(0.1, 0.2)), fades="in"), 0.15, 1.0)
    assert plain.size == 0.15 and plain.opacity == pytest.approx(0.25) and plain.rotation == 0.0
    assert (plain.x, plain.y) == (0.1, 0.2)


def test_motion_imports_no_numpy():
    import subprocess
    import sys
    code = "import sys, hvg.motion; print('numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
