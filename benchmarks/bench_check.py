"""How fast `hvg check` is: a cold command next to a bare import of its libraries, and a 2,000-block program.

    .venv/bin/python benchmarks/bench_check.py [--runs 10] [--blocks 2000]

Measured in one run, side by side (medians of --runs runs, each a fresh process):
- cold `hvg check examples/beach.scene` (a conformance ok/ file if examples/ is empty);
- `python -c "import lark, pydantic, rich, typer"`, the floor any command built on these libraries pays, and the
  same with `from pydantic import BaseModel` (pydantic's import is lazy; any program using a model pays this);
- the same again running an empty typer command with `check`'s parameters: typer (0.29) turns arguments into
  values through pydantic TypeAdapters it builds on first use, which a bare `import typer` never pays;
- cold `hvg check` of a generated program of --blocks blocks (groups, loops, chunks, motions), and the same
  program checked in-process by `hvg.check` (no start-up).
Targets: cold check <= 0.5 s and <= 1.5x the bare import; 2,000 blocks <= 3 s.
"""
from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generated_program(blocks: int) -> str:
    """A long program that uses every kind of statement, so the benchmark exercises the whole front end."""
    lines = ['video "Benchmark" { size 128x128; fps 12; seed 1; style pastel }',
             "entity ball = ball { color red; size 0.1 }",
             'entity gull = "a seagull" { color white; size 0.06 }',
             "entity palm = tree { color green; size 0.3; layer -1 }",
             "let shore = 0.8",
             "group palms(n) {", "  repeat i in 0..n {", "    palm at (0.15 + 0.35 * i, 0.55)", "  }", "}"]
    for b in range(blocks):
        start, end = 3 * b, 3 * b + 3
        x0, x1 = (0.2, 0.8) if b % 2 == 0 else (0.8, 0.2)
        lines += [f'block {start}s..{end}s "Block {b}: the ball crosses the beach" {{',
                  "  background beach { time sunset; motion waves 0.5 }",
                  "  camera pan (0.01, 0)",
                  "  palms(2)",
                  f"  ball bounces ({x0}, shore) -> ({x1}, shore) height 0.2 times 2",
                  f'  chunk {start}s..{start + 1.5}s "The gull glides" {{',
                  "    gull moves (0.1, 0.2) -> (0.5, 0.25) ease in_out",
                  "  }",
                  f'  chunk {start + 1.5}s..{end}s "The gull glides on" {{',
                  "    gull moves (0.5, 0.25) -> (0.1, 0.2)",
                  "  }",
                  "}"]
    return "\n".join(lines) + "\n"


# An installed package has its bytecode compiled; this workspace may set PYTHONDONTWRITEBYTECODE, which would
# make every run recompile hvg from source and measure the compiler instead of the checker.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


CPU: dict[str, list[float]] = {}     # CPU seconds (user + system) of each command: steadier than wall time on a
                                     # shared machine, where other jobs stretch the wall clock


# `check`'s parameters on a typer command that does nothing, with lark imported and a pydantic model defined as
# `hvg check` has them: what any typer command of this shape costs before it does its own work.
EMPTY_TYPER_COMMAND = """
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated
import lark, rich, typer
from pydantic import BaseModel, ConfigDict

class Finding(BaseModel):
    model_config = ConfigDict(defer_build=True)
    line: int

class Format(str, Enum):
    human = "human"
    json = "json"

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode="rich")

@app.command()
def check(files: Annotated[list[Path], typer.Argument()], output_format: Annotated[Format, typer.Option("--format")]
          = Format.human, backend: Annotated[Format, typer.Option()] = Format.human) -> None:
    pass

@app.callback()
def root() -> None:
    pass

app(args=["check", *sys.argv[1:]], standalone_mode=False)
"""


def median_seconds(command: list[str], runs: int, label: str = "") -> float:
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, env=ENV)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr[-400:]}")
    return statistics.median(times)


def cpu(label: str) -> float:
    return statistics.median(CPU[label])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--blocks", type=int, default=2000)
    args = parser.parse_args()

    # The console script, as a user runs it (it registers only the command being run).
    script = ROOT / ".venv" / "bin" / "hvg"
    hvg = [str(script)] if script.exists() else ["hvg"]
    example = ROOT / "examples" / "beach.scene"
    if not example.exists():
        example = ROOT.parent / "shared" / "conformance" / "ok" / "beach.scene"
    compileall.compile_dir(str(ROOT / "hvg"), quiet=1)
    subprocess.run(hvg + ["check", str(example)], capture_output=True, env=ENV)   # warm the parse-table cache

    # Interleave the commands so that load on a shared machine hits them alike.
    bare_import = "import lark, pydantic, rich, typer"
    # `import pydantic` is lazy: BaseModel's machinery loads on first use, which any pydantic program pays.
    pydantic_import = "import lark, rich, typer; from pydantic import BaseModel"
    check_times, import_times, model_times, typer_times = [], [], [], []
    for _ in range(args.runs):
        check_times.append(median_seconds(hvg + ["check", str(example)], 1, "check"))
        import_times.append(median_seconds([sys.executable, "-c", bare_import], 1, "bare"))
        model_times.append(median_seconds([sys.executable, "-c", pydantic_import], 1, "models"))
        typer_times.append(median_seconds([sys.executable, "-c", EMPTY_TYPER_COMMAND, str(example)], 1, "typer"))
    cold, bare = statistics.median(check_times), statistics.median(import_times)
    with_models, empty_command = statistics.median(model_times), statistics.median(typer_times)

    with tempfile.TemporaryDirectory() as folder:
        program = Path(folder) / "long.scene"
        program.write_text(generated_program(args.blocks))
        big_cold = median_seconds(hvg + ["check", str(program)], max(3, args.runs // 3), "big")
        from hvg.lang.api import check
        in_process, in_process_cpu = [], []
        for _ in range(max(3, args.runs // 3)):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = check(program)
            in_process.append(time.perf_counter() - started)
            in_process_cpu.append(time.process_time() - started_cpu)
        assert result.ok, result.diagnostics[:3]
        statements = sum(len(b.all_placements()) for b in result.scene.blocks)

    print(f"load average (1 min) while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'':44s} {'wall':>8s} {'cpu':>8s}   (medians)")
    rows = [(f"cold `hvg check {example.name}`", cold, cpu("check")),
            ("bare `import lark, pydantic, rich, typer`", bare, cpu("bare")),
            ("`... ; from pydantic import BaseModel`", with_models, cpu("models")),
            ("`...` and an empty typer command", empty_command, cpu("typer")),
            (f"cold `hvg check` of {args.blocks} blocks", big_cold, cpu("big")),
            (f"in-process `hvg.check` of {args.blocks} blocks", statistics.median(in_process),
             statistics.median(in_process_cpu))]
    for label, wall, cpu_seconds in rows:
        print(f"{label:44s} {wall:7.3f}s {cpu_seconds:7.3f}s")
    print(f"cold check / bare import: {cold / bare:.2f}x wall, {cpu('check') / cpu('bare'):.2f}x cpu "
          f"(target <= 1.5x and <= 0.5 s); {args.blocks} blocks: {statements} placements (target <= 3 s)")
    print(f"empty typer command / bare import: {empty_command / bare:.2f}x wall, "
          f"{cpu('typer') / cpu('bare'):.2f}x cpu")

if __name__ == "__main__":
    main()
