"""Writing a command's output file safely: never over an existing file without --force, never half a file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from hvg.cli.app import fail


def refuse_existing(path: Path, force: bool) -> None:
    """Stop (exit 2) when `path` exists and --force was not given, or when it is a folder."""
    if path.is_dir():
        fail(f"{path} is a folder", "give the path of a file to write")
    if path.exists() and not force:
        fail(f"{path} already exists", "pass --force to replace it, or choose another -o")
    if not path.parent.is_dir():
        fail(f"the folder {path.parent} does not exist", f"create it first: mkdir -p {path.parent}")


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(temporary)` next to `path`, then rename it over `path`: a crash or an error leaves the old
    file whole (or no file), never half of one."""
    suffix = path.suffix or ".tmp"
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    def write(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
    try:
        write_atomically(path, write)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
