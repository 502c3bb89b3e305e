"""A video made of separately encoded segments, joined without encoding again.

A segment is a short .mp4 (or .webm) of a few seconds that starts with a keyframe. Every segment is encoded with
the same settings (`hvg.video.io.encoder_settings`), so their stream headers (H.264's SPS and PPS) are the same and
one segment's packets can follow another's in a single stream. `SegmentWriter` copies the packets of segment
after segment into one file, each segment's timestamps shifted to start where the previous one ended. The render
cache keeps one segment per block, so a re-render after an edit encodes only the blocks that changed.

The joined file appears atomically, as `VideoWriter`'s does: an interrupted join leaves nothing behind.
"""
from __future__ import annotations

import math
import os
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np

from hvg.video.io import VideoWriter, add_encoder_stream, encoder_settings, output_format

SEGMENT_FORMATS = ("mp4", "webm")


class SegmentError(Exception):
    """A segment that cannot be joined: unreadable, holding another number of frames, or encoded otherwise."""


def encoder_id(fmt: str, fps: int, crf: int = 18) -> str:
    """Everything about the encoder that a segment's bytes depend on, for cache keys: a segment encoded by
    another PyAV (another FFmpeg, another x264) may carry other stream headers, so it must not be joined."""
    import av
    codec, options = encoder_settings(fmt, crf)
    return f"{fmt}:{codec}:{sorted(options.items())}:fps{fps}:av{av.__version__}"


def encode_segment(frames: np.ndarray, path: str | Path, fps: int, fmt: str, crf: int = 18) -> None:
    """Encode frames (t, h, w, 3) uint8 into `path` as one independent segment (its first frame a keyframe)."""
    import av
    with av.open(str(path), mode="w", format=fmt) as container:
        stream = add_encoder_stream(container, fmt, fps, frames.shape[2], frames.shape[1], crf)
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")))
        container.mux(stream.encode(None))


class SegmentWriter(VideoWriter):
    """Joins segments into one video; `commit()` moves it into place (use as a context manager, as VideoWriter)."""

    def __init__(self, path: str | Path, fps: int, *, force: bool = False, crf: int = 18):
        fmt = output_format(path)
        if fmt not in SEGMENT_FORMATS:   # before the temporary file exists, so nothing is left behind
            raise ValueError(f"segments are joined into {' or '.join(SEGMENT_FORMATS)} files, not {fmt}")
        super().__init__(path, fps, force=force, crf=crf)
        self._template = None   # (codec name, width, height, extradata) of the first segment: all must match it

    def append(self, segment: str | Path, frames: int) -> None:
        """Add a segment's packets after those already written. `frames` is how many it must hold. A segment
        that cannot be joined raises SegmentError before any of its packets is written."""
        import av
        try:
            source = av.open(str(segment))
        except (av.FFmpegError, OSError) as error:
            raise SegmentError(f"cannot read segment {segment}: {error}") from None
        with source:
            try:
                stream = source.streams.video[0]
                packets = [p for p in source.demux(stream) if p.size]  # the last, empty one only marks the end
            except (av.FFmpegError, IndexError) as error:
                raise SegmentError(f"cannot read segment {segment}: {error}") from None
            self._check_fits(stream, packets, frames, segment)
            self._mux(stream, packets)

    def append_frames(self, frames: np.ndarray) -> None:
        """Encode frames as a segment in a scratch file beside the output, and append it (no cache to keep it)."""
        fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.segment-", suffix=self.target.suffix,
                                    dir=self.target.parent)
        os.close(fd)
        try:
            encode_segment(frames, name, self.fps, self.format, self.crf)
            self.append(name, len(frames))
        finally:
            Path(name).unlink(missing_ok=True)

    def _check_fits(self, stream, packets: list, frames: int, segment) -> None:
        context = stream.codec_context
        template = (context.name, context.width, context.height, bytes(context.extradata or b""))
        if len(packets) != frames or not packets or not packets[0].is_keyframe:
            raise SegmentError(f"segment {segment} holds {len(packets)} frames, expected {frames} "
                               "starting with a keyframe")
        if self._template is not None and template != self._template:
            raise SegmentError(f"segment {segment} was encoded with other settings than the first segment")

    def _mux(self, stream, packets: list) -> None:
        import av
        if self._container is None:
            self._container = av.open(str(self._tmp), mode="w", format=self.format)
            self._stream = self._container.add_stream_from_template(stream)
            context = stream.codec_context
            self._template = (context.name, context.width, context.height, bytes(context.extradata or b""))
        # Timestamps in a unit that holds both the segment's time base and whole frames exactly; the muxer
        # rescales them to the output's time base.
        unit = Fraction(1, math.lcm(stream.time_base.denominator, self.fps))
        scale = stream.time_base / unit
        start = min(p.pts for p in packets)
        shift = Fraction(self.frames_written, self.fps) / unit - start * scale
        for packet in packets:
            dts = packet.pts if packet.dts is None else packet.dts
            packet.pts, packet.dts = int(packet.pts * scale + shift), int(dts * scale + shift)
            packet.duration = int(packet.duration * scale)
            packet.time_base = unit
            packet.stream = self._stream
            self._container.mux(packet)
        self.frames_written += len(packets)

    def write(self, frames) -> None:
        raise TypeError("a SegmentWriter joins encoded segments: use append() or append_frames()")

    def _finish(self) -> None:
        self._container.close()
