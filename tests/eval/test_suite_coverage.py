"""The benchmark suite: at least 20 short 128x128 programs that together cover the whole built-in world."""
from pathlib import Path

import pytest

from hvg import vocab

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "suite"


def _compile(path: Path):
    from hvg.lang.api import check
    result = check(path)
    assert result.scene is not None and not result.diagnostics, [str(d) for d in result.diagnostics]
    return result.scene


@pytest.fixture(scope="module")
def scenes():
    return {path.name: _compile(path) for path in sorted(SUITE.glob("*.scene"))}


def test_at_least_twenty_short_small_programs(scenes):
    assert len(scenes) >= 20
    for name, scene in scenes.items():
        assert (scene.video.width, scene.video.height) == (128, 128), name
        assert 2 <= scene.duration <= 6, name


def test_the_suite_covers_the_vocabulary(scenes):
    from hvg.world.resolve import resolve
    kinds, backgrounds, times, weathers, motions, styles = set(), set(), set(), set(), set(), set()
    placements, modifiers, cameras, transitions, eases = set(), set(), set(), set(), set()
    for scene in scenes.values():
        timeline = resolve(scene)
        kinds |= {t.kind for t in timeline.tracks}
        for span in timeline.blocks:
            backgrounds.add(span.background)
            times.add(span.time_of_day)
            weathers.add(span.weather)
            motions.add(span.background_motion)
            styles.add(span.style)
            transitions.add(span.transition_in)
        for block in scene.blocks:
            cameras |= {op.op for op in block.camera}
            for p in block.all_placements():
                placements.add(p.motion.type)
                eases.add(getattr(p.motion, "ease", "linear"))
                modifiers |= {m for m, on in (("size", p.size), ("fades", p.fades), ("spins", p.spins)) if on}
    assert kinds == set(vocab.KINDS)
    assert backgrounds == set(vocab.BACKGROUNDS)
    assert times == set(vocab.TIMES_OF_DAY)
    assert weathers == set(vocab.WEATHERS)
    assert motions == set(vocab.BACKGROUND_MOTIONS)
    assert styles == set(vocab.STYLES)
    assert placements == {"at", "moves", "bounces", "orbits", "enters", "exits", "keys"}
    assert modifiers == {"size", "fades", "spins"}
    assert cameras == set(vocab.CAMERA_OPS)
    assert transitions == {"cut", "smooth", "crossfade"}
    assert eases == set(vocab.EASES)
