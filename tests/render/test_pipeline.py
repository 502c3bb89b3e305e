"""The render pipeline: block order, the content-hash cache, resume after interruption, atomic output."""
from __future__ import annotations

import numpy as np
import pytest

from hvg.backends.preview import PreviewBackend
from hvg.rendering import RenderSettings, render, render_scene
from hvg.rendering.stitch import apply_transition
from hvg.video.io import read_video
from hvg.world.timeline import BlockSpan

from .backends import CountingBackend
from .scenes import three_block_scene


def settings(tmp_path, backend) -> RenderSettings:
    return RenderSettings(backend=backend, cache_dir=tmp_path / "cache")


def test_renders_every_frame_of_every_block(tmp_path):
    frames = render(three_block_scene(), settings=settings(tmp_path, "preview"))
    assert frames.shape == (24, 32, 32, 3) and frames.dtype == np.uint8


def test_same_program_same_frames(tmp_path):
    a = render(three_block_scene(), settings=RenderSettings(backend="preview", cache_dir=None))
    b = render(three_block_scene(), settings=RenderSettings(backend="preview", cache_dir=None))
    assert np.array_equal(a, b)


def test_second_render_comes_from_the_cache(tmp_path):
    first, second = CountingBackend(), CountingBackend()
    a = render(three_block_scene(), settings=settings(tmp_path, first))
    b = render(three_block_scene(), settings=settings(tmp_path, second))
    assert first.rendered == [0, 1, 2] and second.rendered == []
    assert np.array_equal(a, b)


def test_an_edit_re_renders_only_the_blocks_it_touches(tmp_path):
    render(three_block_scene(), settings=settings(tmp_path, CountingBackend()))
    after_edit = CountingBackend()
    # Moving the ball's end point changes block 1 (where it moves) and block 2 (where it then rests).
    render(three_block_scene(ball_end=0.7), settings=settings(tmp_path, after_edit))
    assert after_edit.rendered == [1, 2]


def test_a_smooth_transition_ties_a_block_to_the_one_before(tmp_path):
    render(three_block_scene(transition="smooth"), settings=settings(tmp_path, CountingBackend()))
    edited = three_block_scene(transition="smooth")
    edited.blocks[0].description = "block 0, reworded"
    after_edit = CountingBackend()
    render(edited, settings=settings(tmp_path, after_edit))
    assert after_edit.rendered == [0, 1]


@pytest.mark.parametrize("transition, handed_on", [(None, [False, False, False]),
                                                    ("smooth", [False, True, False]),
                                                    ("crossfade", [False, False, False])])
def test_only_a_smooth_transition_hands_the_previous_block_on(tmp_path, transition, handed_on):
    backend = CountingBackend()
    render(three_block_scene(transition=transition), settings=RenderSettings(backend=backend, cache_dir=None))
    assert backend.handed_on == handed_on


def test_a_cached_block_hands_on_the_same_state_as_a_fresh_one(tmp_path):
    render(three_block_scene(transition="smooth"), settings=settings(tmp_path, CountingBackend()))
    edited = three_block_scene(transition="smooth")
    edited.blocks[2].description = "block 2, reworded"
    resumed = CountingBackend()
    frames = render(edited, settings=settings(tmp_path, resumed))  # block 0 comes from the cache, with state
    fresh = render(edited, settings=RenderSettings(backend=CountingBackend(), cache_dir=None))
    assert resumed.rendered == [2] and np.array_equal(frames, fresh)


def test_an_interrupted_render_leaves_no_file_and_resumes(tmp_path):
    out = tmp_path / "story.mp4"
    with pytest.raises(KeyboardInterrupt):
        render_scene(three_block_scene(), out, settings=settings(tmp_path, CountingBackend(fail_on=2)))
    assert not out.exists()
    assert [p for p in tmp_path.iterdir() if p.name != "cache"] == []
    resumed = CountingBackend()
    report = render_scene(three_block_scene(), out, settings=settings(tmp_path, resumed))
    assert resumed.rendered == [2] and report.blocks_cached == 2
    frames, fps = read_video(out)
    assert frames.shape[0] == 24 and fps == 8


def test_existing_output_is_not_touched_without_force(tmp_path):
    from hvg.video.io import OutputError
    out = tmp_path / "story.mp4"
    out.write_bytes(b"keep me")
    backend = CountingBackend()
    with pytest.raises(OutputError):
        render_scene(three_block_scene(), out, settings=settings(tmp_path, backend))
    assert out.read_bytes() == b"keep me" and backend.rendered == []  # refused before any work


def test_contact_sheet_is_written_beside_the_video(tmp_path):
    out = tmp_path / "story.mp4"
    render_scene(three_block_scene(), out, settings=settings(tmp_path, "preview"), contact_sheet=True)
    assert (tmp_path / "story.preview.png").stat().st_size > 0


def test_crossfade_blends_from_the_previous_last_frame():
    span = BlockSpan(index=1, start_frame=8, end_frame=16, description="", background="plain", time_of_day="day",
                     weather="clear", background_color=None, background_motion="still", motion_strength=0,
                     style="flat", transition_in="crossfade", transition_duration=0.5)
    new = np.full((8, 2, 2, 3), 200, np.uint8)
    old_last = np.zeros((2, 2, 3), np.uint8)
    out = apply_transition(new, span, old_last, fps=8)
    means = out.reshape(8, -1).mean(axis=1)
    assert np.all(np.diff(means[:5]) > 0)            # fades in over 0.5 s = 4 frames
    assert np.array_equal(out[4:], new[4:])          # and is untouched after
    span.transition_in = "cut"
    assert np.array_equal(apply_transition(new, span, old_last, fps=8), new)


def test_a_program_without_blocks_says_so_and_writes_nothing(tmp_path):
    from hvg.rendering.pipeline import NothingToRender
    program = tmp_path / "empty.scene"
    program.write_text("# nothing yet\n")
    with pytest.raises(NothingToRender, match="no blocks"):
        render_scene(program, tmp_path / "out.mp4", settings=settings(tmp_path, "preview"))
    assert not (tmp_path / "out.mp4").exists()


def test_an_existing_contact_sheet_is_not_replaced_without_force(tmp_path):
    from hvg.video.io import OutputError
    (tmp_path / "story.preview.png").write_bytes(b"precious")
    with pytest.raises(OutputError, match="story.preview.png already exists"):
        render_scene(three_block_scene(), tmp_path / "story.gif", settings=settings(tmp_path, "preview"),
                     contact_sheet=True)
    assert (tmp_path / "story.preview.png").read_bytes() == b"precious" and not (tmp_path / "story.gif").exists()
    render_scene(three_block_scene(), tmp_path / "story.gif", settings=settings(tmp_path, "preview"),
                 contact_sheet=True, force=True)
    assert (tmp_path / "story.preview.png").read_bytes() != b"precious"


def test_a_cache_that_cannot_be_written_does_not_stop_the_render(tmp_path):
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("a file where the cache should be")
    frames = render(three_block_scene(), settings=RenderSettings(backend="preview", cache_dir=in_the_way / "blocks"))
    assert frames.shape[0] == 24


def test_backend_options_reach_the_backend(tmp_path, monkeypatch):
    import hvg.rendering.pipeline as pipeline
    seen = {}

    def fake_load_backend(name, *, checkpoint=None, device="cpu", options=None):
        seen.update(name=name, options=options)
        return PreviewBackend()

    monkeypatch.setattr(pipeline, "load_backend", fake_load_backend)
    render(three_block_scene(), settings=RenderSettings(backend="builtin", cache_dir=None,
                                                        backend_options={"init": "noise"}))
    assert seen == {"name": "builtin", "options": {"init": "noise"}}
