"""The per-block render cache: finished blocks stored under a content hash of everything that determines them.

An edit re-renders only the blocks whose inputs changed, and an interrupted render resumes from the last
finished block. Beside a block's frames (`<key>.npz`) the cache keeps the block encoded as it appears in an
.mp4 or .webm (`<segment key>.mp4`), so a re-render encodes only the blocks that changed. Entries are written
atomically, so a crash never leaves a corrupt entry behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from hvg.backends.base import BlockResult


def default_cache_dir() -> Path:
    root = os.environ.get("HVG_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "hvg")
    return Path(root).expanduser() / "blocks"


class BlockCache:
    def __init__(self, directory: Path | None):
        self.directory = directory
        self.problem: OSError | None = None  # the last reason a block could not be stored

    def _path(self, key: str, suffix: str) -> Path:
        return self.directory / key[:2] / f"{key}{suffix}"

    def get(self, key: str) -> BlockResult | None:
        if self.directory is None:
            return None
        path = self._path(key, ".npz")
        try:
            with np.load(path) as data:
                frames = data["frames"]
                state = {k[len("state."):]: data[k] for k in data.files if k.startswith("state.")}
        except (OSError, ValueError, KeyError):  # missing or unreadable: render again
            return None
        return BlockResult(frames=frames, state=state or None)

    def put(self, key: str, result: BlockResult) -> None:
        """Store a finished block. A cache that cannot be written (a full disk, a file in the way) is skipped:
        the render goes on, it only cannot resume from this block."""
        arrays = {"frames": result.frames, **{f"state.{k}": v for k, v in (result.state or {}).items()}}

        def save(tmp: str) -> None:
            with open(tmp, "wb") as handle:
                np.savez(handle, **arrays)

        self._store(key, ".npz", save)

    # -- encoded segments: a block's frames as they appear in the video, encoded (hvg.video.segments) ----------
    def segment(self, key: str, suffix: str) -> Path | None:
        """The stored segment for a segment key (`keys.segment_key`), or None."""
        if self.directory is None:
            return None
        path = self._path(key, suffix)
        return path if path.is_file() else None

    def put_segment(self, key: str, suffix: str, write: Callable[[str], None]) -> Path | None:
        """Store a segment that `write(path)` encodes; its path, or None when the cache cannot be written."""
        return self._store(key, suffix, write)

    def _store(self, key: str, suffix: str, write: Callable[[str], None]) -> Path | None:
        """Write an entry through a temporary file, so a crash never leaves half an entry behind."""
        if self.directory is None:
            return None
        path = self._path(key, suffix)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=suffix, dir=path.parent)
            os.close(fd)
        except OSError as error:
            self.problem = error
            return None
        try:
            write(tmp)
            os.replace(tmp, path)
        except OSError as error:
            Path(tmp).unlink(missing_ok=True)
            self.problem = error
            return None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path
