"""The paired comparison behind benchmark claims: it must find a real difference, and not invent one."""
import math

import numpy as np
import pytest

from hvg.evaluate.paired import PairedComparison, compare_paired


def programs(seed: int, n: int = 30) -> np.ndarray:
    """Per-program scores that vary far more between programs (0.2..0.9) than any effect tested here."""
    return np.random.default_rng(seed).uniform(0.2, 0.9, n)


def test_a_small_real_improvement_is_found():
    for seed in range(20):
        a = programs(seed)
        b = a + 0.03 + np.random.default_rng(100 + seed).normal(0, 0.02, a.size)
        result = compare_paired(a, b, resamples=1999, seed=seed)
        assert result.low > 0, result
        assert result.p_value < 0.01
        assert result.verdict() == "better"
        assert result.difference == pytest.approx((b - a).mean())


def test_no_difference_is_rarely_called_one():
    """Under no effect the 95% interval covers 0 about 95% of the time and p < 0.05 about 5% of the time."""
    covered, significant, trials = 0, 0, 60
    for seed in range(trials):
        a = programs(seed)
        b = a + np.random.default_rng(1000 + seed).normal(0, 0.02, a.size)
        result = compare_paired(a, b, resamples=1999, seed=seed)
        covered += result.low <= 0 <= result.high
        significant += result.p_value < 0.05
    assert covered / trials >= 0.85
    assert significant / trials <= 0.15


def test_the_spread_between_programs_does_not_hide_a_paired_effect():
    """An unpaired view (two means 0.01 apart, programs spread over 0.7) could not see it; the paired one does."""
    a = programs(7, n=40)
    b = a + 0.01 + np.random.default_rng(8).normal(0, 0.003, a.size)
    assert compare_paired(a, b, resamples=1999).verdict() == "better"


def test_a_worse_contender_and_a_non_inferiority_margin():
    a = programs(3)
    b = a - 0.004 + np.random.default_rng(4).normal(0, 0.002, a.size)
    result = compare_paired(a, b, resamples=1999)
    assert result.verdict() == "worse"
    assert result.verdict(margin=0.01) == "no worse than 0.01"
    assert result.verdict(margin=0.001) == "worse"


def test_nan_pairs_are_left_out_and_bad_input_is_refused():
    a, b = [0.5, 0.6, float("nan"), 0.7, 0.4], [0.55, 0.62, 0.9, float("nan"), 0.47]
    result = compare_paired(a, b, resamples=999)
    assert result.n == 3
    assert result.mean_a == pytest.approx(0.5)
    with pytest.raises(ValueError, match="same length"):
        compare_paired([0.1, 0.2, 0.3], [0.1, 0.2])
    with pytest.raises(ValueError, match="at least 3"):
        compare_paired([0.1, float("nan"), 0.3], [0.2, 0.2, float("nan")])


def test_identical_contenders_are_exactly_equal():
    a = programs(5)
    result = compare_paired(a, a.copy())
    assert (result.difference, result.low, result.high, result.p_value) == (0.0, 0.0, 0.0, 1.0)
    assert result.verdict() == "not distinguishable"


def test_same_seed_same_interval():
    a = programs(11)
    b = a + np.random.default_rng(12).normal(0.005, 0.02, a.size)
    first, second = compare_paired(a, b, resamples=999, seed=3), compare_paired(a, b, resamples=999, seed=3)
    assert first == second
    assert isinstance(first, PairedComparison) and not math.isnan(first.low)


def test_where_lower_is_better_a_drop_is_an_improvement():
    a = programs(21)
    b = a - 0.02 + np.random.default_rng(22).normal(0, 0.005, a.size)
    assert compare_paired(a, b, resamples=999).verdict() == "worse"
    lower = compare_paired(a, b, resamples=999, higher_is_better=False)
    assert lower.verdict() == "better" and lower.difference < 0
    assert compare_paired(b, a, resamples=999, higher_is_better=False).verdict(margin=0.05) == "no worse than 0.05"
