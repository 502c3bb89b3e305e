"""Fidelity against the procedural reference: PSNR and SSIM, per frame."""
from __future__ import annotations

import numpy as np

PSNR_CAP_DB = 100.0  # identical frames have infinite PSNR; cap it so means stay finite


def psnr_per_frame(video: np.ndarray, reference: np.ndarray, peak: float = 255.0) -> np.ndarray:
    """(n,) PSNR in dB of each frame of `video` against `reference` (both (n, h, w, 3)), capped at 100 dB."""
    _check_same_shape(video, reference)
    diff = video.astype(np.float64) - reference.astype(np.float64)
    mse = (diff ** 2).reshape(len(video), -1).mean(axis=1)
    with np.errstate(divide="ignore"):
        value = 10.0 * np.log10(peak ** 2 / mse)
    return np.minimum(value, PSNR_CAP_DB)


def psnr_video(video: np.ndarray, reference: np.ndarray, peak: float = 255.0) -> float:
    """PSNR in dB of the whole video: the mean squared error over all frames, then the log (capped at 100 dB).

    Unlike a mean of per-frame PSNRs, a few identical frames cannot hide bad ones."""
    _check_same_shape(video, reference)
    mse = float(((video.astype(np.float64) - reference.astype(np.float64)) ** 2).mean())
    return PSNR_CAP_DB if mse == 0 else min(10.0 * np.log10(peak ** 2 / mse), PSNR_CAP_DB)


def ssim_per_frame(video: np.ndarray, reference: np.ndarray, peak: float = 255.0) -> np.ndarray:
    """(n,) SSIM of each frame (Wang et al. 2004): gaussian window 11x11, sigma 1.5, K1 0.01, K2 0.03.

    Computed per colour channel and averaged; the 5-pixel border where the window leaves the image is dropped
    (the reference implementation's 'valid' filtering).
    """
    import cv2
    _check_same_shape(video, reference)
    c1, c2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    scores = np.empty(len(video))
    for k, (x, y) in enumerate(zip(video, reference)):
        x, y = x.astype(np.float64), y.astype(np.float64)
        blur = lambda a: cv2.GaussianBlur(a, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)[5:-5, 5:-5]
        mu_x, mu_y = blur(x), blur(y)
        var_x = blur(x * x) - mu_x ** 2
        var_y = blur(y * y) - mu_y ** 2
        cov = blur(x * y) - mu_x * mu_y
        ssim_map = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2))
        scores[k] = ssim_map.mean()
    return scores


def _check_same_shape(video: np.ndarray, reference: np.ndarray) -> None:
    if video.shape != reference.shape:
        raise ValueError(f"video {video.shape} and reference {reference.shape} differ in shape")
