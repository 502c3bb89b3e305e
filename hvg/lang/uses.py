"""`use "file.scene"`: where a used file is, whether it may be read, and `use` cycles.

A scene may only use files inside its own folder tree (the folder of the file being checked). The path is resolved
(symlinks included) and confined BEFORE anything is opened, so `use "../../etc/passwd"` reads nothing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from hvg.lang import codes
from hvg.lang.codes import Code
from hvg.lang.limits import MAX_FILE_BYTES, MAX_USE_FILES
from hvg.lang.source_text import NOT_TEXT_HELP, NotText, decode_source


@dataclass
class UseFrame:
    """A file on the current chain of `use`s, and where the `use` that brought it in was written."""
    path: Path | None           # resolved; None for text that came from no file
    name: str                   # relative to the root, for messages
    use_file: str = ""          # the file holding the `use` statement (display name)
    use_line: int = 0
    use_column: int = 0


@dataclass
class UseRefusal:
    code: Code
    message: str
    help: str = ""
    file: str = ""              # where to report (defaults to the `use` statement's file)
    line: int = 0
    column: int = 0


@dataclass
class UseResolver:
    root: Path                                  # the folder tree that `use` may read from (resolved)
    stack: list[UseFrame] = field(default_factory=list)
    loaded: set[Path] = field(default_factory=set)

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def resolve(self, written: str, from_folder: Path) -> Path | UseRefusal:
        """The resolved path `written` names, or why it may not be used. Reads nothing."""
        if not written.strip():
            return UseRefusal(codes.USE_NOT_FOUND, "`use` needs a file name, like `use \"lib/characters.scene\"`")
        candidate = Path(written)
        if candidate.is_absolute() or written.startswith("~"):
            return _outside(written)
        resolved = Path(os.path.realpath(from_folder / candidate))
        if resolved != self.root and self.root not in resolved.parents:
            return _outside(written)
        if resolved.suffix != ".scene":
            return UseRefusal(codes.USE_NOT_FOUND, f"`use` names a scene file ending in `.scene`, not `{written}`",
                              _folder_help(resolved, written) if resolved.is_dir() else
                              "like `use \"lib/characters.scene\"`")
        return resolved

    def cycle(self, target: Path, file: str, line: int, column: int) -> UseRefusal | None:
        """A refusal when `target` is already on the chain of uses (`a uses b which uses a`)."""
        paths = [frame.path for frame in self.stack]
        if target not in paths:
            return None
        start = paths.index(target)
        chain = [frame.name for frame in self.stack[start:]] + [self.stack[start].name]
        if len(chain) == 2:
            message = f"`use` cycle: {chain[0]} uses itself"
        else:
            message = f"`use` cycle: {chain[0]} uses " + " which uses ".join(chain[1:])
        # Report at the `use` in the first file of the cycle (the one the reader knows), not deep in a library.
        if start + 1 < len(self.stack):
            entry = self.stack[start + 1]
            file, line, column = entry.use_file, entry.use_line, entry.use_column
        return UseRefusal(codes.USE_CYCLE, message, "remove one of the `use` statements in the circle",
                          file, line, column)

    def read(self, target: Path, written: str) -> str | UseRefusal:
        if len(self.loaded) >= MAX_USE_FILES:
            return UseRefusal(codes.TOO_LARGE, f"more than {MAX_USE_FILES} files are used, the limit")
        try:
            if not target.is_file():
                return UseRefusal(codes.USE_NOT_FOUND, f"`use` cannot find `{written}`",
                                  f"no such file in {self.display(target.parent) or '.'}/")
            if target.stat().st_size > MAX_FILE_BYTES:
                return UseRefusal(codes.TOO_LARGE, f"`{written}` is larger than {MAX_FILE_BYTES // 1024} KiB, "
                                                   f"the limit for one program")
            decoded = decode_source(target.read_bytes())
            if isinstance(decoded, NotText):
                return UseRefusal(codes.USE_NOT_FOUND, decoded.use_message(written),
                                  NOT_TEXT_HELP)
            return decoded
        except OSError as error:
            return UseRefusal(codes.USE_NOT_FOUND, f"`use` cannot read `{written}`: {error.strerror or error}")


def _folder_help(folder: Path, written: str) -> str:
    inside = sorted(p.name for p in folder.glob("*.scene") if p.is_file())
    example = f"{written.rstrip('/')}/{inside[0] if inside else 'characters.scene'}"
    return f"`{written}` is a folder: name a .scene file in it, like `use \"{example}\"`"


def _outside(written: str) -> UseRefusal:
    return UseRefusal(codes.USE_OUTSIDE_PROJECT, "`use` may only name files inside the scene's own folder tree",
                      f"`{written}` is outside it; copy the file next to the scene or into a subfolder")
