"""The render server: `python -m hvg.server.zygote SOCKET`, started in the background by `hvg render`.

It binds its socket first (a caller that comes while it is still importing waits in the queue instead of importing
torch itself), imports what a render needs, then forks one child per `hvg render` (hvg/server/__init__.py). It never
runs torch itself: forking a process whose thread pools have started is not safe, importing is.
"""
from __future__ import annotations

import atexit
import errno
import importlib
import os
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path

from hvg.server import messages
from hvg.server.address import fingerprint
from hvg.server.control import accepting

# What `hvg render` with the built-in model imports; anything missing here a child imports itself (slower, not wrong).
# Not hvg.cli.cmd_render: it binds the shared rich Consoles when imported, and a Console fixes its colours and width
# for the stream it was made on (here, the server's log). The child makes them on the caller's terminal.
WARM_MODULES = (
    "torch", "numpy", "av", "cv2", "einops", "safetensors.torch", "rich.console", "rich.progress", "typer",
    "hvg.rendering.pipeline", "hvg.rendering.encoded", "hvg.backends.builtin",
    "hvg.model.checkpoint", "hvg.model.sampler", "hvg.model.decoder", "hvg.lower.conditioning", "hvg.lower.minilm",
    "hvg.world.preview",
)
IDLE_SECONDS = 600.0        # leave after this long without a render (HVG_SERVER_IDLE overrides)
CHECK_EVERY = 30.0          # how often an idle server looks whether the installation changed under it
REQUEST_TIMEOUT = 10.0      # a caller has this long to send its request once connected


def main() -> int:
    path = Path(sys.argv[1])
    key = path.name.removeprefix("render-").removesuffix(".sock")
    idle = float(os.environ.get("HVG_SERVER_IDLE", IDLE_SECONDS))
    environ = dict(os.environ)                    # as started: importing cv2 changes LD_LIBRARY_PATH
    listener = listen(path)
    if listener is None:
        log("another server answers at this socket; leaving")
        return 0
    inode = path.stat().st_ino
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    clean = False                                 # a server that fails keeps its log, for `hvg server status`
    try:
        began = time.perf_counter()
        warm()
        if fingerprint(environ) != key:
            log("the installation changed while this server started; leaving")
        else:
            log(f"ready in {time.perf_counter() - began:.2f}s (pid {os.getpid()})")
            serve(listener, key, idle, environ, path, inode)
        clean = True
    except SystemExit:                            # SIGTERM
        clean = True
        raise
    finally:
        listener.close()
        if remove_if_ours(path, inode) and clean:
            path.with_suffix(".log").unlink(missing_ok=True)
    return 0


def log(line: str) -> None:
    """One line to the server's log (beside its socket; `hvg server status` names it)."""
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}", file=sys.stderr, flush=True)


def listen(path: Path) -> socket.socket | None:
    """A listening socket at `path`; None if a live server holds it. A file left by a server that died is removed."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
    except OSError as error:
        if error.errno != errno.EADDRINUSE or accepting(path):
            listener.close()
            return None
        path.unlink(missing_ok=True)
        listener.bind(str(path))
    listener.listen(64)
    return listener


def is_ours(path: Path, inode: int) -> bool:
    try:
        return path.stat().st_ino == inode
    except OSError:
        return False


def remove_if_ours(path: Path, inode: int) -> bool:
    """Remove the socket file unless a newer server has already replaced it; whether it was ours."""
    if not is_ours(path, inode):
        return False
    path.unlink(missing_ok=True)
    return True


def warm() -> None:
    from hvg.cli.consoles import console
    from hvg.cli.entry import collect_less_often
    collect_less_often()
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass                                  # the child reports it as an in-process render would
    if console.cache_info().currsize:
        raise RuntimeError("a warmed module made a rich Console on the server's log; leave it out of WARM_MODULES")


def serve(listener: socket.socket, key: str, idle: float, environ: dict[str, str], path: Path, inode: int) -> None:
    import gc
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children are reaped by the kernel; their codes go to callers
    gc.freeze()                                     # what is imported now stays shared with every child, untouched
    started = last_render = time.monotonic()
    served = 0
    listener.settimeout(min(CHECK_EVERY, idle))
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if time.monotonic() - last_render >= idle:
                log(f"idle for {idle:.0f}s; leaving")
                return
            if fingerprint(environ) != key:
                log("hvg, its packages or the environment changed; leaving")
                return
            if not is_ours(path, inode):
                log("this server's socket was removed or replaced; leaving")
                return
            continue
        with conn:
            try:
                request = read_request(conn)
                if request is None:
                    continue
                if request.get("stop"):
                    messages.send(conn, {"stopping": True})
                    log("asked to stop; leaving")
                    return
                if "status" in request:
                    messages.send(conn, {"pid": os.getpid(), "key": key, "served": served,
                                         "up_s": time.monotonic() - started,
                                         "idle_s": time.monotonic() - last_render})
                    continue
                if "render" in request and not caller_waits(conn):
                    for fd in request["fds"]:
                        os.close(fd)
                elif "render" in request:
                    log(f"hvg {' '.join(map(str, request['render']))}")
                    fork_render(listener, conn, request)
                    served += 1
                    last_render = time.monotonic()
            except Exception as error:   # noqa: BLE001 - a caller that hung up, a failed fork: serve the next one
                log(f"a request failed: {type(error).__name__}: {error}")


def read_request(conn: socket.socket) -> dict | None:
    """The caller's request with its streams as `request["fds"]`; None (and nothing kept open) for a caller of
    another user or one that sends nothing sensible in time."""
    if not messages.same_user(conn):
        return None
    conn.settimeout(REQUEST_TIMEOUT)
    reader = messages.Reader(conn)
    try:
        request = reader.next(with_fds=True)
    except OSError:
        request = None
    well_formed = request is not None and ("render" not in request or (
        len(reader.fds) == messages.STREAM_COUNT and isinstance(request["render"], list)
        and isinstance(request.get("env"), dict)))
    if not well_formed or "render" not in request:
        for fd in reader.fds:                     # only a render hands over streams
            os.close(fd)
        return request if well_formed else None
    request["fds"] = reader.fds
    return request


def caller_waits(conn: socket.socket) -> bool:
    """False if the caller hung up while its request queued (it gave up, or was interrupted, and renders itself or
    not at all): its render must not start on its terminal."""
    import select
    readable, _, _ = select.select([conn], [], [], 0)
    if not readable:
        return True
    try:
        return conn.recv(1, socket.MSG_PEEK) != b""
    except OSError:
        return False


def fork_render(listener: socket.socket, conn: socket.socket, request: dict) -> None:
    try:
        pid = os.fork()
    except OSError:
        for fd in request["fds"]:
            os.close(fd)
        raise
    if pid == 0:
        try:
            for name in (signal.SIGCHLD, signal.SIGTERM):
                signal.signal(name, signal.SIG_DFL)
            listener.close()
            run_child(conn, request)
        finally:
            os._exit(1)                           # a child must never return into the server's loop
    for fd in request["fds"]:
        os.close(fd)


def run_child(conn: socket.socket, request: dict) -> None:
    """Become the caller's `hvg render`: its streams, folder, environment, umask and arguments; report the exit code
    and end. Ctrl-C in the caller arrives as a byte on the socket (or as the socket closing, if the caller died)."""
    code = 1
    rendering = threading.Event()
    conn.settimeout(None)
    try:
        messages.send(conn, {"pid": os.getpid()})
    except OSError:
        os._exit(1)                               # the caller is gone: its terminal is not ours to write on
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for name in (signal.SIGTERM, signal.SIGHUP):   # stop as at Ctrl-C: the partial output is removed
            signal.signal(name, signal.default_int_handler)
        os.environ.clear()
        os.environ.update({str(key): str(value) for key, value in request["env"].items()})
        take_over_streams(request["fds"], request.get("streams"))
        os.chdir(request["cwd"])
        os.umask(int(request["umask"]))
        argv = [str(arg) for arg in request["render"]]
        sys.argv = ["hvg", *argv]
        rendering.set()
        threading.Thread(target=pass_on_signals, args=(conn, rendering), daemon=True).start()
        from hvg.cli.entry import run_command
        code = run_command("render", argv)
    except KeyboardInterrupt:
        code = 130
    except BaseException:   # noqa: BLE001 - a child must report and exit, never return into the server's loop
        traceback.print_exc()
    finally:
        # Done: the caller closing the socket after reading the exit code must not interrupt what is left.
        for name in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(name, signal.SIG_IGN)
        rendering.clear()
        try:
            atexit._run_exitfuncs()
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
        except BaseException:   # noqa: BLE001 - the caller's terminal may be gone
            pass
        try:
            messages.send(conn, {"exit": code})
        except OSError:
            pass                                  # the caller is gone: nobody is left to tell
        os._exit(code)


def take_over_streams(fds: list[int], streams: list | None) -> None:
    """Put the caller's descriptors at 0, 1, 2 and open sys.stdin/stdout/stderr on them as Python would have for
    the caller: its encodings, line-buffered stdout on a terminal, line-buffered stderr."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    encodings = streams or [[None, None]] * 3
    sys.stdin = sys.__stdin__ = open(0, "r", encoding=encodings[0][0], errors=encodings[0][1], closefd=False)
    unbuffered = os.environ.get("PYTHONUNBUFFERED", "") != ""       # as `python -u`: every write reaches the fd
    sys.stdout = sys.__stdout__ = open(1, "w", encoding=encodings[1][0], errors=encodings[1][1], closefd=False,
                                       buffering=1 if unbuffered or os.isatty(1) else -1)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding=encodings[2][0], errors=encodings[2][1], closefd=False,
                                       buffering=1)


def pass_on_signals(conn: socket.socket, rendering: threading.Event) -> None:
    """While the render runs: b"i" from the caller is Ctrl-C, b"t" a request to terminate, and the socket closing
    means the caller is gone (so the render stops as at Ctrl-C)."""
    while True:
        try:
            data = conn.recv(64)
        except OSError:
            data = b""
        if not rendering.is_set():
            return
        if not data:
            os.kill(os.getpid(), signal.SIGINT)
            return
        for byte in data:
            os.kill(os.getpid(), signal.SIGTERM if byte == ord("t") else signal.SIGINT)


if __name__ == "__main__":
    sys.exit(main())
