"""The caller's side: hand `hvg render` to a running server, or, having found none, start one on the way out."""
from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

from hvg.server import messages
from hvg.server.address import socket_path

START_TIMEOUT = 60.0        # a server still importing answers within seconds; after this, render in-process
_missing: Path | None = None    # the socket this process found no server at, for start_in_background()
_environ: dict[str, str] = {}   # this process's environment before rendering (importing cv2 changes it)


def render_through_server(argv: list[str]) -> int | None:
    """Run `hvg render argv` in a server's child and return its exit code; None if no server took it (none is
    running, it refused, or this process cannot hand over its streams), so the caller renders in-process."""
    global _missing, _environ
    _environ = dict(os.environ)
    path = socket_path()
    if path is None:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        _missing = path
        return None
    with sock:
        if not messages.same_user(sock):
            return None                           # never hand this terminal and environment to another user
        try:
            messages.send(sock, _request(argv), [0, 1, 2])
            sock.settimeout(START_TIMEOUT)
            reader = messages.Reader(sock)
            started = reader.next()
        except (OSError, ValueError):
            return None                           # the server stops at a caller that hung up: nothing runs twice
        except KeyboardInterrupt:
            return 130                            # before the render began: nothing to stop, nothing written
        if started is None or "pid" not in started:
            return None
        sock.settimeout(None)
        try:
            return _wait_for_exit(sock, reader)
        except KeyboardInterrupt:                 # Ctrl-C between the child's start and the forwarding: the
            return 130                            # socket closes, and the child stops as at Ctrl-C


def _request(argv: list[str]) -> dict:
    umask = os.umask(0)
    os.umask(umask)
    streams = [[getattr(stream, "encoding", None), getattr(stream, "errors", None)]
               for stream in (sys.stdin, sys.stdout, sys.stderr)]
    return {"render": argv, "cwd": os.getcwd(), "env": dict(os.environ), "umask": umask, "streams": streams}


def _wait_for_exit(sock: socket.socket, reader: messages.Reader) -> int:
    """Pass Ctrl-C and SIGTERM on to the child as bytes, and wait for its exit code."""
    def pass_on(signum, _frame):
        try:
            sock.send(b"t" if signum == signal.SIGTERM else b"i")
        except OSError:
            pass                                  # the child has already ended: its exit code is on its way
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:   # a background job's ignored Ctrl-C stays ignored
            signal.signal(signum, pass_on)
    message = reader.next()
    if message is None or "exit" not in message:
        print("error: the render server's worker ended without reporting (was it killed?)\n"
              "  help: run again; set HVG_NO_SERVER=1 to render without a server", file=sys.stderr)
        return 1
    return int(message["exit"])


def start_in_background() -> None:
    """Start a server for the next `hvg render`, if this one found none."""
    if _missing is not None and _missing.parent.is_dir():
        spawn(_missing, _environ)


def spawn(path: Path, environ: dict[str, str]) -> None:
    """Start a server at `path` that outlives this process, in a session of its own (Ctrl-C in this terminal does
    not reach it), in the private socket folder (so nothing there shadows a module), with the environment this
    process started with; what it prints goes to a log beside its socket."""
    import subprocess
    try:
        with open(path.with_suffix(".log"), "ab") as log:
            subprocess.Popen([sys.executable, "-m", "hvg.server.zygote", str(path)], cwd=path.parent, env=environ,
                             stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                             close_fds=True)
    except OSError:
        pass                                      # no server: the next render only imports for itself
