"""Statistical tests of the initial noise: exact N(0, 1) marginals, independence within a frame, the designed
correlation along trajectories and across the block seam, determinism under a seed.

Tolerances come from the sample size N: a mean has standard error 1/sqrt(N), a variance sqrt(2/N), a correlation
(1 - r²)/sqrt(N). We allow 5 standard errors (a false alarm about once in 3.5 million per check).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from hvg.lower.noise import (downsample_flow, freenoise, iid_noise, make_noise, transport_sources, warped_noise)

CHANNELS, FRAMES, SIZE = 4, 8, 32
SEEDS = range(16)
RHO = 0.8


def translation_flow(dx: float, dy: float, frames: int = FRAMES, size: int = SIZE) -> torch.Tensor:
    """Backward flow of content moving by (dx, dy) grid cells a frame: frame_k(p) = frame_{k-1}(p - (dx, dy))."""
    flow = torch.zeros(frames, size, size, 2)
    flow[..., 0], flow[..., 1] = -dx, -dy
    return flow


def zoom_flow(factor: float, frames: int = FRAMES, size: int = SIZE) -> torch.Tensor:
    """Backward flow of a zoom-in about the centre: many targets round to the same source (needs de-duplication)."""
    coords = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    ys, xs = torch.meshgrid(coords, coords, indexing="ij")
    flow = torch.stack([xs / factor - xs, ys / factor - ys], dim=-1)
    return flow.expand(frames, size, size, 2).clone()


def noise_over_seeds(kind: str, flow: torch.Tensor, **kwargs) -> torch.Tensor:
    """(seeds, c, t, h, w) stacked over independent seeds."""
    shape = (CHANNELS, *flow.shape[:3])
    return torch.stack([make_noise(kind, shape, generator=torch.Generator().manual_seed(seed), flow=flow,
                                   correlation=RHO, **kwargs) for seed in SEEDS])


def correlation(a: torch.Tensor, b: torch.Tensor) -> tuple[float, int]:
    a, b = a.reshape(-1).double(), b.reshape(-1).double()
    return float(torch.corrcoef(torch.stack([a, b]))[0, 1]), a.numel()


def assert_standard_normal_frames(noise: torch.Tensor) -> None:
    for frame in range(noise.shape[2]):
        values = noise[:, :, frame].reshape(-1).double()
        n = values.numel()
        assert abs(values.mean().item()) < 5 / math.sqrt(n), f"frame {frame} mean {values.mean():.4f}"
        assert abs(values.var().item() - 1) < 5 * math.sqrt(2 / n), f"frame {frame} variance {values.var():.4f}"


@pytest.fixture(scope="module")
def translated() -> torch.Tensor:
    return noise_over_seeds("warped", translation_flow(1, 0))


@pytest.fixture(scope="module")
def zoomed() -> torch.Tensor:
    return noise_over_seeds("warped", zoom_flow(1.3))


# ---------------------------------------------------------------------------------------------------------------
# Marginals
# ---------------------------------------------------------------------------------------------------------------

def test_every_frame_has_mean_0_and_variance_1(translated, zoomed):
    assert_standard_normal_frames(translated)
    assert_standard_normal_frames(zoomed)


def test_last_frame_passes_a_kolmogorov_smirnov_test_of_normality(translated, zoomed):
    for noise in (translated, zoomed):
        sample = noise[:, :, -1].reshape(-1).numpy()
        assert stats.kstest(sample, "norm").pvalue > 0.01


def test_neighbouring_pixels_within_a_frame_are_uncorrelated(translated, zoomed):
    for noise in (translated, zoomed):
        last = noise[:, :, -1]                                     # (seeds, c, h, w)
        for a, b in ((last[..., :, 1:], last[..., :, :-1]), (last[..., 1:, :], last[..., :-1, :])):
            r, n = correlation(a, b)
            assert abs(r) < 4 / math.sqrt(n), f"neighbour correlation {r:.4f} over {n} pairs"


def test_without_deduplication_a_zoom_would_correlate_neighbours():
    # The check above can fail: copying the previous frame without de-duplication repeats pixels.
    source, owns = transport_sources(zoom_flow(1.3)[0])
    assert source.unique().numel() < source.numel()          # the zoom maps several targets to one source
    assert source[owns].unique().numel() == int(owns.sum())  # but each source feeds at most one owner


# ---------------------------------------------------------------------------------------------------------------
# Correlation along trajectories
# ---------------------------------------------------------------------------------------------------------------

def test_correlation_along_a_translation_is_rho_per_frame(translated):
    for lag in (1, 2, 3):
        later, earlier = translated[:, :, lag:, :, lag:], translated[:, :, :-lag, :, :-lag]
        r, n = correlation(later, earlier)
        expected = RHO ** lag
        assert abs(r - expected) < 5 * (1 - expected ** 2) / math.sqrt(n) + 1e-3, f"lag {lag}: r={r:.4f}"


def test_correlation_at_the_same_pixel_is_zero_when_things_move(translated):
    # Moving content does not drag noise with it at a fixed pixel: r(z_k(p), z_{k-1}(p)) = 0 (the source is p-1).
    r, n = correlation(translated[:, :, 1:], translated[:, :, :-1])
    assert abs(r) < 4 / math.sqrt(n)


def test_iid_noise_has_no_correlation_along_trajectories():
    noise = noise_over_seeds("iid", translation_flow(1, 0))
    r, n = correlation(noise[:, :, 1:, :, 1:], noise[:, :, :-1, :, :-1])
    assert abs(r) < 4 / math.sqrt(n)


def test_first_frame_continues_the_previous_block_across_the_seam():
    flow = translation_flow(0, 1)                            # moving down one cell a frame
    firsts, seconds = [], []
    for seed in SEEDS:
        generator = torch.Generator().manual_seed(seed)
        firsts.append(warped_noise(flow, CHANNELS, generator=generator, correlation=RHO))
        seconds.append(warped_noise(flow, CHANNELS, generator=generator, correlation=RHO,
                                    previous_last=firsts[-1][:, -1]))
    last, first = torch.stack(firsts)[:, :, -1], torch.stack(seconds)[:, :, 0]   # (seeds, c, h, w)
    r, n = correlation(first[..., 1:, :], last[..., :-1, :])
    assert abs(r - RHO) < 5 * (1 - RHO ** 2) / math.sqrt(n) + 1e-3
    # The row that enters the frame has no source: fresh noise, uncorrelated with the previous block.
    r_top, n_top = correlation(first[..., 0, :], last[..., 0, :])
    assert abs(r_top) < 4 / math.sqrt(n_top)


def test_without_a_previous_block_the_first_frame_is_fresh():
    flow = translation_flow(1, 0)
    generator = torch.Generator().manual_seed(3)
    noise = warped_noise(flow, CHANNELS, generator=generator, correlation=RHO)
    reference = iid_noise((CHANNELS, *flow.shape[:3]), generator=torch.Generator().manual_seed(3))
    assert torch.equal(noise[:, 0], reference[:, 0])


def test_still_flow_with_full_correlation_repeats_the_first_frame():
    noise = warped_noise(torch.zeros(4, 8, 8, 2), 2, generator=torch.Generator().manual_seed(0), correlation=1.0)
    assert torch.equal(noise[:, 3], noise[:, 0])


def test_zero_correlation_is_the_iid_draw():
    flow = translation_flow(1, 1)
    warped = warped_noise(flow, CHANNELS, generator=torch.Generator().manual_seed(5), correlation=0.0)
    iid = iid_noise((CHANNELS, *flow.shape[:3]), generator=torch.Generator().manual_seed(5))
    assert torch.allclose(warped, iid)


# ---------------------------------------------------------------------------------------------------------------
# Transport details
# ---------------------------------------------------------------------------------------------------------------

def test_sources_outside_the_frame_or_not_finite_get_fresh_noise():
    flow = torch.zeros(6, 6, 2)
    flow[:, :, 0] = -2                                       # content moves right: the left two columns are new
    flow[5, 5] = float("nan")
    source, owns = transport_sources(flow)
    owns = owns.reshape(6, 6)
    assert not owns[:, :2].any() and not owns[5, 5]
    assert owns[:5, 2:].all()
    assert torch.equal(source.reshape(6, 6)[0, 2:], torch.arange(0, 4))


def test_a_shared_source_goes_to_the_target_that_lands_nearest():
    flow = torch.zeros(1, 3, 2)
    flow[0, 1, 0] = -0.6                                     # pixel 1 reads 0.4 -> rounds to 0, 0.4 away
    flow[0, 2, 0] = -1.9                                     # pixel 2 reads 0.1 -> rounds to 0, 0.1 away
    flow[0, 0, 0] = 0.2                                      # pixel 0 reads 0.2 -> rounds to 0, 0.2 away
    source, owns = transport_sources(flow)
    assert source.tolist() == [0, 0, 0] and owns.tolist() == [False, False, True]


# ---------------------------------------------------------------------------------------------------------------
# FreeNoise, flow helper, seeds
# ---------------------------------------------------------------------------------------------------------------

def test_freenoise_reuses_base_frames_shuffled_within_groups():
    noise = freenoise((2, 20, 4, 4), generator=torch.Generator().manual_seed(1), window=8, stride=4)
    base = noise[:, :8]
    for frame in range(8, 20):
        matches = [k for k in range(8) if torch.equal(noise[:, frame], base[:, k])]
        assert len(matches) == 1
        assert matches[0] // 4 == (frame % 8) // 4            # stays in its local group of `stride` frames
    assert not torch.equal(noise[:, 8:16], base)              # shuffled, not a plain repeat (seed 1)
    assert_standard_normal_frames(torch.stack([
        freenoise((CHANNELS, 12, SIZE, SIZE), generator=torch.Generator().manual_seed(s), window=4) for s in SEEDS]))


def test_downsample_flow_averages_and_rescales():
    flow = np.zeros((2, 16, 16, 2), dtype=np.float32)
    flow[:, :8, :8, 0] = 8.0                                  # top-left quarter moves 8 pixels
    grid = downsample_flow(flow, 8)
    assert grid.shape == (2, 2, 2, 2)
    assert grid[0, 0, 0, 0].item() == 1.0 and grid[0, 1, 1, 0].item() == 0.0
    with pytest.raises(ValueError):
        downsample_flow(np.zeros((1, 12, 12, 2)), 8)


@pytest.mark.parametrize("kind", ["warped", "freenoise", "iid"])
def test_same_seed_same_noise_and_different_seeds_differ(kind):
    flow = translation_flow(0.5, 0.25)
    shape = (CHANNELS, *flow.shape[:3])

    def draw(seed):
        return make_noise(kind, shape, generator=torch.Generator().manual_seed(seed), flow=flow)
    assert torch.equal(draw(7), draw(7))
    assert not torch.allclose(draw(7), draw(8))


def test_make_noise_explains_bad_arguments():
    with pytest.raises(ValueError, match="needs the block's flow"):
        make_noise("warped", (1, 2, 4, 4), generator=torch.Generator())
    with pytest.raises(ValueError, match="does not match"):
        make_noise("warped", (1, 2, 4, 4), generator=torch.Generator(), flow=torch.zeros(3, 4, 4, 2))
    with pytest.raises(ValueError, match="unknown noise kind"):
        make_noise("pink", (1, 2, 4, 4), generator=torch.Generator())  # type: ignore[arg-type]


def test_measured_trajectory_correlation_follows_the_chain(translated):
    from hvg.lower.noise_stats import neighbour_correlation, same_pixel_correlation, trajectory_correlation
    noise = translated[0]                                           # one seed: (c, t, h, w)
    measured = trajectory_correlation(noise, translation_flow(1, 0), max_lag=3, radius=0)
    n = CHANNELS * (SIZE - 3) * SIZE * (FRAMES - 3)                  # the fewest pairs, at lag 3
    for lag, r in enumerate(measured, start=1):
        assert abs(r - RHO ** lag) < 5 / math.sqrt(n), (lag, r)
    iid = noise_over_seeds("iid", translation_flow(1, 0))[0]
    assert all(abs(r) < 5 / math.sqrt(n) for r in trajectory_correlation(iid, translation_flow(1, 0), 3, radius=0))
    assert abs(neighbour_correlation(noise)) < 5 / math.sqrt(noise.numel())
    assert abs(same_pixel_correlation(noise)) < 5 / math.sqrt(noise.numel() / 2)


def test_ownership_invariants_hold_for_any_flow():
    # For arbitrary flows (random, large, fractional, some NaN), owners read distinct in-frame pixels, and the
    # rounded source of every owner is where its flow points.
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(st.integers(1, 9), st.integers(1, 9), st.floats(0.1, 12.0), st.integers(0, 2 ** 31 - 1))
    def check(height, width, spread, seed):
        generator = torch.Generator().manual_seed(seed)
        flow = torch.randn(2, height, width, 2, generator=generator) * spread
        flow[0, 0, 0, 0] = float("nan")
        source, owns = transport_sources(flow)
        assert source.shape == owns.shape == (2, height * width)
        assert not owns[0, 0]
        for frame in range(2):
            owned = source[frame][owns[frame]]
            assert owned.unique().numel() == owned.numel()
            assert bool(((owned >= 0) & (owned < height * width)).all())
            ys, xs = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
            target_x = torch.round(xs + flow[frame, ..., 0]).reshape(-1)[owns[frame]]
            target_y = torch.round(ys + flow[frame, ..., 1]).reshape(-1)[owns[frame]]
            assert torch.equal(owned, (target_y * width + target_x).long())
            # Every in-frame source someone points at has exactly one owner.
            inside = ((torch.round(xs + flow[frame, ..., 0]) >= 0) & (torch.round(xs + flow[frame, ..., 0]) < width)
                      & (torch.round(ys + flow[frame, ..., 1]) >= 0) & (torch.round(ys + flow[frame, ..., 1]) < height))
            claimed = source[frame][inside.reshape(-1) & torch.isfinite(flow[frame]).all(-1).reshape(-1)]
            assert claimed.unique().numel() == owned.numel()
    check()


def test_slow_motion_still_carries_the_noise():
    # 0.3 cells a frame: per-frame rounding alone would never move the noise. Over 10 frames the content moves
    # 3 cells; the noise must have moved with it (correlation rho^10 there) and not stayed put (0 at the same pixel).
    from hvg.lower.noise_stats import trajectory_correlation
    frames, lag = 14, 10
    flow = translation_flow(0.3, 0, frames=frames)
    noise = noise_over_seeds("warped", flow)                          # (seeds, c, t, h, w)
    later, earlier = noise[:, :, lag:, :, 3:], noise[:, :, :-lag, :, :-3]
    r, n = correlation(later, earlier)
    assert abs(r - RHO ** lag) < 5 * (1 - RHO ** (2 * lag)) / math.sqrt(n) + 0.02, r
    r_still, n_still = correlation(noise[:, :, lag:], noise[:, :, :-lag])
    assert abs(r_still) < 4 / math.sqrt(n_still)
    assert_standard_normal_frames(noise)


@pytest.mark.parametrize("speed", [0.07, 0.3, 0.5, 0.8, 1.3])
def test_noise_follows_diagonal_motion_of_any_speed(speed):
    # Along the true path (flow integrated at continuous points), within one cell: rho^lag at every lag. Plain
    # per-frame rounding fails this beyond a few frames (it keeps the noise still or moves it a whole cell a frame).
    from hvg.lower.noise_stats import trajectory_correlation
    frames, max_lag = 16, 8
    flow = torch.zeros(frames, SIZE, SIZE, 2)
    flow[..., 0], flow[..., 1] = -speed, -speed / 2
    measured = torch.tensor([trajectory_correlation(
        warped_noise(flow, CHANNELS, generator=torch.Generator().manual_seed(seed), correlation=0.9), flow, max_lag)
        for seed in range(2)]).mean(0)
    design = torch.tensor([0.9 ** lag for lag in range(1, max_lag + 1)])
    # Pixels entering at the frame edges start fresh and the 3x3 sum adds a little estimation noise.
    assert bool(((measured / design) > 0.85).all()), (measured / design).tolist()
    assert bool(((measured / design) < 1.1).all()), (measured / design).tolist()
