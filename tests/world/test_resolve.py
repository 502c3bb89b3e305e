"""resolve: Scene -> Timeline, against analytic answers from docs/semantics.md."""
import time
from pathlib import Path

import numpy as np
import pytest

from hvg import vocab
from hvg.ir import (At, Background, Block, Bounces, CameraOp, Chunk, Entity, Enters, Exits, Moves, Orbits,
                    Placement, Scene, Transition, VideoSettings)
from hvg.world.resolve import nearest_kind_by_spelling, resolve


def scene(blocks, entities=None, transitions=(), **video) -> Scene:
    entities = entities or [Entity(name="ball", kind="ball", color="red", size=0.1)]
    return Scene(video=VideoSettings(**{"fps": 12, **video}), entities=entities, blocks=blocks,
                 transitions=list(transitions))


def block(start, end, placements=(), camera=(), **kw) -> Block:
    return Block(start=start, end=end, description=f"{start}..{end}", placements=list(placements),
                 camera=list(camera), **kw)


def place(motion, start, end, entity="ball", instance=None, **kw) -> Placement:
    return Placement(entity=entity, instance=instance or entity, motion=motion, start=start, end=end, **kw)


def test_moves_is_at_its_midpoint_at_the_middle_frame():
    tl = resolve(scene([block(0, 4, [place(Moves(path=[(0.1, 0.5), (0.9, 0.3)]), 0, 4)])]))
    track = tl.tracks[0]
    assert tl.n_frames == 48 and track.visible.all()
    assert track.x[24] == pytest.approx(0.5) and track.y[24] == pytest.approx(0.4)
    # no camera: screen = world
    np.testing.assert_allclose(track.screen_x, track.x)
    np.testing.assert_allclose(track.screen_size, track.size)


def test_bounce_touches_its_baseline_on_the_hop_frames():
    tl = resolve(scene([block(0, 2, [place(Bounces(start=(0.1, 0.8), end=(0.9, 0.8), height=0.3, times=2), 0, 2)])]))
    y = tl.tracks[0].y                                          # 24 frames, hops land at frames 0, 12
    assert y[0] == pytest.approx(0.8) and y[12] == pytest.approx(0.8)
    assert y[6] == pytest.approx(0.5) and y[18] == pytest.approx(0.5)
    assert (y <= 0.8 + 1e-12).all()


def test_orbit_keeps_its_radius_in_world_coordinates():
    tl = resolve(scene([block(0, 3, [place(Orbits(center=(0.5, 0.5), radius=0.25, turns=2), 0, 3)])],
                       width=256, height=128))
    t = tl.tracks[0]
    np.testing.assert_allclose(np.hypot(t.x - 0.5, t.y - 0.5), 0.25)
    assert (t.x[0], t.y[0]) == pytest.approx((0.75, 0.5))


def test_a_statement_covers_exactly_the_frames_of_its_span():
    # 1.25s..2.5s at 12 fps: frames 15..29 (time 15/12 = 1.25 included, 30/12 = 2.5 excluded)
    tl = resolve(scene([block(0, 1.25), block(1.25, 2.5, [place(At(pos=(0.5, 0.5)), 1.25, 2.5)]), block(2.5, 4)]))
    assert np.flatnonzero(tl.tracks[0].visible).tolist() == list(range(15, 30))
    assert [(b.start_frame, b.end_frame) for b in tl.blocks] == [(0, 15), (15, 30), (30, 48)]


def test_chunk_placements_only_in_their_chunk():
    chunk = Chunk(start=1, end=2, description="pop", placements=[place(At(pos=(0.2, 0.2)), 1, 2)])
    tl = resolve(scene([Block(start=0, end=3, description="b", chunks=[chunk])]))
    assert np.flatnonzero(tl.tracks[0].visible).tolist() == list(range(12, 24))
    assert tl.chunk_spans == [(12, 24, "pop")]


def test_camera_pan_carries_across_blocks():
    blocks = [block(0, 2, camera=[CameraOp(op="pan", value=(0.1, -0.05))]), block(2, 4),
              block(4, 6, camera=[CameraOp(op="pan", value=(0.1, 0.0))])]
    cam = resolve(scene(blocks)).camera
    assert cam.cx[12] == pytest.approx(0.6) and cam.cy[12] == pytest.approx(0.45)       # 1s in
    assert cam.cx[24] == pytest.approx(0.7) and cam.cx[47] == pytest.approx(0.7)        # held through block 2
    assert cam.cx[60] == pytest.approx(0.8)                                             # block 3 pans on from there


def test_pan_moves_the_scene_the_other_way_on_screen():
    blocks = [block(0, 2, [place(At(pos=(0.5, 0.5)), 0, 2)], camera=[CameraOp(op="pan", value=(0.1, 0.0))])]
    t = resolve(scene(blocks)).tracks[0]
    assert t.screen_x[12] == pytest.approx(0.4)


def test_zoom_reaches_its_target_at_block_end_and_holds():
    blocks = [block(0, 2, camera=[CameraOp(op="zoom", value=2.0)]), block(2, 4, [place(At(pos=(0.7, 0.5)), 2, 4)])]
    tl = resolve(scene(blocks))
    zoom = tl.camera.zoom
    assert zoom[0] == 1.0 and zoom[12] == pytest.approx(1.5)         # in_out ease: halfway at mid-block
    assert zoom[23] == pytest.approx(2.0, abs=0.01) and (zoom[24:] == 2.0).all()
    assert np.all(np.diff(zoom[:24]) >= 0)
    t = tl.tracks[0]
    assert t.screen_x[30] == pytest.approx(0.5 + 0.2 * 2.0) and t.screen_size[30] == pytest.approx(0.2)


def test_rotate_accumulates_and_turns_the_picture():
    blocks = [block(0, 1, [place(At(pos=(0.7, 0.5)), 0, 2)], camera=[CameraOp(op="rotate", value=90.0)]),
              block(1, 2)]
    tl = resolve(scene(blocks))
    assert tl.camera.roll[12] == pytest.approx(90.0) and tl.camera.roll[23] == pytest.approx(90.0)
    t = tl.tracks[0]
    # a clockwise camera roll of 90 deg turns the picture counter-clockwise: right of centre goes up (y down)
    assert (t.screen_x[12], t.screen_y[12]) == pytest.approx((0.5, 0.3))
    assert t.screen_rotation[12] == pytest.approx(-90.0)


def test_shake_is_deterministic_bounded_and_does_not_carry():
    blocks = [block(0, 2, camera=[CameraOp(op="shake", value=0.03)]), block(2, 4)]
    a, b = resolve(scene(blocks, seed=3)).camera, resolve(scene(blocks, seed=3)).camera
    other = resolve(scene(blocks, seed=4)).camera
    np.testing.assert_array_equal(a.shake_x, b.shake_x)
    assert not np.allclose(a.shake_x[:24], other.shake_x[:24])
    assert np.abs(a.shake_x).max() <= 0.03 and np.abs(a.shake_x[:24]).max() > 0.01
    assert (a.shake_x[24:] == 0).all() and (a.shake_y[24:] == 0).all()


def test_exits_starts_from_the_previous_end():
    placements = [place(Moves(path=[(0.2, 0.3), (0.4, 0.6)]), 0, 1), place(Exits(side="left"), 1, 2)]
    t = resolve(scene([block(0, 1, placements[:1]), block(1, 2, placements[1:])])).tracks[0]
    assert (t.x[12], t.y[12]) == pytest.approx((0.4, 0.6))
    assert t.x[23] < 0.4 and t.y[23] == pytest.approx(0.6)


def test_enters_starts_off_screen_using_the_kind_aspect():
    entities = [Entity(name="car", kind="car", size=0.1)]
    tl = resolve(scene([block(0, 1, [place(Enters(side="left", to=(0.5, 0.5)), 0, 1, entity="car")])],
                       entities=entities))
    t = tl.tracks[0]
    assert t.x[0] + 0.1 * vocab.KIND_ASPECT["car"] / 2 == pytest.approx(0.0)


def test_instances_are_tracks_in_order_of_first_appearance():
    entities = [Entity(name="palm", kind="tree"), Entity(name="gull", kind="a seagull", free_words=True),
                Entity(name="blob", kind="a zorblax thing", free_words=True, color="#102030")]
    b0 = block(0, 1, [place(At(pos=(0.1, 0.5)), 0, 1, "gull"), place(At(pos=(0.2, 0.5)), 0, 1, "palm", "palm@p[0]"),
                      place(At(pos=(0.3, 0.5)), 0, 1, "palm", "palm@p[1]")])
    b1 = block(1, 2, [place(At(pos=(0.4, 0.5)), 1, 2, "blob"), place(At(pos=(0.2, 0.5)), 1, 2, "palm", "palm@p[0]")])
    tl = resolve(scene([b0, b1], entities=entities))
    assert [t.instance for t in tl.tracks] == ["gull", "palm@p[0]", "palm@p[1]", "blob"]
    assert [t.kind for t in tl.tracks] == ["bird", "tree", "tree", nearest_kind_by_spelling("a zorblax thing")]
    assert tl.tracks[1].visible.all() and tl.tracks[2].visible.sum() == 12
    assert tl.tracks[3].color == (16, 32, 48)
    assert tl.tracks[0].color == vocab.color_rgb("black")          # default for birds


def test_word_mapper_decides_kinds_no_synonym_covers():
    entities = [Entity(name="blob", kind="a zorblax thing", free_words=True),
                Entity(name="gull", kind="a seagull", free_words=True)]
    b0 = block(0, 1, [place(At(pos=(0.4, 0.5)), 0, 1, "blob"), place(At(pos=(0.4, 0.5)), 0, 1, "gull")])
    asked = []
    tl = resolve(scene([b0], entities=entities), word_mapper=lambda words: asked.append(words) or "rocket")
    assert [t.kind for t in tl.tracks] == ["rocket", "bird"] and asked == ["a zorblax thing"]


def test_nearest_kind_by_spelling_handles_typos():
    assert nearest_kind_by_spelling("a balon") == "balloon"
    assert nearest_kind_by_spelling("rockit") == "rocket"
    assert nearest_kind_by_spelling("") in vocab.KINDS


def test_block_spans_fill_every_field():
    b0 = block(0, 1, background=Background(kind="a misty harbor", free_words=True, time="dawn", weather="fog",
                                           motion="waves", strength=0.3, color="blue"), style="soft watercolor")
    b1 = block(1, 2, background=Background(kind="a zorblax place", free_words=True))
    b2 = block(2, 3, style="a zorblax look")
    tl = resolve(scene([b0, b1, b2], transitions=[Transition(time=1, kind="crossfade", duration=0.5)],
                       style="neon"))
    s0, s1, s2 = tl.blocks
    assert (s0.background, s0.time_of_day, s0.weather, s0.background_motion, s0.motion_strength, s0.style) == \
        ("ocean", "dawn", "fog", "waves", 0.3, "watercolor")
    assert s0.background_color == vocab.color_rgb("blue") and s0.transition_in == "cut"
    assert (s1.background, s1.time_of_day, s1.weather, s1.background_motion, s1.style) == \
        ("plain", "day", "clear", "still", "neon")
    assert (s1.transition_in, s1.transition_duration) == ("crossfade", 0.5)
    assert s2.style == "flat" and s2.background_color is None


def test_smooth_transition_eases_a_jump_across_the_seam():
    placements = [place(At(pos=(0.2, 0.5)), 0, 1), place(At(pos=(0.6, 0.5)), 1, 2)]
    blocks = [block(0, 1, placements[:1]), block(1, 2, placements[1:])]
    cut = resolve(scene(blocks)).tracks[0].x
    smooth = resolve(scene(blocks, transitions=[Transition(time=1, kind="smooth", duration=0.5)])).tracks[0].x
    assert cut[12] == pytest.approx(0.6) and smooth[12] == pytest.approx(0.2)
    assert smooth[15] == pytest.approx(0.4) and (smooth[18:] == 0.6).all()
    assert np.all(np.diff(smooth[12:19]) > 0)


def _long_program() -> Scene:
    entities = [Entity(name=f"e{i}", kind=vocab.KINDS[i]) for i in range(8)]
    blocks = []
    for b in range(12):
        start, end = b * 5.0, b * 5.0 + 5.0
        ps = [place(Moves(path=[(0.1, 0.2 + 0.05 * i), (0.9, 0.3)], ease="in_out"), start, end, f"e{i}")
              for i in range(4)]
        ps += [place(Orbits(center=(0.5, 0.5), radius=0.2), start, end, "e4"),
               place(Bounces(start=(0.1, 0.8), end=(0.9, 0.8), height=0.2, times=3), start, end, "e5")]
        blocks.append(block(start, end, ps, camera=[CameraOp(op="pan", value=(0.01, 0)), CameraOp(op="shake", value=0.01)]))
    return scene(blocks, entities=entities)


def test_resolving_a_60_second_12_block_program_is_fast():
    program = _long_program()
    resolve(program)
    runs = []
    for _ in range(5):                   # CPU time: other processes on a shared machine do not count
        t0 = time.process_time()
        resolve(program)
        runs.append(time.process_time() - t0)
    assert sorted(runs)[2] < 0.1


@pytest.mark.slow
def test_embedding_word_mapper_maps_unknown_words_onto_kinds():
    from hvg.world.resolve import embedding_word_mapper
    mapper = embedding_word_mapper()
    assert mapper("a kitten") in vocab.KINDS
    assert mapper("an aeroplane flying high") in ("bird", "rocket", "balloon")


CONFORMANCE_OK = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "ok"


def test_every_conformance_ok_program_resolves():
    from hvg.lang.api import compile_scene
    programs = sorted(CONFORMANCE_OK.glob("*.scene"))
    assert programs, f"the conformance set is missing: expected it at {CONFORMANCE_OK}"
    for path in programs:
        scene = compile_scene(path)
        tl = resolve(scene)
        assert tl.n_frames == round(scene.duration * scene.video.fps)
        assert tl.blocks[0].start_frame == 0 and tl.blocks[-1].end_frame == tl.n_frames
        assert all(a.end_frame == b.start_frame for a, b in zip(tl.blocks, tl.blocks[1:]))
        placed = {p.instance for b in scene.blocks for p in b.all_placements()}
        assert {t.instance for t in tl.tracks} == placed
        for track in tl.tracks:
            assert track.visible.any() and track.kind in vocab.KINDS, (path.name, track.instance)
            for a in (track.x, track.y, track.screen_x, track.screen_y, track.screen_size):
                assert np.isfinite(a[track.visible]).all()
