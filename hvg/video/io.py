"""Writing and reading videos. Output appears atomically: frames go to a hidden temporary file (or folder) beside
the target, which replaces the target only when everything was written. An interrupted or failed render leaves
nothing behind, and an existing file is never overwritten unless `force` is given.

Formats, chosen by the output's extension: `.mp4` (H.264, yuv420p), `.webm` (VP9), `.gif` (adaptive palette per
frame), and a folder of PNGs for a path with no extension or ending in `/`.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Iterable

import numpy as np

FORMATS = {".mp4": "mp4", ".webm": "webm", ".gif": "gif", "": "png"}
FRAME_NAME = re.compile(r"frame_\d{5,}\.png")
MP4_PRESET = "veryfast"   # libx264's speed preset for .mp4 output


class OutputError(Exception):
    """The output cannot be written as asked (exists, unknown format, bad size); says how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def output_format(path: str | Path) -> str:
    text = str(path)
    suffix = "" if text.endswith(("/", os.sep)) else Path(text).suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(f"hvg cannot write `{suffix}` files",
                          "name the output .mp4, .webm or .gif, or give a folder (no extension) for PNG frames")
    return FORMATS[suffix]


def check_output(path: str | Path, *, force: bool) -> tuple[Path, str]:
    """Validate an output path before any work is done: format known, folder exists, no overwrite without force."""
    fmt = output_format(path)
    target = Path(str(path).rstrip("/" + os.sep) or os.sep)
    if target.name in ("", ".."):  # "." or "..": the folder's own name, so it can be swapped like any other
        target = Path(os.path.abspath(target))
    if fmt == "png" and target.is_dir() and any(not FRAME_NAME.match(p.name) for p in target.iterdir()):
        # Even --force replaces only a folder of frames: this one holds other work.
        raise OutputError(f"{target} holds files that are not frames hvg wrote",
                          "give a new folder name for the PNG frames")
    if target.exists() and not force:
        raise OutputError(f"{target} already exists", "pass --force to replace it, or choose another name")
    # Even --force never swaps a file for a folder or a folder for a file: that could throw away other work.
    if fmt == "png" and target.exists() and not target.is_dir():
        raise OutputError(f"{target} is a file, and PNG frames go into a folder",
                          f"name a video file ({target}.mp4) or a new folder")
    if fmt != "png" and target.is_dir():
        raise OutputError(f"{target} is a folder", "choose a file name, or remove the folder")
    if not target.parent.exists():
        raise OutputError(f"the folder {target.parent} does not exist", f"create it first: mkdir -p {target.parent}")
    return target, fmt


# libx264's macroblock-tree rate control reads memory it never wrote on frames this small: the same frames came out
# as different bytes from run to run (measured on a grid of sizes 32..160: every size with width + height <= 128
# varied, every larger one was exact). Below this sum it is off, so the same seed gives the same file.
SMALL_FRAME_SUM = 192


def encoder_settings(fmt: str, crf: int, width: int | None = None,
                     height: int | None = None) -> tuple[str, dict[str, str]]:
    """The codec and its options for a video format: every mp4 or webm hvg writes is encoded with these."""
    if fmt == "mp4":
        # veryfast, not medium: 720 frames of 128x128 encode in 0.40 s instead of 0.95 s (a quarter of
        # re-rendering one block of a 60 s program), at 0.8 dB less PSNR (37.0 vs 37.8) and a 6% smaller file.
        options = {"crf": str(crf), "preset": MP4_PRESET}
        if width is not None and height is not None and width + height <= SMALL_FRAME_SUM:
            options["x264-params"] = "mbtree=0"
        return "libx264", options
    return "libvpx-vp9", {"crf": str(crf + 13), "b": "0", "row-mt": "1"}


def open_output(path: str | Path, fmt: str):
    """A PyAV output container that writes the same bytes for the same packets: without `bitexact` the WebM muxer
    writes a random segment UID into every file."""
    import av
    return av.open(str(path), mode="w", format=fmt, options={"fflags": "+bitexact"})


def add_encoder_stream(container, fmt: str, fps: int, width: int, height: int, crf: int):
    """A yuv420p video stream on an open PyAV output container, encoding with `encoder_settings`."""
    if height % 2 or width % 2:
        raise OutputError(f"{fmt} needs even frame sizes, got {width}x{height}", "use a size that is a multiple of 8")
    codec, options = encoder_settings(fmt, crf, width, height)
    stream = container.add_stream(codec, rate=Fraction(fps))
    stream.options = options
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    return stream


class VideoWriter:
    """Streams frames (uint8 (h, w, 3)) into a temporary file; `commit()` moves it into place.

    Use as a context manager: leaving the block with an exception (or Ctrl-C) removes the temporary output.
    """

    def __init__(self, path: str | Path, fps: int, *, force: bool = False, crf: int = 18):
        self.target, self.format = check_output(path, force=force)
        self.fps, self.crf, self.force = fps, crf, force
        self.frames_written = 0
        self._container = self._stream = None
        self._gif_frames: list[np.ndarray] = []
        prefix = f".{self.target.name}.partial-"
        if self.format == "png":
            self._tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=self.target.parent))
        else:
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=self.target.suffix, dir=self.target.parent)
            os.close(fd)
            self._tmp = Path(name)

    # -- writing ---------------------------------------------------------------------------------------------
    def write(self, frames: np.ndarray | Iterable[np.ndarray]) -> None:
        for frame in frames:
            frame = np.ascontiguousarray(frame, dtype=np.uint8)
            if frame.ndim != 3 or frame.shape[2] != 3:
                raise ValueError(f"a frame must be (h, w, 3) uint8, got {frame.shape}")
            getattr(self, f"_write_{self.format}")(frame)
            self.frames_written += 1

    def _open_av(self, frame: np.ndarray) -> None:
        h, w = frame.shape[:2]
        self._container = open_output(self._tmp, self.format)
        self._stream = add_encoder_stream(self._container, self.format, self.fps, w, h, self.crf)

    def _encode(self, frame: np.ndarray | None) -> None:
        import av
        packets = self._stream.encode(None if frame is None else av.VideoFrame.from_ndarray(frame, format="rgb24"))
        self._container.mux(packets)

    def _write_mp4(self, frame: np.ndarray) -> None:
        if self._container is None:
            self._open_av(frame)
        self._encode(frame)

    _write_webm = _write_mp4

    def _write_gif(self, frame: np.ndarray) -> None:
        self._gif_frames.append(frame)

    def _write_png(self, frame: np.ndarray) -> None:
        from PIL import Image
        Image.fromarray(frame).save(self._tmp / f"frame_{self.frames_written:05d}.png", optimize=False)

    # -- finishing -------------------------------------------------------------------------------------------
    def commit(self) -> Path:
        if self.frames_written == 0:
            raise ValueError("no frames were written")
        self._finish()
        self._move_into_place()
        return self.target

    def _finish(self) -> None:
        """Complete the temporary output (flush the encoder, close the file)."""
        if self.format in ("mp4", "webm"):
            self._encode(None)
            self._container.close()
        elif self.format == "gif":
            self._save_gif()

    def _save_gif(self) -> None:
        from PIL import Image
        images = [Image.fromarray(f).convert("P", palette=Image.Palette.ADAPTIVE, colors=256) for f in self._gif_frames]
        for before, image in zip(images, images[1:]):
            if image.tobytes() == before.tobytes() and image.getpalette() == before.getpalette():
                _nudge_corner(image)
        images[0].save(self._tmp, save_all=True, append_images=images[1:], duration=gif_durations(len(images), self.fps),
                       loop=0, optimize=False, disposal=1)

    def _move_into_place(self) -> None:
        _usual_permissions(self._tmp)
        if self.target.is_dir() and self.format == "png":
            # Swap folders so that the old one is removed only once the new one is in place.
            old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
            os.replace(self.target, old)
            os.replace(self._tmp, self.target)
            shutil.rmtree(old, ignore_errors=True)
        elif self.target.is_dir():
            raise OutputError(f"{self.target} is a folder", "choose a file name, or remove the folder")
        else:
            os.replace(self._tmp, self.target)

    def abort(self) -> None:
        if self._container is not None:
            try:
                self._container.close()
            except Exception:  # the file is being thrown away; a second error would hide the first
                pass
        if self._tmp.is_dir():
            shutil.rmtree(self._tmp, ignore_errors=True)
        else:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.commit()
            except BaseException:
                self.abort()
                raise
        else:
            self.abort()


def gif_durations(count: int, fps: int) -> list[int]:
    """Per-frame delays in ms for a GIF, which counts time in hundredths of a second: 12 fps alternates 80 and
    90 ms so that frame k still starts at k / fps to within 10 ms and the whole clip keeps its length."""
    ticks = [round(100 * k / fps) for k in range(count + 1)]
    return [10 * max(1, b - a) for a, b in zip(ticks, ticks[1:])]


def _nudge_corner(image) -> None:
    """Change the top-left pixel of a paletted frame by one level of red. Pillow merges a GIF frame that equals
    the one before into it (a longer delay), so a still shot would come back as one frame, not one per 1 / fps."""
    palette = image.getpalette() or [0, 0, 0]
    index = image.getpixel((0, 0))
    r, g, b = palette[3 * index:3 * index + 3]
    if len(palette) < 768:
        image.putpalette(palette + [r ^ 1, g, b])
        image.putpixel((0, 0), len(palette) // 3)
    else:  # a full palette: the nearest other colour
        colors = np.asarray(palette, dtype=int).reshape(-1, 3)
        distance = np.abs(colors - (r, g, b)).sum(axis=1)
        distance[index] = 1 << 30
        image.putpixel((0, 0), int(distance.argmin()))


def _usual_permissions(path: Path) -> None:
    """Temporary files are private (0600, 0700); the finished output gets what a plain `open` would give."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)
    if path.is_dir():
        for child in path.iterdir():
            os.chmod(child, 0o666 & ~umask)


def write_video(frames: np.ndarray | Iterable[np.ndarray], path: str | Path, fps: int, *, force: bool = False) -> Path:
    """Write frames (n, h, w, 3) uint8 to `path` atomically; the format follows the extension."""
    with VideoWriter(path, fps, force=force) as writer:
        writer.write(frames)
    return writer.target


def write_png(image: np.ndarray, path: str | Path, *, force: bool = True) -> Path:
    """Write one image atomically (contact sheets, inspections)."""
    from PIL import Image
    target = Path(path)
    if target.exists() and not force:
        raise OutputError(f"{target} already exists", "pass --force to replace it")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.partial-", suffix=".png", dir=target.parent or ".")
    os.close(fd)
    try:
        Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8)).save(name)
        _usual_permissions(Path(name))
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return target


def read_video(path: str | Path) -> tuple[np.ndarray, float]:
    """Read a video file (any format FFmpeg knows) or a PNG folder into (n, h, w, 3) uint8 and its fps."""
    path = Path(path)
    if not path.exists():
        raise OutputError(f"{path} does not exist", "check the path")
    if path.is_dir():
        from PIL import Image
        files = sorted(path.glob("*.png"))
        if not files:
            raise OutputError(f"{path} holds no PNG frames", "give a video file or a folder of frame_*.png")
        try:
            return np.stack([np.asarray(Image.open(f).convert("RGB")) for f in files]), 0.0
        except (OSError, ValueError) as error:  # a broken PNG, or frames of different sizes
            raise OutputError(f"{path} holds PNG frames hvg cannot read as one video ({_first_line(error)})",
                              "every frame_*.png must be a readable image of the same size") from None
    import av
    try:
        return _read_av(path)
    except (av.FFmpegError, IndexError, UnicodeDecodeError) as error:
        raise OutputError(f"{path} is not a video hvg can read ({_first_line(error)})",
                          "give an .mp4, .webm or .gif file, or a folder of PNG frames") from None


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "strerror", None) or error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _read_av(path: Path) -> tuple[np.ndarray, float]:
    import av
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise OutputError(f"{path} holds no video stream", "give a video file, not a sound or data file")
        stream = container.streams.video[0]
        fps = float(stream.average_rate or stream.guessed_rate or 0)
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        if stream.codec_context.name == "gif" and stream.duration and frames:
            # GIF delays alternate (80, 90 ms at 12 fps); the clip's length gives the rate it was written at.
            fps = len(frames) / float(stream.duration * stream.time_base)
    if not frames:
        raise OutputError(f"{path} holds no video frames", "check that the file is a video")
    return np.stack(frames), fps
