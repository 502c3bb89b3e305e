"""Paired comparison of two contenders of `hvg bench` runs, per program (hvg.evaluate.paired).

    .venv/bin/python benchmarks/paired.py --a 'builtin:init=noise,pyramid=off' --b 'builtin:init=noise' \\
        [--metric iou] [--margin 0.01] RUN/bench.json [RUN2/bench.json ...]

Each bench.json (one suite or set of programs) gets a row, and all of them pooled a last one: the programs both
contenders were scored on, the two means, the mean of B - A with its 95% bootstrap interval over programs, the
sign-flip permutation p-value, and the verdict (with --margin: whether B is no worse than A by more than it;
for flicker, warp, epe, seam, jumps and seconds lower is better).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

LOWER_IS_BETTER = {"flicker", "warp", "epe", "seam", "jumps", "render_s", "eval_s"}


def scores(bench: dict, label: str, metric: str) -> list[float]:
    labels = [c["label"] for c in bench["contenders"]]
    if label not in labels:
        raise SystemExit(f"no contender `{label}` in this bench.json; it has: {', '.join(labels)}")
    return [float("nan") if (v := row["results"][label].get(metric)) is None else float(v) for row in bench["programs"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, help="bench.json files")
    parser.add_argument("--a", required=True, help="the reference contender's label")
    parser.add_argument("--b", required=True, help="the contender compared with it")
    parser.add_argument("--metric", default="iou", help="a per-program metric of bench.json (iou, hit, flicker...)")
    parser.add_argument("--margin", type=float, default=0.0, help="non-inferiority margin for the verdict")
    args = parser.parse_args()

    from hvg.evaluate.paired import compare_paired

    print(f"| programs | n | A: {args.a} | B: {args.b} | B - A | 95% interval | p | verdict |")
    print("|---|---|---|---|---|---|---|---|")
    pooled_a, pooled_b = [], []
    higher = args.metric not in LOWER_IS_BETTER
    for path in args.runs:
        bench = json.loads(path.read_text())
        a, b = scores(bench, args.a, args.metric), scores(bench, args.b, args.metric)
        pooled_a += a
        pooled_b += b
        print(row(str(path.parent.name or path), compare_paired(a, b, higher_is_better=higher), args.margin))
    if len(args.runs) > 1:
        print(row("**all**", compare_paired(pooled_a, pooled_b, higher_is_better=higher), args.margin))


def row(name: str, c, margin: float) -> str:
    return (f"| {name} | {c.n} | {c.mean_a:.3f} | {c.mean_b:.3f} | {c.difference:+.3f} | "
            f"[{c.low:+.3f}, {c.high:+.3f}] | {c.p_value:.2f} | {c.verdict(margin)} |")


if __name__ == "__main__":
    main()
