"""What every command's output shares, without the CLI framework: the rich Consoles (made on first use), whether a
stream is a terminal, and the exit codes. `hvg check`'s fast path (hvg/cli/fast_check.py) runs on these alone.

Exit codes: 0 clean (warnings allowed), 1 findings (errors in a program, a failed render), 2 usage or I/O error.
"""
from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


@functools.cache
def console(stream: Literal["stdout", "stderr"]) -> Console:
    """The shared Console writing to `stream` (soft wrap: a long diagnostic stays one line for tools to read)."""
    from rich.console import Console

    return Console(stderr=stream == "stderr", highlight=False, soft_wrap=True)


def is_terminal(stream) -> bool:
    """Whether rich would write `stream` as a terminal (with colour). Without FORCE_COLOR or TTY_COMPATIBLE, which
    rich also reads, that is `isatty()`; with either set, ask rich itself."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return console("stderr" if stream is sys.stderr else "stdout").is_terminal
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:              # a closed stream
        return False

