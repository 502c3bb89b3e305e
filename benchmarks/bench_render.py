"""Render benchmarks: wall time, cost per second of video, peak memory, and re-rendering after an edit.

    .venv/bin/python benchmarks/bench_render.py --backend preview [--runs 3]
    .venv/bin/python benchmarks/bench_render.py --backend builtin --quality standard
    .venv/bin/python benchmarks/bench_render.py --backend builtin --only-rerender   # re-render figures only
    .venv/bin/python benchmarks/bench_render.py --backend builtin --no-rerender --runs 9   # time and memory only

Each figure is the median of --runs fresh `hvg render` processes (cold start included, cache off, no render server),
measured side by side in one run. Peak memory is the child's maximum resident set size
(median, range, and the worst pairing of a 60 s run with a 6 s run).

Re-rendering after an edit is measured three ways, each from a first render in a fresh process with no server:
a fresh `hvg render` after the edit, helped by the render server the first render left (the default; the edit
is made once that server is ready, as a writer's edit takes longer than its start); the same with HVG_NO_SERVER=1;
and under `hvg render --watch`.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HVG = [str(ROOT / ".venv" / "bin" / "hvg")] if (ROOT / ".venv/bin/hvg").exists() else ["hvg"]
MINUTE = ROOT / "benchmarks" / "programs" / "minute.scene"
SIX = ROOT / "benchmarks" / "programs" / "six_seconds.scene"


def render_once(program: Path, args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one fresh `hvg render` process."""
    code = (f"import resource, subprocess, sys, time; t=time.perf_counter(); "
            f"r=subprocess.run({HVG + ['render', str(program)]!r} + sys.argv[1:]); "
            f"w=time.perf_counter()-t; "
            f"print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024); sys.exit(r.returncode)")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-c", code, "-o", f"{tmp}/out.mp4", "--force", "-q", "--no-cache",
                               *args], capture_output=True, text=True, env={**os.environ, "HVG_NO_SERVER": "1"})
    if proc.returncode != 0:
        sys.exit(f"render failed:\n{proc.stdout}\n{proc.stderr}")
    wall, peak = map(float, proc.stdout.split()[-2:])
    return wall, peak


def measure(programs: list[Path], args: list[str], runs: int) -> list[tuple[list[float], list[float]]]:
    """Per program, (walls, peaks) of `runs` renders; the programs take turns, so drift touches each alike."""
    samples = [([], []) for _ in programs]
    for _ in range(runs):
        for (walls, peaks), program in zip(samples, programs):
            wall, peak = render_once(program, args)
            walls.append(wall)
            peaks.append(peak)
    return samples


# Two edits of block 6 a writer makes: reword its description (a new sentence: the text model must load to
# embed it) or move an object (every sentence is already in the embedding cache).
EDITS = {
    "description": ("Block 6: the ball rolls", "Block 6: the ball races"),
    "layout": ("ball moves (0.85, 0.8) -> (0.15, 0.8) ease in_out", "ball moves (0.8, 0.75) -> (0.2, 0.8) ease in_out"),
}


def edit_block_6(text: str, before: str, after: str) -> str:
    """Replace the first `before` from block 6's description on: the layout line also appears in blocks 2, 4,
    8, 10 and 12, and block 6 is the one the edit is meant for."""
    start = text.index("Block 6:")
    assert before in text[start:], before
    return text[:start] + text[start:].replace(before, after, 1)


def edit_trials(runs: int, server: bool = False):
    """For each run and edit: (edit name, before, after, a fresh folder, an environment whose render cache and
    render-server sockets are in it, a copy of the 60 s program in it)."""
    for _ in range(runs):
        for name, (before, after) in EDITS.items():
            with tempfile.TemporaryDirectory() as tmp:
                program = Path(tmp) / "minute.scene"
                shutil.copy(MINUTE, program)
                env = {**os.environ, "HVG_CACHE_DIR": f"{tmp}/cache", "HVG_SERVER_DIR": f"{tmp}/servers",
                       "HVG_NO_SERVER": "0" if server else "1"}
                try:
                    yield name, before, after, tmp, env, program
                finally:
                    subprocess.run([*HVG, "server", "stop"], env=env, capture_output=True)


def server_ready(env: dict, seconds: float = 60.0) -> None:
    """Wait until the server the first render started answers (`hvg server status` names this installation)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = subprocess.run([*HVG, "server", "status"], env=env, capture_output=True, text=True).stdout
        if "this installation" in status:
            return
        time.sleep(0.2)
    sys.exit("the render server did not start; see its log in " + env["HVG_SERVER_DIR"])


def edit_rerender(args: list[str], runs: int, server: bool) -> tuple[float, dict[str, float]]:
    """(first render, {edit: re-render after that edit of block 6}) with the cache on, median seconds; with or
    without the render server the first render leaves."""
    firsts, again = [], {name: [] for name in EDITS}
    for name, before, after, tmp, env, program in edit_trials(runs, server):
        out = Path(tmp) / "out.mp4"
        t = time.perf_counter()      # a fresh socket folder: no server yet; this render starts one as it ends
        subprocess.run([*HVG, "render", str(program), "-o", str(out), "-q", *args], check=True, env=env,
                       capture_output=True)
        firsts.append(time.perf_counter() - t)
        if server:
            server_ready(env)
        program.write_text(edit_block_6(program.read_text(), before, after))
        t = time.perf_counter()
        subprocess.run([*HVG, "render", str(program), "-o", str(out), "--force", "-q", *args], check=True,
                       env=env, capture_output=True)
        again[name].append(time.perf_counter() - t)
    return statistics.median(firsts), {name: statistics.median(times) for name, times in again.items()}


def watch_rerender(args: list[str], runs: int) -> tuple[float, dict[str, float]]:
    """The same edits under `hvg render --watch`: (first render, {edit: seconds from saving the edit to the new
    video's report}), medians. The first render is timed from the command's start to its first report; the
    re-render includes the watcher's polling (up to 2 x 0.1 s)."""
    import signal
    firsts, again = [], {name: [] for name in EDITS}
    for name, before, after, tmp, env, program in edit_trials(runs):
        t = time.perf_counter()
        with open(f"{tmp}/stderr.txt", "w") as errors:
            # Ctrl-C's default action restored: a benchmark started in the background (`nohup ... &`) hands its
            # children SIGINT ignored, and a watcher that ignores Ctrl-C never stops.
            process = subprocess.Popen([*HVG, "render", str(program), "-o", f"{tmp}/out.mp4", "-q", "--watch",
                                        *args], stdout=subprocess.PIPE, stderr=errors, text=True, env=env,
                                       preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            assert "wrote" in process.stdout.readline()
            firsts.append(time.perf_counter() - t)
            time.sleep(0.3)                           # the watcher has taken the file's first stamp
            program.write_text(edit_block_6(program.read_text(), before, after))
            t = time.perf_counter()
            report = process.stdout.readline()
            again[name].append(time.perf_counter() - t)
            assert "1 block rendered" in report, report
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                sys.exit(f"`hvg render --watch` did not stop within 30 s of Ctrl-C; its stderr:\n"
                         f"{Path(tmp, 'stderr.txt').read_text()[-2000:]}")
    return statistics.median(firsts), {name: statistics.median(times) for name, times in again.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="preview")
    parser.add_argument("--quality", default="standard")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only-rerender", action="store_true", help="only the re-render figures (cold and --watch)")
    parser.add_argument("--no-rerender", action="store_true", help="only the wall time and peak memory table")
    ns = parser.parse_args()
    args = ["--backend", ns.backend, "--quality", ns.quality]
    if ns.only_rerender:
        return report_rerender(args, ns.runs)
    (six_walls, six_peaks), (minute_walls, minute_peaks) = measure([SIX, MINUTE], args, ns.runs)
    six_wall, six_peak = statistics.median(six_walls), statistics.median(six_peaks)
    minute_wall, minute_peak = statistics.median(minute_walls), statistics.median(minute_peaks)
    print(f"backend={ns.backend} quality={ns.quality} runs={ns.runs} (medians; cold processes, taking turns)")
    print(f"| program | wall s | s per video second | peak RSS MiB | peak RSS range MiB |")
    print(f"|---|---|---|---|---|")
    print(f"| 6 s, 1 block | {six_wall:.2f} | {six_wall / 6:.3f} | {six_peak:.0f} | "
          f"{min(six_peaks):.0f}-{max(six_peaks):.0f} |")
    print(f"| 60 s, 12 blocks | {minute_wall:.2f} | {minute_wall / 60:.3f} | {minute_peak:.0f} | "
          f"{min(minute_peaks):.0f}-{max(minute_peaks):.0f} |")
    # the worst pairing too: peak memory has varied from run to run (heap fragmentation, docs/benchmarks.md)
    print(f"cost per video second, 60 s vs 6 s: {(minute_wall / 60) / (six_wall / 6):.2f}x; "
          f"peak memory: {minute_peak / six_peak:.2f}x (worst pairing: {max(minute_peaks) / min(six_peaks):.2f}x)")
    if not ns.no_rerender:
        report_rerender(args, ns.runs)


def report_rerender(args: list[str], runs: int) -> None:
    for server, how in ((True, "fresh process, render server"), (False, "fresh process, HVG_NO_SERVER=1")):
        first, again = edit_rerender(args, runs, server)
        for name, seconds in again.items():
            print(f"60 s program with cache ({how}): first render {first:.2f}s, after a {name} edit of block 6: "
                  f"{seconds:.2f}s ({seconds / first:.2f} of the first)")
    report_watch(args, runs)


def report_watch(args: list[str], runs: int) -> None:
    first, again = watch_rerender(args, runs)
    for name, seconds in again.items():
        print(f"60 s program under --watch: first render {first:.2f}s, after a {name} edit of block 6 is saved: "
              f"{seconds:.2f}s ({seconds / first:.2f} of the first)")


if __name__ == "__main__":
    main()
