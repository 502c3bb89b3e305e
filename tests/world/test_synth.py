"""The random program generator (deterministic, valid by construction, covering the whole vocabulary), and the
data sets made from it: `synth` on disk and `SyntheticClips` in memory."""
import json
import math
from collections import Counter

import numpy as np
import pytest
from scipy.stats import chisquare

from hvg import ir, motion, vocab
from hvg.lang.unparse import unparse
from hvg.world.synth import (DataSetMismatch, SyntheticClips, make_clip, read_clip, screen_boxes, synth)
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


def test_generated_programs_check_clean_and_compile_back_to_the_same_scene():
    from hvg.ir import semantic_dump
    from hvg.lang.api import check
    rng = np.random.default_rng(99)
    for _ in range(60):
        scene = random_scene(rng)
        result = check(unparse(scene))
        assert result.diagnostics == [], [f"{d.line}: {d.code} {d.message}" for d in result.diagnostics]
        assert semantic_dump(result.scene) == semantic_dump(scene)


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


@pytest.fixture(scope="module")
def usage(scenes) -> dict[str, Counter]:
    return _usage(scenes)


def test_every_vocabulary_item_appears(usage):
    use = usage
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
def test_uniform_draws_are_uniform_chi_square(usage, family, items):
    counts = [usage[family][item] for item in items]
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


# ---------------------------------------------------------------------------------------------------------------
# Data sets
# ---------------------------------------------------------------------------------------------------------------

SMALL = ProgramConfig(size=(32, 32), fps=4, duration=(1.0, 2.0), max_blocks=2, max_entities=2)


def box_renderer(timeline):
    """A stand-in for the preview renderer: each visible track's box filled with its index, in track order."""
    n, h, w = timeline.n_frames, timeline.height, timeline.width
    masks = np.full((n, h, w), -1, np.int16)
    boxes = screen_boxes(timeline)
    for f in range(n):
        for k, box in enumerate(boxes[f]):
            if np.isnan(box).any():
                continue
            x0, y0, x1, y1 = (int(np.clip(np.round(v), 0, s)) for v, s in zip(box, (w, h, w, h)))
            masks[f, y0:y1, x0:x1] = k
    frames = np.where(masks[..., None] >= 0, 200, 30).astype(np.uint8).repeat(3, axis=-1)
    return {"frames": frames, "masks": masks, "flow": np.zeros((n, h, w, 2), np.float32)}


def test_a_clip_depends_only_on_seed_and_index():
    a, b = make_clip(5, 3, config=SMALL), make_clip(5, 3, config=SMALL)
    assert a.source == b.source and np.array_equal(a.boxes, b.boxes, equal_nan=True)
    assert make_clip(5, 4, config=SMALL).source != a.source
    default = make_clip(5, 3)
    assert default.source == random_program(np.random.default_rng([5, 3]))


def test_screen_boxes_follow_the_kind_aspect_and_the_visible_frames():
    clip = make_clip(1, 0)
    tl = clip.timeline
    for k, track in enumerate(tl.tracks):
        assert np.isnan(clip.boxes[~track.visible, k]).all()
        vis = track.visible & (np.abs(np.sin(np.deg2rad(track.screen_rotation))) < 1e-9)
        if vis.any():
            b = clip.boxes[vis, k]
            np.testing.assert_allclose(b[:, 3] - b[:, 1], track.screen_size[vis] * tl.height, rtol=1e-5)
            np.testing.assert_allclose((b[:, 2] - b[:, 0]) / (b[:, 3] - b[:, 1]), vocab.KIND_ASPECT[track.kind],
                                       rtol=1e-4)
            np.testing.assert_allclose((b[:, 0] + b[:, 2]) / 2, track.screen_x[vis] * tl.width, rtol=1e-5)


def test_synth_writes_and_reads_back(tmp_path):
    synth(3, 9, tmp_path, renderer=box_renderer, config=SMALL)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "00000.json", "00000.npz", "00000.scene", "00001.json", "00001.npz", "00001.scene",
        "00002.json", "00002.npz", "00002.scene", "index.json"]
    data = read_clip(tmp_path, 1)
    clip = make_clip(9, 1, config=SMALL, renderer=box_renderer)
    assert data["source"] == clip.source
    assert data["frames"].dtype == np.uint8 and data["frames"].shape == (clip.timeline.n_frames, 32, 32, 3)
    assert data["masks"].dtype == np.int16 and np.array_equal(data["masks"], clip.masks)
    assert np.array_equal(data["boxes"], clip.boxes, equal_nan=True)
    assert data["flow"].shape == (clip.timeline.n_frames, 32, 32, 2)
    assert [i["instance"] for i in data["meta"]["instances"]] == [t.instance for t in clip.timeline.tracks]
    # boxes come from the masks when there are masks: tight around the filled pixels
    f, k = np.argwhere(~np.isnan(clip.boxes[..., 0]))[0]
    x0, y0, x1, y1 = clip.boxes[f, k].astype(int)
    assert (clip.masks[f, y0:y1, x0:x1] == k).any() and not (clip.masks[f, :y0] == k).any()


def test_synth_resumes_and_refuses_to_mix_data_sets(tmp_path):
    synth(2, 9, tmp_path, config=SMALL)
    first = (tmp_path / "00000.npz").stat().st_mtime_ns
    (tmp_path / "00001.json").unlink()                               # as if interrupted during clip 1
    seen = []
    synth(3, 9, tmp_path, config=SMALL, on_clip=seen.append)
    assert seen == [0, 1, 2] and (tmp_path / "00000.npz").stat().st_mtime_ns == first
    assert (tmp_path / "00001.json").exists() and (tmp_path / "00002.json").exists()
    assert json.loads((tmp_path / "index.json").read_text())["count"] == 3
    with pytest.raises(DataSetMismatch):
        synth(3, 10, tmp_path, config=SMALL)


def test_streaming_yields_the_same_clips_as_synth():
    stream = SyntheticClips(9, config=SMALL, length=3)
    assert [c.source for c in stream] == [make_clip(9, i, config=SMALL).source for i in range(3)]
    dicts = list(SyntheticClips(9, config=SMALL, length=2, start=1, as_dict=True, renderer=box_renderer))
    assert [d["index"] for d in dicts] == [1, 2] and dicts[0]["frames"].dtype == np.uint8


def test_workers_split_the_stream_without_repeats(monkeypatch):
    import torch.utils.data

    class Info:
        def __init__(self, id, num_workers):
            self.id, self.num_workers = id, num_workers

    seen = []
    for worker in range(3):
        monkeypatch.setattr(torch.utils.data, "get_worker_info", lambda w=worker: Info(w, 3))
        seen += [c.index for c in SyntheticClips(0, config=SMALL, length=7)]
    assert sorted(seen) == list(range(7))
    assert isinstance(SyntheticClips(0), torch.utils.data.IterableDataset)


def test_real_dataloader_with_two_workers():
    import torch
    loader = torch.utils.data.DataLoader(SyntheticClips(2, config=SMALL, length=4, as_dict=True),
                                         batch_size=None, num_workers=2)
    assert sorted(d["index"] for d in loader) == [0, 1, 2, 3]


def test_cli_data_synth_writes_programs_and_explains_mistakes(tmp_path, capsys):
    from hvg.cli.main import main
    out = tmp_path / "data"
    args = ["data", "synth", "--out", str(out), "--count", "2", "--seed", "4", "--size", "32x32", "--fps", "4",
            "--min-seconds", "1", "--max-seconds", "2", "--no-render", "-q"]
    assert main(args) == 0
    cli_config = ProgramConfig(size=(32, 32), fps=4, duration=(1.0, 2.0))
    assert (out / "00001.scene").read_text() == make_clip(4, 1, config=cli_config).source
    assert main([*args[:-4], "--size", "30x32", "--no-render", "-q"]) == 2
    assert "multiple of 8" in capsys.readouterr().err
    args[args.index("--seed") + 1] = "5"
    assert main(args) == 2
    assert "different data set" in capsys.readouterr().err


def test_clips_rendered_by_the_preview_renderer_carry_its_ground_truth(tmp_path):
    from hvg.world.synth import preview_renderer
    renderer = preview_renderer()
    clip = make_clip(3, 0, config=SMALL, renderer=renderer)
    n = clip.timeline.n_frames
    assert clip.frames.shape == (n, 32, 32, 3) and clip.masks.shape == (n, 32, 32)
    assert clip.flow.shape == (n, 32, 32, 2) and clip.valid.shape == (n, 32, 32)
    assert clip.boxes.shape == (n, len(clip.timeline.tracks), 4)
    for f in range(n):                   # a box exactly where its instance has mask pixels
        for k in range(len(clip.timeline.tracks)):
            assert np.isnan(clip.boxes[f, k, 0]) == (not (clip.masks[f] == k).any())
    again = make_clip(3, 0, config=SMALL, renderer=renderer)
    assert np.array_equal(clip.frames, again.frames) and np.array_equal(clip.flow, again.flow)
    synth(1, 3, tmp_path, renderer=renderer, config=SMALL)
    data = read_clip(tmp_path, 0)
    assert np.array_equal(data["frames"], clip.frames) and np.array_equal(data["valid"], clip.valid)
    np.testing.assert_allclose(data["flow"], clip.flow, atol=0.02)   # stored as float16


def test_cli_data_synth_says_what_an_interruption_kept_and_what_a_resume_wrote(tmp_path, capsys, monkeypatch):
    from hvg.cli.main import main
    from hvg.world import synth as synth_module
    out = tmp_path / "data"
    args = ["data", "synth", "--out", str(out), "--count", "3", "--size", "32x32", "--fps", "4",
            "--min-seconds", "1", "--max-seconds", "1", "--no-render", "-q"]
    original = synth_module.write_clip
    written = []

    def interrupted_after_two(clip, out_dir):
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(clip)
        original(clip, out_dir)

    monkeypatch.setattr(synth_module, "write_clip", interrupted_after_two)
    assert main(args) == 130
    assert "interrupted: 2 of 3 clips" in capsys.readouterr().err
    monkeypatch.setattr(synth_module, "write_clip", original)
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "wrote 1 clip to" in said and "kept 2 already complete" in said


def test_cli_data_synth_out_below_a_file_is_a_clear_error(tmp_path, capsys):
    from hvg.cli.main import main
    (tmp_path / "file").write_text("")
    assert main(["data", "synth", "--out", str(tmp_path / "file" / "sub"), "--count", "1", "--no-render", "-q"]) == 2
    err = capsys.readouterr().err
    assert "cannot create the folder" in err and "internal error" not in err
