"""The random program generator: deterministic, valid by construction, and covering the whole vocabulary."""
import math
from collections import Counter

import numpy as np
import pytest
from scipy.stats import chisquare

from hvg import ir, motion, vocab
from hvg.lang.unparse import unparse
from hvg.world.synth_program import ProgramConfig, random_program, random_scene

N_PROGRAMS = 300


@pytest.fixture(scope="module")
def scenes() -> list[ir.Scene]:
    rng = np.random.default_rng(2024)
    return [random_scene(rng) for _ in range(N_PROGRAMS)]


def test_same_seed_same_text_and_different_seeds_differ():
    a = random_program(np.random.default_rng(7))
    assert a == random_program(np.random.default_rng(7))
    assert a != random_program(np.random.default_rng(8))


def test_program_text_is_the_unparsed_scene():
    assert random_program(np.random.default_rng(3)) == unparse(random_scene(np.random.default_rng(3)))


# ---------------------------------------------------------------------------------------------------------------
# Valid by construction: the checker's rules, re-checked here independently of the checker
# ---------------------------------------------------------------------------------------------------------------

def _statements(scene: ir.Scene) -> dict[str, list[ir.Placement]]:
    found: dict[str, list[ir.Placement]] = {}
    for block in scene.blocks:
        for p in block.all_placements():
            found.setdefault(p.instance, []).append(p)
    return {k: sorted(v, key=lambda p: p.start) for k, v in found.items()}


def _kind(scene: ir.Scene, name: str) -> str:
    return vocab.match_kind(scene.entity(name).kind).item


def test_blocks_tile_the_video_and_chunks_and_keys_stay_inside(scenes):
    for scene in scenes:
        assert scene.blocks[0].start == 0
        for a, b in zip(scene.blocks, scene.blocks[1:]):
            assert a.end == b.start and b.end - b.start >= 1.0
        boundaries = {b.start for b in scene.blocks[1:]}
        assert all(t.time in boundaries for t in scene.transitions)
        for block in scene.blocks:
            for chunk in block.chunks:
                assert block.start <= chunk.start < chunk.end <= block.end
                assert all((p.start, p.end) == (chunk.start, chunk.end) for p in chunk.placements)
            for p in block.all_placements():
                if isinstance(p.motion, ir.Keys):
                    assert all(p.start <= k.time <= p.end for k in p.motion.keys)


def test_every_entity_is_placed_and_one_statement_at_a_time(scenes):
    for scene in scenes:
        statements = _statements(scene)
        assert {e.name for e in scene.entities} == {p.entity for ps in statements.values() for p in ps}
        for placements in statements.values():
            for a, b in zip(placements, placements[1:]):
                assert a.end <= b.start


def test_no_teleports_no_speeding_nothing_always_off_screen(scenes):
    aspect = 1.0
    for scene in scenes:
        for name, placements in _statements(scene).items():
            kind, size = _kind(scene, placements[0].entity), scene.entity(placements[0].entity).size
            shape = dict(entity_size=size, kind=kind, frame_aspect=aspect)
            previous_end, previous = None, None
            for p in placements:
                start = motion.start_position(p, previous_end, **shape)
                if previous is not None and previous.end == p.start:
                    assert math.dist(start, previous_end) <= 0.05, (name, p)
                assert motion.path_length(p, previous_end, **shape) / (p.end - p.start) <= 2.0
                on_screen = False
                for i in range(21):
                    s = motion.state_at(p, size, p.start + (p.end - p.start) * i / 21, previous_end, kind=kind)
                    hx, hy = motion.half_extent(s.size, kind)
                    on_screen |= (s.x + hx > 0 and s.x - hx < 1 and s.y + hy > 0 and s.y - hy < 1)
                assert on_screen, (name, p)
                previous_end, previous = motion.end_position(p, previous_end, **shape), p


def test_free_words_always_map_into_the_vocabulary(scenes):
    for scene in scenes:
        for entity in scene.entities:
            assert vocab.match_kind(entity.kind).item is not None
            if entity.style:
                assert vocab.match_style(entity.style).item is not None
        for block in scene.blocks:
            assert vocab.match_background(block.background.kind).item is not None
            if block.style:
                assert vocab.match_style(block.style).item is not None


# ---------------------------------------------------------------------------------------------------------------
# Coverage of the vocabulary
# ---------------------------------------------------------------------------------------------------------------

def _usage(scenes) -> dict[str, Counter]:
    use = {name: Counter() for name in ("kind", "background", "time", "weather", "bgmotion", "style", "color",
                                        "motion", "ease", "side", "modifier", "camera", "transition")}
    for scene in scenes:
        styles = [scene.video.style, *(e.style for e in scene.entities), *(b.style for b in scene.blocks)]
        use["style"].update(vocab.match_style(s).item for s in styles if s)
        colors = [e.color for e in scene.entities] + [b.background.color for b in scene.blocks]
        use["color"].update("#hex" if c.startswith("#") else c for c in colors if c)
        use["kind"].update(vocab.match_kind(e.kind).item for e in scene.entities)
        for block in scene.blocks:
            bg = block.background
            use["background"][vocab.match_background(bg.kind).item] += 1
            use["time"].update([bg.time] if bg.time else [])
            use["weather"].update([bg.weather] if bg.weather else [])
            use["bgmotion"].update([bg.motion] if bg.motion else [])
            use["camera"].update(op.op for op in block.camera)
            for p in block.all_placements():
                use["motion"][p.motion.type] += 1
                if isinstance(p.motion, ir.Moves):
                    use["ease"][p.motion.ease] += 1
                if isinstance(p.motion, (ir.Enters, ir.Exits)):
                    use["side"][p.motion.side] += 1
                use["modifier"].update([*(["size"] if p.size else []), *([f"fades {p.fades}"] if p.fades else []),
                                        *(["spins"] if p.spins is not None else [])])
        use["transition"].update(t.kind for t in scene.transitions)
    return use


def test_every_vocabulary_item_appears(scenes):
    use = _usage(scenes)
    expected = {"kind": vocab.KINDS, "background": vocab.BACKGROUNDS, "time": vocab.TIMES_OF_DAY,
                "weather": vocab.WEATHERS, "bgmotion": vocab.BACKGROUND_MOTIONS, "style": vocab.STYLES,
                "color": (*vocab.COLORS, "#hex"), "motion": ("at", "moves", "bounces", "orbits", "enters", "exits",
                                                            "keys"),
                "ease": vocab.EASES, "side": vocab.SIDES, "modifier": ("size", "fades in", "fades out", "spins"),
                "camera": vocab.CAMERA_OPS, "transition": ("cut", "smooth", "crossfade")}
    for family, items in expected.items():
        rare = {item: use[family][item] for item in items if use[family][item] < 5}
        assert not rare, f"{family}: {rare} appear fewer than 5 times in {N_PROGRAMS} programs"
        assert set(use[family]) <= set(items), f"{family}: unexpected {set(use[family]) - set(items)}"


@pytest.mark.parametrize("family,items", [("kind", vocab.KINDS), ("time", vocab.TIMES_OF_DAY),
                                          ("weather", vocab.WEATHERS), ("bgmotion", vocab.BACKGROUND_MOTIONS),
                                          ("style", vocab.STYLES)])
def test_uniform_draws_are_uniform_chi_square(scenes, family, items):
    counts = [_usage(scenes)[family][item] for item in items]
    assert chisquare(counts).pvalue > 1e-3, dict(zip(items, counts))


def test_first_backgrounds_are_uniform_chi_square(scenes):
    counts = Counter(vocab.match_background(s.blocks[0].background.kind).item for s in scenes)
    assert chisquare([counts[b] for b in vocab.BACKGROUNDS]).pvalue > 1e-3


def test_config_is_respected():
    rng = np.random.default_rng(11)
    config = ProgramConfig(size=(64, 32), fps=8, duration=(3.0, 3.0), max_blocks=2, max_entities=2)
    for _ in range(20):
        scene = random_scene(rng, config)
        assert (scene.video.width, scene.video.height, scene.video.fps) == (64, 32, 8)
        assert scene.duration == 3.0 and 1 <= len(scene.blocks) <= 2 and 1 <= len(scene.entities) <= 2
