"""A video made of separately encoded segments, joined without encoding again.

A segment is a short .mp4 (or .webm) of a few seconds that starts with a keyframe. Every segment is encoded with
the same settings (`hvg.video.io.encoder_settings`), so their stream headers (H.264's SPS and PPS) are the same and
one segment's packets can follow another's in a single stream. `SegmentWriter` copies the packets of segment
after segment into one file, retimed frame by frame to follow on. The render cache keeps one segment per block, so
a re-render after an edit encodes only the blocks that changed.

The joined file appears atomically, as `VideoWriter`'s does: an interrupted join leaves nothing behind.
"""
from __future__ import annotations

import os
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np

from hvg.video.io import (SMALL_FRAME_SUM, VideoWriter, add_encoder_stream, encoder_settings, open_output,
                          output_format)

SEGMENT_FORMATS = ("mp4", "webm")


class SegmentError(Exception):
    """A segment that cannot be joined: unreadable, holding another number of frames, or encoded otherwise."""


def encoder_id(fmt: str, fps: int, crf: int = 18) -> str:
    """Everything about the encoder that a segment's bytes depend on, for cache keys: a segment encoded by
    another PyAV (another FFmpeg, another x264) may carry other stream headers, so it must not be joined."""
    import av
    codec, options = encoder_settings(fmt, crf)
    return (f"{fmt}:{codec}:{sorted(options.items())}:small<={SMALL_FRAME_SUM}:mbtree=0:bitexact:fps{fps}"
            f":av{av.__version__}")


def encode_segment(frames: np.ndarray, path: str | Path, fps: int, fmt: str, crf: int = 18) -> None:
    """Encode frames (t, h, w, 3) uint8 into `path` as one independent segment (its first frame a keyframe)."""
    import av
    with open_output(path, fmt) as container:
        stream = add_encoder_stream(container, fmt, fps, frames.shape[2], frames.shape[1], crf)
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")))
        container.mux(stream.encode(None))


class SegmentWriter(VideoWriter):
    """Joins segments into one video; `commit()` moves it into place (use as a context manager, as VideoWriter).

    Segments are read (and checked) as they are appended, and written out together on commit: a segment's
    decode order runs up to a few frames ahead of its display order (B-frames), by as many frames as the encoder
    chose for that segment (none in a segment of one or two frames), and the joined stream needs one such delay
    that covers every segment before its first packet can be written.
    """

    def __init__(self, path: str | Path, fps: int, *, force: bool = False, crf: int = 18):
        fmt = output_format(path)
        if fmt not in SEGMENT_FORMATS:   # before the temporary file exists, so nothing is left behind
            raise ValueError(f"segments are joined into {' or '.join(SEGMENT_FORMATS)} files, not {fmt}")
        super().__init__(path, fps, force=force, crf=crf)
        self._template = None   # (codec name, width, height, extradata) of the first segment: all must match it
        self._segments: list[tuple[list, list[int]]] = []   # (packets in decode order, their frame numbers)

    def append(self, segment: str | Path, frames: int) -> None:
        """Add a segment after those already appended. `frames` is how many it must hold. A segment that cannot
        be joined raises SegmentError and is left out."""
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
            numbers = self._frame_numbers(stream, packets, frames, segment)
            if self._container is None:
                self._container = open_output(self._tmp, self.format)
                self._stream = self._container.add_stream_from_template(stream)
                self._template = _template_of(stream)
        self._segments.append((packets, numbers))
        self.frames_written += frames

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

    def _frame_numbers(self, stream, packets: list, frames: int, segment) -> list[int]:
        """Each packet's frame number in the segment (its display time on the 1 / fps grid), after checking that
        the segment fits: `frames` frames, each once, a keyframe first, encoded as the first segment was."""
        if self._template is not None and _template_of(stream) != self._template:
            raise SegmentError(f"segment {segment} was encoded with other settings than the first segment")
        numbers = []
        if packets and all(p.pts is not None for p in packets):
            start = min(p.pts for p in packets)
            numbers = [round((p.pts - start) * stream.time_base * self.fps) for p in packets]
        if not packets or sorted(numbers) != list(range(frames)) or not packets[0].is_keyframe:
            raise SegmentError(f"segment {segment} holds {len(packets)} frames, expected {frames} "
                               "one per 1 / fps, starting with a keyframe")
        return numbers

    def _finish(self) -> None:
        # Frame numbers as timestamps: display time = the frame's number; decode time = its place in decode order,
        # less the largest lead any segment's decode order has over its display order (so decode <= display).
        lead = max(max(j - n for j, n in enumerate(numbers)) for _, numbers in self._segments)
        time_base, shown, decoded = Fraction(1, self.fps), 0, -max(lead, 0)
        for packets, numbers in self._segments:
            for packet, number in zip(packets, numbers):
                packet.pts, packet.dts, packet.duration = shown + number, decoded, 1
                packet.time_base = time_base
                packet.stream = self._stream
                self._container.mux(packet)
                decoded += 1
            shown += len(packets)
        self._container.close()

    def write(self, frames) -> None:
        raise TypeError("a SegmentWriter joins encoded segments: use append() or append_frames()")


def _template_of(stream) -> tuple:
    context = stream.codec_context
    return context.name, context.width, context.height, bytes(context.extradata or b"")
