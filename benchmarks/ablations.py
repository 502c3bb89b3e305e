"""Ablations of the built-in model: each component switched off on its own, scored side by side on the suite.

    .venv/bin/python benchmarks/ablations.py [--init preview|noise|both] [--quality standard] [--only TEXT]
                                             [--checkpoint PATH] [--out DIR]

One `hvg bench` run (hvg.evaluate.bench) per start (`init`), every contender in it, the same weights throughout:
the default builtin backend, and the same with motion-guided noise replaced by i.i.d. noise, without the
previous block's frames in temporal attention, with cross-frame refinement (off by default), without the pyramid (every step at
full resolution), and without easing across smooth seams. Prints one markdown table per start (suite means, and
the render seconds a program); OUT/<init>/bench.md and bench.json keep every program's row.

These switch components off at sampling time; the network is the one trained with all of them (one training run
per switch is the stronger ablation and would need a GPU's worth of training time; docs/benchmarks.md).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SWITCHES = (
    ("all components", ""),
    ("i.i.d. noise instead of motion-guided", "noise=iid"),
    ("no previous-block attention", "context=off"),
    ("with cross-frame refinement", "refine=on"),
    ("no pyramid (full resolution throughout)", "pyramid=off"),
    ("no easing across smooth seams", "ease=off"),
)
COLUMNS = (("iou", "mean IoU", "{:.3f}"), ("hit", "IoU ≥ 0.5", "{:.1%}"), ("flicker", "flicker", "{:.4f}"),
           ("warp", "warp err", "{:.4f}"), ("cos", "flow cos", "{:.3f}"), ("seam", "seam / ref", "{:.2f}"),
           ("psnr", "PSNR", "{:.1f}"), ("render_s", "render s / program", "{:.2f}"))


def contender_spec(init: str, switch: str) -> str:
    options = [o for o in (f"init={init}" if init != "preview" else "", switch) if o]
    return "builtin" + (":" + ",".join(options) if options else "")


def table(result: dict, init: str) -> str:
    lines = ["| ablation | contender | " + " | ".join(title for _, title, _ in COLUMNS) + " |",
             "|---|---|" + "---|" * len(COLUMNS)]
    for label, switch in SWITCHES:
        spec = contender_spec(init, switch)
        means = result["means"][spec]
        cells = [fmt.format(means[key]) for key, _, fmt in COLUMNS]
        lines.append(f"| {label} | `{spec}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--init", choices=("preview", "noise", "both"), default="both")
    parser.add_argument("--quality", default="standard")
    parser.add_argument("--only", default=None)
    parser.add_argument("--checkpoint", default=None, help="default: the shipped checkpoint")
    parser.add_argument("--out", type=Path, default=Path("bench-results/ablations"))
    args = parser.parse_args()

    from hvg.evaluate.bench import Contender, markdown_table, parse_contender, run_bench, suite_programs
    from hvg.evaluate.score import to_jsonable

    programs = suite_programs(ROOT / "benchmarks" / "suite", args.only)
    for init in ("preview", "noise") if args.init == "both" else (args.init,):
        contenders = []
        for _, switch in SWITCHES:
            parsed = parse_contender(contender_spec(init, switch))
            contenders.append(Contender(parsed.label, parsed.backend, args.checkpoint, parsed.options))
        result = run_bench(programs, contenders, args.quality,
                           progress=lambda line: print(f"  {line}", flush=True))
        out = args.out / init
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench.json").write_text(json.dumps(to_jsonable(result), indent=2, allow_nan=False))
        (out / "bench.md").write_text(markdown_table(result))
        print(f"\n### start: {init} ({args.quality} quality, {len(programs)} programs; suite means)\n")
        print(table(result, init), flush=True)


if __name__ == "__main__":
    main()
