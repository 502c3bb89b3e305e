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
    status: dict | None          # None: nothing answers there (a server that died left its file)

    @property
    def current(self) -> bool:
        """Whether it serves this installation (its socket is the one `hvg render` would use now)."""
        return self.socket == socket_path()


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
    return [Server(path, ask(path, {"status": True})) for path in sorted(folder.glob("render-*.sock"))]


def stop_all() -> int:
    """Stop every server of this user (removing files left by dead ones); the number that were running."""
    stopped = 0
    for server in servers():
        if server.status is not None and ask(server.socket, {"stop": True}) is not None:
            stopped += 1
        elif server.status is None:
            server.socket.unlink(missing_ok=True)
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

