"""What the caller and the server say over the socket: one JSON object a line; the caller's first line carries its
stdin, stdout and stderr as file descriptors (SCM_RIGHTS)."""
from __future__ import annotations

import json
import os
import socket
import struct

MAX_LINE = 1 << 20          # a request is argv, a working folder and an environment: far below this
STREAM_COUNT = 3            # stdin, stdout, stderr


def peer_uid(sock: socket.socket) -> int:
    """The user id of the process at the other end of a connected Unix socket (SO_PEERCRED)."""
    _, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return uid


def same_user(sock: socket.socket) -> bool:
    return peer_uid(sock) == os.getuid()


def send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode() + b"\n"
    sent = socket.send_fds(sock, [data], fds) if fds else 0
    sock.sendall(data[sent:])


class Reader:
    """Lines of one connection, read as they come; the descriptors that came with the first bytes, if any."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""
        self.fds: list[int] = []

    def next(self, with_fds: bool = False) -> dict | None:
        """The next message, or None once the other side has closed (or sent something that is not a message)."""
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_LINE:
                return None
            if with_fds and not self.fds:
                chunk, fds, _, _ = socket.recv_fds(self.sock, 65536, STREAM_COUNT)
                self.fds.extend(fds)
            else:
                chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None
