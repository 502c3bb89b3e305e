"""The `hvg` console script: registers only the command being run, so `hvg check` starts fast.

`hvg check` with plain arguments does not even load typer (hvg/cli/fast_check.py). `hvg.cli.main` is the full
application (every command registered), for `python -m hvg.cli.main`, tests and docs.
"""
from __future__ import annotations

import sys


def _command_named(argv: list[str]) -> str | None:
    """`hvg check x.scene` -> "check"; None when the line starts with an option (`hvg --help`)."""
    return argv[0] if argv and not argv[0].startswith("-") else None


def run() -> None:
    argv = sys.argv[1:]
    name = _command_named(argv)
    if name == "check":
        from hvg.cli.fast_check import parse_check_arguments
        parsed = parse_check_arguments(argv[1:])
        if parsed is not None:
            sys.exit(_run_check_directly(*parsed))
    if name == "render":
        from hvg.server.client import render_through_server
        code = render_through_server(argv)
        if code is not None:              # a render server ran it (hvg/server): this process only waited
            sys.exit(code)
        collect_less_often()
    code = run_command(name, argv)
    _skip_the_final_collection()
    if name == "render":
        _start_a_server_if_useful(code)
        _end_without_teardown(code)
    sys.exit(code)


def run_command(name: str | None, argv: list[str]) -> int:
    """Register the command named (or, for help and unknown names, all of them) and run the line."""
    import importlib
    import importlib.util             # here, not at the top: the fast path above needs neither

    module = f"hvg.cli.cmd_{name}" if name else None
    if module and importlib.util.find_spec(module) is not None:
        importlib.import_module(module)
    else:  # help, or an unknown command: the full application, so click can list the commands and suggest
        importlib.import_module("hvg.cli.main")
    from hvg.cli.app import run_app
    return run_app(argv)


def _start_a_server_if_useful(code: int) -> None:
    """After a render that loaded the model (torch imported) and was not interrupted, start a render server so the
    next `hvg render` skips the imports (hvg/server)."""
    if "torch" in sys.modules and code in (0, 1):
        from hvg.server.client import start_in_background
        start_in_background()


RENDER_GC_THRESHOLDS = (100_000, 50, 100)   # the defaults are (700, 10, 10)


def collect_less_often() -> None:
    """`hvg render` imports torch, diffusers and cv2 (thousands of modules, hundreds of thousands of objects):
    with the default thresholds the collector runs every 700 new objects and walks the older generations again
    and again as they grow, ~0.15 s of each render that draws a block (a tenth of importing torch and
    diffusers). A render makes little cyclic garbage (its arrays and tensors are freed by reference counting),
    so collecting after 100,000 new objects costs no memory that matters."""
    import gc
    gc.set_threshold(*RENDER_GC_THRESHOLDS)


def _skip_the_final_collection() -> None:
    """The command is done: move every object out of the garbage collector's reach, so the interpreter's shutdown
    does not walk them all once more. With torch loaded that walk is ~0.5 s of each `hvg render` (a tenth of
    re-rendering one block). atexit handlers and explicit closes still run; only cyclic garbage left at exit is
    not collected, and the process is ending anyway."""
    import gc
    gc.freeze()


def _end_without_teardown(code: int) -> None:
    """End the process now that the command is done: exit handlers run and stdout and stderr are flushed, as at any
    exit, but the interpreter's teardown is skipped, which with torch loaded spends ~0.15 s unloading thousands of
    modules one by one (a tenth of the fixed cost of re-rendering one block). Not while another thread is running,
    which a normal exit would wait for."""
    import atexit
    import os
    import threading
    if any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        return
    atexit._run_exitfuncs()   # what a normal exit runs first (tempfile and logging clean-ups, for example)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a reader that went away, or a closed stream: nothing left to say
            pass
    os._exit(code)


def _run_check_directly(files, output_format: str, backend: str | None) -> int:
    """`run_check` with the failures mapped as the typer path maps them: Ctrl-C is a quiet exit 130, a reader that
    went away (`hvg check dir | head`) a quiet exit 1, a bug one friendly line."""
    import os

    from hvg.cli.check_run import run_check
    try:
        code = run_check(files, output_format, backend)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # so the exit's flush cannot fail again
        return 1
    except Exception as error:  # noqa: BLE001 - reported exactly as the typer path reports it
        from hvg.cli.app import report_internal_error
        return report_internal_error(error)
