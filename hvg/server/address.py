"""Where a render server listens: whether one may be used at all, the private folder of sockets, and the
fingerprint of the installation that names each socket. Kept free of heavy imports: `hvg render` runs this first."""
from __future__ import annotations

import hashlib
import importlib.machinery
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

# Installed packages whose code a server holds in memory: reinstalling one must not leave a render on the old code.
HELD_PACKAGES = ("torch", "diffusers", "numpy", "av", "cv2", "safetensors", "einops", "rich", "typer")
# Environment variables these packages read when imported (thread pools, devices, offline switches): a server
# started under other values would not behave as a fresh process under these.
IMPORT_TIME_ENV_PREFIXES = ("TORCH", "PYTORCH", "OMP_", "MKL_", "KMP_", "GOMP_", "OPENBLAS", "CUDA", "NVIDIA",
                            "HF_", "HUGGINGFACE", "TRANSFORMERS", "DIFFUSERS", "PYTHON", "LD_", "OPENCV")
SOCKET_PATH_LIMIT = 100     # sun_path holds 108 bytes on Linux


def server_allowed() -> bool:
    """A server is used on Linux (fork, SO_PEERCRED, passing descriptors) unless HVG_NO_SERVER is set."""
    return sys.platform.startswith("linux") and os.environ.get("HVG_NO_SERVER", "") in ("", "0")


def server_dir() -> Path | None:
    """The folder of sockets, made private to this user; None if it cannot be (someone else owns it, or others
    may write to it), in which case no server is used."""
    chosen = os.environ.get("HVG_SERVER_DIR")
    if chosen:
        folder = Path(chosen)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "hvg"
    else:
        folder = Path("/tmp") / f"hvg-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077
    return folder if private else None


def fingerprint(environ: Mapping[str, str] | None = None, package: Path | None = None) -> str:
    """What a server's code and imports depend on, hashed: the interpreter, every source file of hvg (path, size,
    modification time), the held packages' installs, the site-packages folders (a package installed or removed
    changes them) and the import-time environment (`environ`, by default this
    process's: a server passes the one it started with, since importing cv2 changes LD_LIBRARY_PATH). `package` is
    hvg's folder unless a test names another."""
    environ = os.environ if environ is None else environ
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{sys.executable}\0{sys.version}\0".encode())
    package = package or Path(__file__).resolve().parent.parent
    for path, info in sorted(_source_files(package)):
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    for name in HELD_PACKAGES:
        spec = importlib.machinery.PathFinder.find_spec(name)    # the install on disk, not sys.modules: cv2
        #                                                     replaces its module with its extension when imported
        origin = spec.origin if spec is not None else None
        mark = os.stat(origin).st_mtime_ns if origin and os.path.exists(origin) else "absent"
        digest.update(f"{name}\0{origin}\0{mark}\0".encode())
    for folder in sys.path:                       # a `pip install` into an environment changes its folder
        if folder.endswith(("site-packages", "dist-packages")) and os.path.isdir(folder):
            digest.update(f"{folder}\0{os.stat(folder).st_mtime_ns}\0".encode())
    for key in sorted(environ):
        if key.startswith(IMPORT_TIME_ENV_PREFIXES):
            digest.update(f"{key}={environ[key]}\0".encode())
    return digest.hexdigest()


def _source_files(folder: Path):
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                yield from _source_files(Path(entry.path))
            elif entry.name.endswith((".py", ".lark")):
                yield entry.path, entry.stat()


def socket_path(key: str | None = None) -> Path | None:
    """The socket of the server for this installation, or None when no server may be used here."""
    if not server_allowed():
        return None
    folder = server_dir()
    if folder is None:
        return None
    path = folder / f"render-{key or fingerprint()}.sock"
    return path if len(os.fsencode(path)) <= SOCKET_PATH_LIMIT else None
