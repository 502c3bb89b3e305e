"""An .mp4 or .webm joined from the blocks' cached segments: a re-render encodes only the blocks an edit changed,
reads no block it does not need, and writes the same video as a render from scratch."""
from __future__ import annotations

import numpy as np
import pytest

import hvg.rendering.encoded as encoded
from hvg.rendering import RenderSettings, render, render_scene
from hvg.rendering.cache import BlockCache
from hvg.video.io import read_video

from .backends import CountingBackend
from .scenes import three_block_scene


def scene(**changes):
    """The three-block test program at 64x64: at 32x32 the codecs' usual loss alone is near 30 dB."""
    return three_block_scene(size=64, **changes)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return 10 * np.log10(255 ** 2 / max(np.mean((a.astype(float) - b.astype(float)) ** 2), 1e-12))


@pytest.fixture
def encodes(monkeypatch) -> list[int]:
    """The frame count of every segment encoded (blocks are 8 frames long; the index follows the order)."""
    seen: list[int] = []
    real = encoded.encode_segment

    def counting(frames, path, **kwargs):
        seen.append(len(frames))
        return real(frames, path, **kwargs)

    monkeypatch.setattr(encoded, "encode_segment", counting)
    return seen


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The key of every block read from the cache's npz files."""
    seen: list[str] = []
    real = BlockCache.get

    def counting(self, key):
        seen.append(key)
        return real(self, key)

    monkeypatch.setattr(BlockCache, "get", counting)
    return seen


def rendered(tmp_path, scene, backend, name="story.mp4"):
    report = render_scene(scene, tmp_path / name, settings=RenderSettings(backend=backend, cache_dir=tmp_path / "c"),
                          force=True)
    return report, read_video(tmp_path / name)[0]


def fresh(scene) -> np.ndarray:
    return render(scene, settings=RenderSettings(backend=CountingBackend(), cache_dir=None))


@pytest.mark.parametrize("name", ["story.mp4", "story.webm"])
def test_a_second_render_encodes_nothing_and_reads_no_block(tmp_path, encodes, reads, name):
    rendered(tmp_path, scene(), CountingBackend(), name)
    assert len(encodes) == 3
    encodes.clear()
    reads.clear()
    report, frames = rendered(tmp_path, scene(), CountingBackend(), name)
    assert encodes == [] and reads == []
    assert report.blocks_cached == 3 and report.frames == 24
    assert frames.shape == (24, 64, 64, 3) and psnr(frames, fresh(scene())) > 30


def test_an_edit_encodes_only_the_blocks_it_changed(tmp_path, encodes, reads):
    rendered(tmp_path, scene(), CountingBackend())
    encodes.clear()
    reads.clear()
    backend = CountingBackend()
    report, frames = rendered(tmp_path, scene(ball_end=0.7), backend)  # changes blocks 1 and 2
    assert backend.rendered == [1, 2] and len(encodes) == 2 and report.blocks_cached == 1
    assert psnr(frames, fresh(scene(ball_end=0.7))) > 30


def test_a_crossfade_re_encodes_the_block_after_an_edit_although_its_frames_are_cached(tmp_path, encodes, reads):
    """A crossfade blends the previous block's last frame into the next block: the next block's frames are the
    same (cached), but its segment, transition applied, is not."""
    rendered(tmp_path, scene(transition="crossfade"), CountingBackend())
    edited = scene(transition="crossfade")
    edited.blocks[0].placements[0].motion.path[0] = (0.3, 0.5)   # block 0 only: it ends where it ended before
    encodes.clear()
    backend = CountingBackend()
    _, frames = rendered(tmp_path, edited, backend)
    assert backend.rendered == [0] and len(encodes) == 2   # block 0 drawn; blocks 0 and 1 encoded
    assert psnr(frames, fresh(edited)) > 30


def test_a_block_whose_segment_is_cached_is_read_only_for_the_block_after_it(tmp_path, reads):
    """Block 1 is edited and smooth-joined to block 0, so it needs block 0's last frames and state: block 0 is
    read (its segment is not encoded again); block 2 is not read at all."""
    rendered(tmp_path, scene(transition="smooth"), CountingBackend())
    edited = scene(transition="smooth")
    edited.blocks[1].description = "block 1, reworded"
    reads.clear()
    backend = CountingBackend()
    _, frames = rendered(tmp_path, edited, backend)
    assert backend.rendered == [1] and backend.handed_on == [True]
    assert len(reads) == 2 and len(set(reads)) == 2   # block 0 (found), block 1 (not found, then drawn)
    assert psnr(frames, fresh(edited)) > 30


def test_blocks_whose_frames_are_gone_are_drawn_again_when_the_next_block_needs_them(tmp_path):
    """Segments cached, frames deleted: an edit of block 1, smooth-joined to block 0, draws block 0 again
    to hand it on, and the video is the same as a render from scratch."""
    rendered(tmp_path, scene(transition="smooth"), CountingBackend())
    for npz in (tmp_path / "c").rglob("*.npz"):
        npz.unlink()
    edited = scene(transition="smooth")
    edited.blocks[1].description = "block 1, reworded"
    backend = CountingBackend()
    report, frames = rendered(tmp_path, edited, backend)
    assert backend.rendered == [0, 1] and backend.handed_on == [False, True]
    assert psnr(frames, fresh(edited)) > 30 and report.frames == 24


def test_a_broken_cached_segment_is_encoded_again(tmp_path, encodes):
    rendered(tmp_path, scene(), CountingBackend())
    for segment in (tmp_path / "c").rglob("*.mp4"):
        segment.write_bytes(b"half a file")
    encodes.clear()
    _, frames = rendered(tmp_path, scene(), CountingBackend())
    assert len(encodes) == 3 and psnr(frames, fresh(scene())) > 30


def test_a_cache_that_cannot_be_written_still_gives_the_video(tmp_path):
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("a file where the cache should be")
    settings = RenderSettings(backend=CountingBackend(), cache_dir=in_the_way / "blocks")
    report = render_scene(scene(), tmp_path / "story.mp4", settings=settings)
    assert report.frames == 24 and read_video(tmp_path / "story.mp4")[0].shape[0] == 24
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder", "story.mp4"]  # no scratch segment


def test_without_a_cache_the_video_is_encoded_in_one_piece(tmp_path, encodes):
    report = render_scene(scene(), tmp_path / "story.mp4",
                          settings=RenderSettings(backend=CountingBackend(), cache_dir=None))
    assert encodes == [] and report.frames == 24
    assert psnr(read_video(tmp_path / "story.mp4")[0], fresh(scene())) > 30


def test_a_contact_sheet_reads_every_block(tmp_path, reads):
    rendered(tmp_path, scene(), CountingBackend())
    reads.clear()
    render_scene(scene(), tmp_path / "story.mp4", force=True, contact_sheet=True,
                 settings=RenderSettings(backend=CountingBackend(), cache_dir=tmp_path / "c"))
    assert len(reads) == 3 and (tmp_path / "story.preview.png").stat().st_size > 0
