"""`hvg server`: list, start and stop render servers (hvg/server/__init__.py)."""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from hvg.server import messages
from hvg.server.address import server_allowed, server_dir, socket_path

READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class Server:
    socket: Path
    status: dict | None          # None: no answer (still starting, if `accepting`; else it died and left its file)
    accepting: bool = True

    @property
    def current(self) -> bool:
        """Whether it serves this installation (its socket is the one `hvg render` would use now)."""
        return self.socket == socket_path()


def accepting(path: Path) -> bool:
    """Whether a process listens at `path` (a server still importing accepts before it answers)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        sock.close()


def ask(path: Path, message: dict, timeout: float = 5.0) -> dict | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
        messages.send(sock, message)
        return messages.Reader(sock).next()
    except OSError:
        return None
    finally:
        sock.close()


def servers() -> list[Server]:
    folder = server_dir() if server_allowed() else None
    if folder is None:
        return []
    found = []
    for path in sorted(folder.glob("render-*.sock")):
        status = ask(path, {"status": True})
        found.append(Server(path, status, status is not None or accepting(path)))
    return found


def stop_all() -> int:
    """Stop every server of this user (removing the sockets and logs left by dead ones); the number that were
    running."""
    stopped = 0
    for server in servers():
        if not server.accepting:
            server.socket.unlink(missing_ok=True)
        elif ask(server.socket, {"stop": True}, timeout=READY_TIMEOUT) is not None:   # one starting answers late
            stopped += 1
    folder = server_dir()
    for log in folder.glob("render-*.log") if folder else ():
        if not log.with_suffix(".sock").exists():     # a server that failed kept it; a running one still writes it
            log.unlink(missing_ok=True)
    return stopped


def start(timeout: float = READY_TIMEOUT) -> Server | None:
    """Start this installation's server unless it runs, and wait until it answers; None if it cannot run here or
    did not answer in time (its log says why)."""
    from hvg.server.client import spawn
    path = socket_path()
    if path is None:
        return None
    status = ask(path, {"status": True})
    if status is None:
        spawn(path, dict(os.environ))
        deadline = time.monotonic() + timeout
        while status is None and time.monotonic() < deadline:
            time.sleep(0.1)
            status = ask(path, {"status": True}, timeout=max(0.1, deadline - time.monotonic()))
    return Server(path, status) if status is not None else None

