"""Render backends by name. Each is imported only when asked for (the model backend imports torch)."""
from __future__ import annotations

import importlib
from pathlib import Path

from hvg.backends.base import Backend

BACKENDS = {
    "builtin": ("hvg.backends.builtin", "BuiltinBackend", "the HST-UNet flow-matching model shipped with hvg"),
    "preview": ("hvg.backends.preview", "PreviewBackend", "the procedural renderer: exact, fast, an animatic"),
}
# Options a backend takes as keyword arguments (`hvg bench --backend builtin:noise=iid`), with what they accept.
BACKEND_OPTIONS: dict[str, dict[str, str]] = {
    "builtin": {"noise": "warped|iid|freenoise", "init": "preview|noise", "strength": "(0, 1]",
                "context": "on|off", "refine": "on|off", "pyramid": "on|off",
                "ease": "on|off"},
}
CHECKPOINT_DIR = Path(__file__).resolve().parent.parent / "checkpoints"


class BackendUnavailable(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def shipped_checkpoint() -> Path | None:
    """The default checkpoint inside the package, if one ships."""
    found = sorted(CHECKPOINT_DIR.glob("*.safetensors")) if CHECKPOINT_DIR.exists() else []
    preferred = [p for p in found if p.stem.startswith("small")]
    return (preferred or found or [None])[0]


def default_backend_name() -> str:
    """`builtin` when a trained checkpoint ships with hvg, else the procedural `preview` renderer."""
    return "builtin" if shipped_checkpoint() is not None and _importable("hvg.backends.builtin") else "preview"


def _importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def load_backend(name: str, *, checkpoint: str | Path | None = None, device: str = "cpu",
                 options: dict | None = None) -> Backend:
    """A backend by name; `options` go to the model backend's constructor (e.g. `init`, `strength`)."""
    if name == "auto":
        name = default_backend_name()
    if name not in BACKENDS:
        raise BackendUnavailable(f"there is no backend `{name}`", f"choose one of: {', '.join(BACKENDS)}")
    module_name, class_name, _ = BACKENDS[name]
    if not _importable(module_name):
        raise BackendUnavailable(f"the `{name}` backend is not available in this version of hvg",
                                 "render with --backend preview")
    cls = getattr(importlib.import_module(module_name), class_name)
    if name == "preview":
        return cls()
    return cls(checkpoint=checkpoint, device=device, **(options or {}))
