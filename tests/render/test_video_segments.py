"""Segments encoded apart and joined without encoding again: every frame, rising timestamps, the right length,
the picture kept, and nothing half-written left behind."""
from __future__ import annotations

import numpy as np
import pytest

from hvg.video.segments import SegmentError, SegmentWriter, encode_segment


def moving_square(n: int, start: int, size: int = 64) -> np.ndarray:
    frames = np.full((n, size, size, 3), 30, np.uint8)
    for i in range(n):
        x = (start + 3 * i) % (size - 16)
        frames[i, 20:40, x:x + 16] = (220, 50, 47)
    return frames


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return 10 * np.log10(255 ** 2 / np.mean((a.astype(float) - b.astype(float)) ** 2))


def decode(path) -> tuple[np.ndarray, list[int], float, float]:
    """(frames, their pts, the stream's time base as seconds per tick, the stream's duration in seconds)."""
    import av
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoded = list(container.decode(stream))
        duration = float(container.duration / 1e6)
        return (np.stack([f.to_ndarray(format="rgb24") for f in decoded]), [f.pts for f in decoded],
                float(stream.time_base), duration)


def joined(tmp_path, fmt: str, pieces: list[np.ndarray], fps: int = 12):
    target = tmp_path / f"joined.{fmt}"
    with SegmentWriter(target, fps) as writer:
        for k, frames in enumerate(pieces):
            segment = tmp_path / f"segment{k}.{fmt}"
            encode_segment(frames, segment, fps, fmt)
            writer.append(segment, len(frames))
    return target


@pytest.mark.parametrize("fmt", ["mp4", "webm"])
def test_joined_segments_hold_every_frame_in_order_at_the_right_times(tmp_path, fmt):
    pieces = [moving_square(12, 0), moving_square(7, 11), moving_square(12, 5)]
    frames, pts, tick, duration = decode(joined(tmp_path, fmt, pieces))
    expected = np.concatenate(pieces)
    assert len(frames) == 31
    assert all(b > a for a, b in zip(pts, pts[1:]))
    assert np.allclose(np.array(pts) * tick, np.arange(31) / 12, atol=0.002)   # frame k at k / fps
    assert abs(duration - 31 / 12) < 0.01
    assert psnr(frames, expected) > 30
    # each frame is its own, not a neighbour's: the joins shift nothing
    for k in (11, 12, 18, 19):
        assert psnr(frames[k], expected[k]) > psnr(frames[k], expected[k - 1]), k


@pytest.mark.parametrize("fmt", ["mp4", "webm"])
def test_segments_of_one_two_or_three_frames_join_too(tmp_path, fmt):
    """x264 reorders frames (B-frames) in a segment of three frames or more, not in one of one or two: the joined
    stream's decode order must stay ahead of its display order across every join."""
    pieces = [moving_square(n, 5 * k) for k, n in enumerate([1, 12, 2, 1, 3, 12, 2])]
    frames, pts, tick, _ = decode(joined(tmp_path, fmt, pieces))
    assert len(frames) == 33 and np.allclose(np.array(pts) * tick, np.arange(33) / 12, atol=0.002)
    assert psnr(frames, np.concatenate(pieces)) > 30


def test_a_joined_mp4_reads_back_at_its_frame_rate(tmp_path):
    from hvg.video.io import read_video
    frames, fps = read_video(joined(tmp_path, "mp4", [moving_square(8, 0), moving_square(8, 9)], fps=8))
    assert frames.shape == (16, 64, 64, 3) and fps == 8


def test_every_segment_has_the_same_stream_headers(tmp_path):
    """What lets packets of one segment follow another's: x264's SPS and PPS depend on the settings, not on
    the pictures or how many there are."""
    import av
    headers = set()
    for k, frames in enumerate([moving_square(1, 0), moving_square(12, 7), np.zeros((5, 64, 64, 3), np.uint8)]):
        encode_segment(frames, tmp_path / f"{k}.mp4", 12, "mp4")
        with av.open(str(tmp_path / f"{k}.mp4")) as container:
            headers.add(bytes(container.streams.video[0].codec_context.extradata))
    assert len(headers) == 1


def test_a_segment_that_does_not_fit_is_refused_and_left_out(tmp_path):
    encode_segment(moving_square(6, 0), tmp_path / "a.mp4", 12, "mp4")
    encode_segment(moving_square(6, 0, size=32), tmp_path / "small.mp4", 12, "mp4")
    (tmp_path / "broken.mp4").write_bytes(b"not a video")
    with SegmentWriter(tmp_path / "out.mp4", 12) as writer:
        writer.append(tmp_path / "a.mp4", 6)
        for segment, frames in (("small.mp4", 6), ("a.mp4", 5), ("broken.mp4", 6), ("missing.mp4", 6)):
            with pytest.raises(SegmentError):
                writer.append(tmp_path / segment, frames)
        assert writer.frames_written == 6
    frames, _, _, _ = decode(tmp_path / "out.mp4")
    assert len(frames) == 6


def test_append_frames_leaves_no_scratch_file(tmp_path):
    with SegmentWriter(tmp_path / "out.webm", 12) as writer:
        writer.append_frames(moving_square(5, 0))
        writer.append_frames(moving_square(4, 3))
    assert [p.name for p in tmp_path.iterdir()] == ["out.webm"]
    assert len(decode(tmp_path / "out.webm")[0]) == 9


def test_an_interrupted_join_leaves_no_output(tmp_path):
    encode_segment(moving_square(6, 0), tmp_path / "a.mp4", 12, "mp4")
    with pytest.raises(KeyboardInterrupt):
        with SegmentWriter(tmp_path / "out.mp4", 12) as writer:
            writer.append(tmp_path / "a.mp4", 6)
            raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == ["a.mp4"]


def test_only_video_files_are_joined(tmp_path):
    with pytest.raises(ValueError, match="mp4 or webm"):
        SegmentWriter(tmp_path / "out.gif", 12)
    assert list(tmp_path.iterdir()) == []
