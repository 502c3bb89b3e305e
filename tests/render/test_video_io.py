"""Video files: every format round-trips, output appears atomically, nothing is overwritten without force."""
from __future__ import annotations

import numpy as np
import pytest

from hvg.video.io import OutputError, VideoWriter, read_video, write_video


def moving_square(n=12, size=64) -> np.ndarray:
    frames = np.full((n, size, size, 3), 30, np.uint8)
    for i in range(n):
        frames[i, 20:40, 4 * i:4 * i + 16] = (220, 50, 47)
    return frames


@pytest.mark.parametrize("name, tolerance", [("a.mp4", 3.0), ("a.webm", 3.0), ("a.gif", 1.0), ("frames", 0.0)])
def test_every_format_round_trips(tmp_path, name, tolerance):
    frames = moving_square()
    target = write_video(frames, tmp_path / name, fps=12)
    decoded, _ = read_video(target)
    assert decoded.shape == frames.shape
    assert np.abs(decoded.astype(int) - frames).mean() <= tolerance


def test_mp4_is_h264_yuv420p(tmp_path):
    import av
    target = write_video(moving_square(), tmp_path / "a.mp4", fps=12)
    with av.open(str(target)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"


def test_existing_output_is_kept_without_force(tmp_path):
    target = tmp_path / "a.mp4"
    target.write_bytes(b"precious")
    with pytest.raises(OutputError, match="already exists"):
        write_video(moving_square(), target, fps=12)
    assert target.read_bytes() == b"precious"
    write_video(moving_square(), target, fps=12, force=True)
    assert target.read_bytes() != b"precious"


@pytest.mark.parametrize("name", ["a.mp4", "a.gif", "frames"])
def test_a_failed_render_leaves_nothing_behind(tmp_path, name):
    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted):
        with VideoWriter(tmp_path / name, fps=12) as writer:
            writer.write(moving_square(4))
            raise Interrupted
    assert list(tmp_path.iterdir()) == []


def test_replacing_a_png_folder_keeps_nothing_stale(tmp_path):
    write_video(moving_square(6), tmp_path / "frames", fps=12)
    write_video(moving_square(3), tmp_path / "frames", fps=12, force=True)
    assert len(list((tmp_path / "frames").glob("*.png"))) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["frames"]


def test_unknown_extension_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match=r"\.avi") as raised:
        write_video(moving_square(), tmp_path / "a.avi", fps=12)
    assert ".mp4" in raised.value.hint


def test_same_frames_same_bytes(tmp_path):
    a = write_video(moving_square(), tmp_path / "a.mp4", fps=12).read_bytes()
    b = write_video(moving_square(), tmp_path / "b.mp4", fps=12).read_bytes()
    assert a == b
