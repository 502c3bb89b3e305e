"""Control accuracy of the preview's own renders read back from mp4 (H.264, yuv420p), over the benchmark suite.

    .venv/bin/python benchmarks/eval_mp4_suite.py [--only TEXT]

Prints, per program, mean IoU and the share of instance-frames with IoU >= 0.5 for the frames as rendered and
for the same frames written to mp4 and read back, then the means. The detector's configuration is chosen on the
reference as rendered and with its colour at half resolution; this checks the choice holds through a real codec.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

SUITE = Path(__file__).resolve().parents[1] / "benchmarks" / "suite"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="only programs whose file name contains this text")
    args = parser.parse_args()
    from hvg.evaluate.cli_support import compile_program
    from hvg.evaluate.pipeline import evaluate_video, plan_from_scene
    from hvg.video.io import read_video, write_video

    rows = []
    for program in sorted(SUITE.glob("*.scene")):
        if args.only and args.only not in program.name:
            continue
        plan = plan_from_scene(compile_program(program))
        frames = plan.truth.reference
        with tempfile.TemporaryDirectory() as folder:
            video = Path(folder) / "video.mp4"
            write_video(frames, video, int(round(plan.truth.fps)), force=True)
            decoded = read_video(video)[0]
        raw = evaluate_video(plan, frames).summary["control"]
        coded = evaluate_video(plan, decoded).summary["control"]
        rows.append((raw["mean_iou"], raw["share_iou_50"], coded["mean_iou"], coded["share_iou_50"]))
        print(f"{program.name:34s} raw IoU {rows[-1][0]:.3f} (>=.5 {rows[-1][1]:.3f})   "
              f"mp4 IoU {rows[-1][2]:.3f} (>=.5 {rows[-1][3]:.3f})", flush=True)
    means = np.nanmean(np.array(rows, float), axis=0)
    print(f"{'mean':34s} raw IoU {means[0]:.3f} (>=.5 {means[1]:.3f})   mp4 IoU {means[2]:.3f} (>=.5 {means[3]:.3f})")


if __name__ == "__main__":
    main()
