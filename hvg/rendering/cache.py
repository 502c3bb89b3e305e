"""The per-block render cache: finished blocks stored under a content hash of everything that determines them.

An edit re-renders only the blocks whose inputs changed, and an interrupted render resumes from the last
finished block. Entries are written atomically, so a crash never leaves a corrupt entry behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from hvg.backends.base import BlockResult


def default_cache_dir() -> Path:
    root = os.environ.get("HVG_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "hvg")
    return Path(root).expanduser() / "blocks"


class BlockCache:
    def __init__(self, directory: Path | None):
        self.directory = directory
        self.problem: OSError | None = None  # the last reason a block could not be stored

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.npz"

    def get(self, key: str) -> BlockResult | None:
        if self.directory is None:
            return None
        path = self._path(key)
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
        if self.directory is None:
            return
        path = self._path(key)
        arrays = {"frames": result.frames, **{f"state.{k}": v for k, v in (result.state or {}).items()}}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".npz", dir=path.parent)
        except OSError as error:
            self.problem = error
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, **arrays)
            os.replace(tmp, path)
        except OSError as error:
            Path(tmp).unlink(missing_ok=True)
            self.problem = error
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
