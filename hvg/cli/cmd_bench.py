"""`hvg bench`: render the benchmark suite with one or more backends or checkpoints and score them side by side."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from hvg.cli.app import app, fail, stderr, stdout


@app.command()
def bench(
    backend: Annotated[Optional[list[str]], typer.Option("--backend", help="a backend to compare (repeatable), "
                                                         "with options if wanted: builtin:noise=iid,refine=off")]
    = None,
    checkpoint: Annotated[Optional[list[Path]], typer.Option("--checkpoint", help="a builtin-model checkpoint "
                                                             "to compare (repeatable)")] = None,
    quality: Annotated[str, typer.Option("--quality", help="render quality preset: draft, standard or final")]
    = "standard",
    out: Annotated[Path, typer.Option("--out", help="folder for bench.md and bench.json")] = Path("bench-results"),
    suite: Annotated[Path, typer.Option("--suite", help="folder of .scene programs")] = Path("benchmarks/suite"),
    only: Annotated[Optional[str], typer.Option("--only", help="only programs whose file name contains this")]
    = None,
) -> None:
    """Render and score the benchmark suite with each backend or checkpoint, side by side.

    Every program of the suite is rendered by each contender and scored (see `hvg eval`); one table with a column
    group per contender goes to OUT/bench.md and OUT/bench.json. With two or more contenders, bench.md also pairs
    each with the first, program by program: the IoU difference, its 95% interval and p-value."""
    import json

    from hvg.backends.base import QUALITY_PRESETS
    from hvg.evaluate.bench import (ContenderError, contenders_from, markdown_table, paired_summary, run_bench,
                                    suite_programs)
    from hvg.evaluate.score import to_jsonable

    if quality not in QUALITY_PRESETS:
        fail(f"unknown quality `{quality}`", f"choose one of: {', '.join(QUALITY_PRESETS)}")
    for path in checkpoint or []:
        if not path.exists():
            fail(f"checkpoint {path} does not exist", "give the path of a .safetensors checkpoint")
    if not suite.is_dir():
        fail(f"the suite folder {suite} does not exist", "run from the repository root, or pass --suite DIR")
    programs = suite_programs(suite, only)
    if not programs:
        fail(f"no .scene programs in {suite}" + (f" matching `{only}`" if only else ""), "check --suite and --only")
    try:
        contenders = contenders_from(backend or ([] if checkpoint else ["preview"]),
                                     [str(p) for p in checkpoint or []])
    except ContenderError as error:
        fail(str(error), error.hint)
    labels = [c.label for c in contenders]
    if len(set(labels)) != len(labels):
        fail("the same backend or checkpoint is named twice", "name each contender once")

    from hvg.backends import BackendUnavailable
    try:
        result = run_bench(programs, contenders, quality, progress=lambda line: stderr.print(f"bench: {line}"))
    except BackendUnavailable as error:
        fail(str(error), error.hint)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(to_jsonable(result), indent=2, allow_nan=False), encoding="utf-8")
    table = markdown_table(result)
    paired = paired_summary(result)
    if paired:
        table += "\nPaired per program against the first contender (hvg/evaluate/paired.py):\n\n" + paired
    (out / "bench.md").write_text(table, encoding="utf-8")
    stdout.print(table, markup=False)
    stderr.print(f"bench: wrote {out / 'bench.md'} and {out / 'bench.json'}")
