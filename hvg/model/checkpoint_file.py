"""What can be known about a checkpoint file without torch: its metadata, its content hash, whether it is one.

`hvg render` asks these first (to name the backend in the block cache's keys, and to fail early on a bad file);
the weights load only when a block actually needs the model (`hvg.model.checkpoint.load_checkpoint`), so a
render whose blocks all come from the cache never imports torch.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

FORMAT = "hvg-checkpoint-1"


class CheckpointError(Exception):
    """A file that is not an hvg checkpoint, or one from an incompatible version."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_metadata(path: str | Path) -> dict:
    """The checkpoint's metadata with its JSON fields parsed (read through numpy: no torch)."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist", "train one with `hvg train --preset small`")
    try:
        with safe_open(str(path), framework="np") as handle:
            raw = handle.metadata() or {}
    except Exception as error:  # safetensors raises its own types for a file that is not safetensors
        raise CheckpointError(f"{path} is not a safetensors file ({error})",
                              "pass a checkpoint written by `hvg train`") from None
    if raw.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not an hvg checkpoint (format {raw.get('format')!r})",
                              "pass a checkpoint written by `hvg train`")
    return {k: json.loads(v) if k not in ("format", "created_by") else v for k, v in raw.items()}
