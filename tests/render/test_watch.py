"""`hvg render --watch`: a render on each save, once per save, errors reported without ending the watch."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from hvg.cli.main import main
from hvg.cli.watch import stamp, watch_file

TWO_BLOCKS = ('video "Two" { size 32x32; fps 4 }\nentity ball = ball\n'
              'block 0s..1s "A ball" { ball at (0.5, 0.5) }\n'
              'block 1s..2s "A ball again" { ball at (0.5, 0.5) }\n')


def _scripted(path: Path, script: dict[int, str | None], polls: int):
    """A `sleep` that, on its n-th call, writes script[n] to `path` (None: removes it), and a `stop` after `polls`."""
    calls = {"n": 0}

    def sleep(_seconds):
        calls["n"] += 1
        action = script.get(calls["n"], "")
        if action is None:
            path.unlink()
        elif action:
            path.write_text(action)
            os.utime(path, ns=(calls["n"] * 10 ** 9, calls["n"] * 10 ** 9))   # a distinct time for every write

    return sleep, (lambda: calls["n"] >= polls)


def test_one_call_per_save_none_while_unchanged_missing_or_still_being_written(tmp_path):
    path = tmp_path / "story.scene"
    path.write_text("a")
    changes = []
    # 3: a save; 10 and 11: two writes in a row (acted on once, when it holds still); 15: removed (an editor's
    # rename), 17: back with new text
    script = {3: "b", 10: "c", 11: "cc", 15: None, 17: "d"}
    sleep, stop = _scripted(path, script, polls=24)
    calls = watch_file(path, lambda: changes.append(path.read_text()), sleep=sleep, stop=stop)
    assert changes == ["b", "cc", "d"] and calls == 3


def test_stamp_is_none_for_a_missing_file(tmp_path):
    assert stamp(tmp_path / "missing.scene") is None
    (tmp_path / "here.scene").write_text("x")
    assert stamp(tmp_path / "here.scene") is not None


def test_watch_needs_the_cache(tmp_path, capsys):
    program = tmp_path / "two.scene"
    program.write_text(TWO_BLOCKS)
    assert main(["render", str(program), "--backend", "preview", "--watch", "--no-cache", "-q"]) == 2
    assert "drop --no-cache" in capsys.readouterr().err
    assert not (tmp_path / "two.mp4").exists()


def _lines(stream, into: list[str]) -> threading.Thread:
    thread = threading.Thread(target=lambda: [into.append(line) for line in stream], daemon=True)
    thread.start()
    return thread


def _wait_for(lines: list[str], text: str, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while sum(text in line for line in lines) < count:
        assert time.monotonic() < deadline, f"waited {seconds}s for {count}x {text!r}; got {lines}"
        time.sleep(0.05)


def test_watching_renders_each_save_from_the_cache_reports_errors_and_stops_on_ctrl_c(tmp_path):
    program = tmp_path / "two.scene"
    program.write_text(TWO_BLOCKS)
    env = {**os.environ, "HVG_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "hvg.cli.main", "render", str(program), "--backend", "preview",
                                "-q", "--watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = [], []
    readers = [_lines(process.stdout, out), _lines(process.stderr, err)]
    try:
        _wait_for(out, "wrote", 1)
        _wait_for(err, "watching", 1)
        program.write_text(TWO_BLOCKS.replace("A ball again", "A ball, once more"))       # edit block 2 only
        _wait_for(out, "wrote", 2)
        assert "1 block rendered, 1 from cache" in out[-1]
        program.write_text(TWO_BLOCKS.replace("ball at", "ball at at", 1))                # a syntax error
        _wait_for(err, "fix them and save again", 1)
        assert process.poll() is None                                                    # still watching
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    for reader in readers:
        reader.join(timeout=5)
    assert any("stopped watching" in line for line in err), err
    assert (tmp_path / "two.mp4").exists() and len(out) == 2
