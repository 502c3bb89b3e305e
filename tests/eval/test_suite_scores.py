"""The detector's ceiling over the whole benchmark suite: the preview's own renders, scored like any video.

Slow (the whole suite, about a minute): run with `bash scripts/test.sh --slow`. It guards the detector against
regressions on styles and backgrounds the fast tests do not see.
"""
from pathlib import Path

import numpy as np
import pytest

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "suite"


@pytest.mark.slow
def test_the_preview_scores_well_across_the_suite():
    from hvg.evaluate.bench import Contender, run_bench
    bench = run_bench(sorted(SUITE.glob("*.scene")), [Contender("preview", "preview")])
    rows = [p["results"]["preview"] for p in bench["programs"]]
    ious = np.array([r["iou"] for r in rows])
    assert bench["means"]["preview"]["iou"] >= 0.95
    assert bench["means"]["preview"]["hit"] >= 0.99
    assert ious.min() >= 0.85
    assert all(r["psnr"] == 100.0 and r["jumps"] == 0 for r in rows)
    cosines = np.array([r["cos"] for r in rows], dtype=float)
    assert np.nanmin(cosines) > 0.6
