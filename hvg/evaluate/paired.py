"""Two contenders scored on the same programs: is B's score different from A's beyond what the programs' spread allows?

Benchmark claims such as "the pyramid is at equal or better control than full resolution" compare two means over a
few dozen programs whose scores vary far more from program to program than between the contenders. The comparison
is therefore paired (per program, B - A): the mean difference with a bootstrap confidence interval over programs
(scipy's BCa), and a two-sided sign-flip permutation test of "no difference". `benchmarks/paired.py` runs it on
`hvg bench` results.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PairedComparison:
    n: int                  # programs scored by both
    mean_a: float
    mean_b: float
    difference: float       # mean of B - A
    low: float              # confidence interval of the mean difference
    high: float
    p_value: float          # two-sided, H0: the difference's sign is random (no effect)
    confidence: float
    higher_is_better: bool = True

    def verdict(self, margin: float = 0.0) -> str:
        """B against A from the interval: 'better', 'no worse than margin' (a non-inferiority margin > 0),
        'worse', else 'not distinguishable'. For a metric where lower is better (flicker, seams, seconds) the
        interval is read the other way round."""
        low, high = (self.low, self.high) if self.higher_is_better else (-self.high, -self.low)
        if low > 0:
            return "better"
        if margin > 0 and low >= -margin:
            return f"no worse than {margin:g}"
        if high < 0:
            return "worse"
        return "not distinguishable"


def compare_paired(a, b, *, confidence: float = 0.95, resamples: int = 9999, seed: int = 0,
                   higher_is_better: bool = True) -> PairedComparison:
    """Scores `a` and `b` of the same programs, in the same order; NaN pairs (a program one contender could not be
    scored on) are left out. Deterministic for a given `seed`."""
    from scipy import stats

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired scores must have the same length, not {a.shape} and {b.shape}")
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    if len(a) < 3:
        raise ValueError(f"a paired comparison needs at least 3 programs scored by both, not {len(a)}")
    d = b - a
    if np.allclose(d, d[0]):        # no spread: the bootstrap is degenerate and the answer exact
        low = high = float(d[0])
        p = 1.0 if d[0] == 0 else float(2 * 0.5 ** len(d))
    else:
        rng = np.random.default_rng(seed)
        interval = stats.bootstrap((d,), np.mean, confidence_level=confidence, n_resamples=resamples,
                                   method="BCa", random_state=rng).confidence_interval
        low, high = float(interval.low), float(interval.high)
        p = float(stats.permutation_test((d,), np.mean, permutation_type="samples", n_resamples=resamples,
                                         alternative="two-sided", random_state=rng).pvalue)
    return PairedComparison(n=len(d), mean_a=float(a.mean()), mean_b=float(b.mean()), difference=float(d.mean()),
                            low=low, high=high, p_value=p, confidence=confidence, higher_is_better=higher_is_better)
