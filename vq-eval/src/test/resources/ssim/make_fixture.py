#!/usr/bin/env python3
"""Writes ssim_fixture.json: image pairs in [0, 1] and their SSIM from scikit-image, the standard
settings: gaussian_weights=True, sigma=1.5 (11-tap window with skimage's truncate=3.5),
use_sample_covariance=False, data_range=1, K1=0.01, K2=0.03, channels averaged (channel_axis=0).
skimage filters with mode='reflect' and then crops (win_size - 1) / 2 = 5 pixels from every side
before averaging, i.e. the mean over the 'valid' region; SsimTest reads the file.

Run with Debian's python3 (python3-skimage 0.19):  /usr/bin/python3 make_fixture.py
"""
import json
import os

import numpy as np
import skimage
from skimage.metrics import structural_similarity


def ssim(a, b):
    return float(structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                       data_range=1.0, channel_axis=0))


def main():
    rng = np.random.default_rng(1130)
    cases = []
    for channels, h, w, noise in [(1, 32, 32, 0.1), (3, 32, 32, 0.05), (1, 28, 20, 0.3), (3, 16, 24, 0.02)]:
        a = rng.uniform(size=(channels, h, w))
        # smooth structure plus noise, so the score is neither ~0 nor ~1
        yy, xx = np.mgrid[0:h, 0:w]
        a = 0.5 * a + 0.5 * (0.5 + 0.5 * np.sin(xx / 3.0 + yy / 5.0))[None]
        b = np.clip(a + noise * rng.normal(size=a.shape), 0, 1)
        a = a.astype(np.float32).astype(np.float64)  # values Java reads exactly as float32
        b = b.astype(np.float32).astype(np.float64)
        cases.append({"shape": [channels, h, w], "a": a.ravel().tolist(), "b": b.ravel().tolist(), "ssim": ssim(a, b)})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ssim_fixture.json")
    with open(out, "w") as f:
        json.dump({"generator": "make_fixture.py, scikit-image %s" % skimage.__version__, "cases": cases}, f)
    for c in cases:
        print(c["shape"], c["ssim"])


if __name__ == "__main__":
    main()
