"""`hvg render --watch`: call back each time a file is saved, until Ctrl-C.

Polling the file's modification time and size, not an OS notification API: one `stat` every `poll` seconds costs
nothing, works the same on every platform and file system (network drives, editors that save by renaming), and
needs no dependency.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

POLL_SECONDS = 0.1


def stamp(path: Path) -> tuple[int, int] | None:
    """What changes when a file is saved: (modification time in ns, size); None while it does not exist (an editor
    that saves by writing a new file and renaming it over the old one)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def watch_file(path: Path, on_change: Callable[[], None], *, poll: float = POLL_SECONDS,
               stop: Callable[[], bool] = lambda: False, sleep: Callable[[float], None] = time.sleep) -> int:
    """Call `on_change` after each save of `path` (once per change, however many writes it took), until Ctrl-C or
    `stop()`. Returns how many times it was called. A save is acted on once the file has kept the same stamp for one
    poll, so a half-written file is not rendered."""
    seen, calls = stamp(path), 0
    try:
        while not stop():
            sleep(poll)
            now = stamp(path)
            if now is None or now == seen:
                continue
            sleep(poll)                     # let the writer finish: act on the file once it holds still
            if stamp(path) != now:
                continue
            seen = now
            on_change()
            calls += 1
    except KeyboardInterrupt:
        from hvg.cli.app import stderr
        stderr.print("stopped watching")
    return calls
