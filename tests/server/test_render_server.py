"""The render server (hvg/server): a render through it is the render the caller would have made itself, with the
caller's exit code, streams and Ctrl-C; it serves only its own installation and user, and leaves when idle."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from hvg.server import address, messages

ENTRY = "import sys; sys.argv = ['hvg', *sys.argv[1:]]; from hvg.cli.entry import run; run()"
PROGRAM = ('video "A" { size 32x32; fps 8 }\nentity b = ball { color red }\n'
           'block 0s..2s "a ball rolls" {\n  b moves (0.2, 0.5) -> (0.8, 0.5)\n}\n')
LONG_PROGRAM = ('video "A" { size 128x128; fps 12 }\nentity b = ball { color red }\n'
                + "".join(f'block {i * 5}s..{i * 5 + 5}s "the ball rolls, part {i}" {{\n'
                          f'  b moves (0.2, 0.5) -> (0.8, 0.5)\n}}\n' for i in range(8)))


@pytest.fixture
def server_env(tmp_path):
    """An environment with servers on, in a private socket folder of their own (short: sun_path is 108 bytes)."""
    folder = tempfile.mkdtemp(prefix="hvg-test-", dir="/tmp")
    env = {key: value for key, value in os.environ.items() if key != "HVG_NO_SERVER"}
    env.update(HVG_SERVER_DIR=folder, HVG_CACHE_DIR=str(tmp_path / "cache"))
    yield env
    hvg(env, "server", "stop")
    shutil.rmtree(folder, ignore_errors=True)


def hvg(env: dict, *args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", ENTRY, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


def server_log(env: dict) -> str:
    return "".join(path.read_text() for path in Path(env["HVG_SERVER_DIR"]).glob("*.log"))


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def started(env: dict) -> int:
    """Start the server for `env`; its pid."""
    done = hvg(env, "server", "start")
    assert done.returncode == 0 and done.stdout.startswith("ready: pid "), done.stdout + done.stderr
    return int(done.stdout.split()[2])


def children_of(pid: int) -> list[str]:
    return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()


def colour_output(env: dict, cwd: Path, *args: str) -> tuple[int, bytes]:
    """Run hvg on a pseudo-terminal (stdin, stdout and stderr): (exit code, what the terminal showed)."""
    import pty
    leader, follower = pty.openpty()
    env = {key: value for key, value in env.items() if key not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    process = subprocess.Popen([sys.executable, "-c", ENTRY, *args], stdin=follower, stdout=follower,
                               stderr=follower, env={**env, "TERM": "xterm-256color"}, cwd=cwd)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:                            # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=60), shown


# --- where servers listen ---------------------------------------------------------------------------------------

def test_the_fingerprint_follows_import_time_settings_and_sources_only(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    base = {"HOME": "/home/a", "TORCH_NUM_THREADS": "2"}
    first = address.fingerprint(base, package)
    assert address.fingerprint({**base, "HOME": "/home/b", "TERM": "xterm"}, package) == first
    assert address.fingerprint({**base, "TORCH_NUM_THREADS": "4"}, package) != first
    assert address.fingerprint({**base, "OMP_NUM_THREADS": "1"}, package) != first
    (package / "a.py").write_text("x = 22\n")                     # an edit of hvg's code
    assert address.fingerprint(base, package) != first


def test_no_socket_when_servers_are_off_or_the_folder_is_not_private(tmp_path, monkeypatch):
    monkeypatch.setenv("HVG_NO_SERVER", "1")
    assert address.socket_path() is None
    monkeypatch.setenv("HVG_NO_SERVER", "0")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("HVG_SERVER_DIR", str(shared))
    assert address.server_dir() is None and address.socket_path() is None
    shared.chmod(0o700)
    assert address.server_dir() == shared
    monkeypatch.setenv("HVG_SERVER_DIR", "/tmp/" + "x" * 120)      # past what a socket address holds
    assert address.socket_path() is None


def test_messages_carry_descriptors_and_stop_at_a_closed_connection(tmp_path):
    left, right = socket.socketpair()
    readable, writable = os.pipe()
    request = {"render": ["render", "x.scene"], "env": {"A": "é" * 70000}}     # more than one read's worth
    sender = threading.Thread(target=messages.send, args=(left, request, [writable, writable, writable]))
    sender.start()
    reader = messages.Reader(right)
    request = reader.next(with_fds=True)
    sender.join()
    assert request["render"] == ["render", "x.scene"] and len(request["env"]["A"]) == 70000
    assert len(reader.fds) == 3
    os.write(reader.fds[1], b"through the passed descriptor")
    assert os.read(readable, 100) == b"through the passed descriptor"
    left.close()
    assert reader.next() is None
    for fd in (*reader.fds, readable, writable):
        os.close(fd)
    right.close()


# --- renders through a server -----------------------------------------------------------------------------------

def test_a_render_through_the_server_writes_the_same_video_and_says_so_in_its_log(server_env, tmp_path):
    program = tmp_path / "a.scene"
    program.write_text(PROGRAM)
    alone = hvg({**server_env, "HVG_NO_SERVER": "1"}, "render", "a.scene", "-o", "alone.mp4", "-q",
                "--quality", "draft", "--no-cache", cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    started(server_env)
    served = hvg(server_env, "render", "a.scene", "-o", "served.mp4", "-q", "--quality", "draft", "--no-cache",
                 cwd=tmp_path)                               # relative paths: the child works in the caller's folder
    assert served.returncode == 0, served.stderr
    assert "hvg render a.scene -o served.mp4" in server_log(server_env)
    assert (tmp_path / "served.mp4").read_bytes() == (tmp_path / "alone.mp4").read_bytes()
    assert served.stdout.startswith("wrote served.mp4")


def test_the_callers_errors_and_exit_codes_come_back(server_env, tmp_path):
    started(server_env)
    (tmp_path / "bad.scene").write_text(PROGRAM.replace("b moves", "c moves"))
    bad = hvg(server_env, "render", "bad.scene", "-o", "bad.mp4", cwd=tmp_path)
    assert bad.returncode == 1 and "error[E" in bad.stderr and "bad.scene:4" in bad.stderr
    missing = hvg(server_env, "render", "missing.scene", cwd=tmp_path)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert server_log(server_env).count("hvg render") == 2
    assert not (tmp_path / "bad.mp4").exists()


def test_a_render_through_the_server_writes_in_colour_on_the_callers_terminal(server_env, tmp_path):
    (tmp_path / "bad.scene").write_text(PROGRAM.replace("b moves", "c moves"))
    colour = re.compile(rb"\x1b\[[0-9;]+m")                  # an SGR sequence: colour or bold
    code, alone = colour_output({**server_env, "HVG_NO_SERVER": "1"}, tmp_path, "render", "bad.scene")
    assert code == 1 and colour.search(alone)                   # rich colours a diagnostic on a terminal
    started(server_env)
    code, served = colour_output(server_env, tmp_path, "render", "bad.scene")
    assert "hvg render bad.scene" in server_log(server_env)
    assert code == 1 and b"error" in served and colour.search(served), served


def test_ctrl_c_in_the_callers_terminal_stops_the_render_and_writes_nothing(server_env, tmp_path):
    (tmp_path / "long.scene").write_text(LONG_PROGRAM)
    started(server_env)
    caller = subprocess.Popen([sys.executable, "-c", ENTRY, "render", "long.scene", "-o", "long.mp4"],
                              cwd=tmp_path, env=server_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert wait_for(lambda: "hvg render long.scene" in server_log(server_env))
    time.sleep(1.0)
    caller.send_signal(signal.SIGINT)
    out, err = caller.communicate(timeout=60)
    assert caller.returncode == 130, err
    assert "interrupted" in err and not (tmp_path / "long.mp4").exists()


def test_a_caller_that_dies_takes_its_render_with_it(server_env, tmp_path):
    (tmp_path / "long.scene").write_text(LONG_PROGRAM)
    server = started(server_env)
    caller = subprocess.Popen([sys.executable, "-c", ENTRY, "render", "long.scene", "-o", "long.mp4"],
                              cwd=tmp_path, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(lambda: "hvg render long.scene" in server_log(server_env))
    time.sleep(1.0)
    assert len(children_of(server)) == 1                          # the render, working for the caller
    caller.kill()
    caller.wait()
    assert wait_for(lambda: children_of(server) == [], seconds=30)
    assert not (tmp_path / "long.mp4").exists()


def test_a_render_that_loaded_the_model_leaves_a_server_for_the_next(server_env, tmp_path):
    (tmp_path / "a.scene").write_text(PROGRAM)
    first = hvg(server_env, "render", "a.scene", "-o", "a.mp4", "-q", "--quality", "draft", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert wait_for(lambda: "ready in" in server_log(server_env))
    status = hvg(server_env, "server", "status")
    assert "this installation, 0 render(s)" in status.stdout, status.stdout
    again = hvg(server_env, "render", "a.scene", "-o", "a.mp4", "-q", "--force", "--quality", "draft", cwd=tmp_path)
    assert again.returncode == 0 and "hvg render a.scene" in server_log(server_env)


def test_a_preview_render_starts_no_server(server_env, tmp_path):
    (tmp_path / "a.scene").write_text(PROGRAM)
    done = hvg(server_env, "render", "a.scene", "-o", "a.mp4", "-q", "--backend", "preview", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    time.sleep(1.0)
    assert list(Path(server_env["HVG_SERVER_DIR"]).iterdir()) == []


def test_another_installation_is_not_served_and_stop_removes_dead_sockets(server_env, tmp_path):
    (tmp_path / "a.scene").write_text(PROGRAM)
    started(server_env)
    other = {**server_env, "OMP_NUM_THREADS": "1"}                 # read when torch is imported: another server
    done = hvg(other, "render", "a.scene", "-o", "a.mp4", "-q", "--backend", "preview", cwd=tmp_path)
    assert done.returncode == 0
    assert "hvg render" not in server_log(server_env)
    dead = Path(server_env["HVG_SERVER_DIR"]) / "render-0000000000000000.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(dead))
    listener.close()                                               # a socket file nobody answers at
    (Path(server_env["HVG_SERVER_DIR"]) / "render-1111111111111111.log").write_text("a server that failed\n")
    status = hvg(server_env, "server", "status").stdout
    assert "not answering" in status and "this installation" in status
    assert hvg(server_env, "server", "stop").stdout.strip() == "stopped 1 server(s)"
    assert wait_for(lambda: list(Path(server_env["HVG_SERVER_DIR"]).iterdir()) == [], seconds=10)


def test_an_idle_server_leaves_and_cleans_up(server_env):
    env = {**server_env, "HVG_SERVER_IDLE": "1"}
    started(env)
    folder = Path(env["HVG_SERVER_DIR"])
    assert wait_for(lambda: list(folder.iterdir()) == [], seconds=20), list(folder.iterdir())


def test_a_caller_falls_back_to_rendering_itself_when_the_socket_is_dead(server_env, tmp_path):
    (tmp_path / "a.scene").write_text(PROGRAM)
    probe = ("import sys; sys.argv = ['hvg', *sys.argv[1:]]\nfrom hvg.server.address import socket_path\n"
             "import socket; s = socket.socket(socket.AF_UNIX); s.bind(str(socket_path())); s.close()\n"
             "from hvg.cli.entry import run; run()")
    done = subprocess.run([sys.executable, "-c", probe, "render", "a.scene", "-o", "a.mp4", "-q", "--backend",
                           "preview"], capture_output=True, text=True, env=server_env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and (tmp_path / "a.mp4").stat().st_size > 0, done.stderr


def test_a_caller_that_hangs_up_does_not_end_the_server(server_env, tmp_path):
    """An impatient `status` (or a caller interrupted while its request queued) must not take the server down."""
    pid = started(server_env)
    path = next(Path(server_env["HVG_SERVER_DIR"]).glob("*.sock"))
    for message in ({"status": True}, {"render": ["render", "x.scene"], "env": {}}):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(path))
        messages.send(sock, message, [0, 1, 2] if "render" in message else None)
        sock.close()                                               # gone before the answer
    time.sleep(0.5)
    (tmp_path / "a.scene").write_text(PROGRAM)
    done = hvg(server_env, "render", "a.scene", "-o", "a.mp4", "-q", "--backend", "preview", cwd=tmp_path)
    assert done.returncode == 0 and "hvg render a.scene" in server_log(server_env)
    assert "hvg render x.scene" not in server_log(server_env)      # nobody waited for it: it never ran
    assert started(server_env) == pid
