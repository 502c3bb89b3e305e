"""A cache of finished plans, so a model's plan is paid for once.

Keyed by the sha256 of everything that decides a plan (prompt, backend, model, endpoint, settings, hvg's
version); one `.scene` file per key under `$HVG_CACHE_DIR/plans` (default `~/.cache/hvg/plans`), written
atomically. Only plans that passed the check are stored.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def default_plan_cache_dir() -> Path:
    root = os.environ.get("HVG_CACHE_DIR") or os.path.join("~", ".cache", "hvg")
    return Path(root).expanduser() / "plans"


def plan_key(**fields: Any) -> str:
    import hvg
    text = json.dumps({"hvg": hvg.__version__, **fields}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class PlanCache:
    def __init__(self, directory: Path | None = None):
        self.directory = directory or default_plan_cache_dir()

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.scene"

    def get(self, key: str) -> str | None:
        try:
            return self._path(key).read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, key: str, source: str) -> None:
        """Store a plan; a cache that cannot be written is skipped, never fatal."""
        try:
            write_atomic(self._path(key), source)
        except OSError:
            pass


def _mode_for(path: Path) -> int:
    """A replaced file keeps its mode; a new one gets what a plain `open` gives (temporary files are 0600)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
