#!/usr/bin/env python3
"""Writes frechet_fixture.json: small feature sets and their Frechet distances computed the way
pytorch-fid does (np.mean / np.cov(rowvar=False), scipy.linalg.sqrtm of sigma1 @ sigma2, eps*I
retry when the square root is not finite, real part taken). FrechetDistanceTest reads it.

Run with Debian's python3 (numpy 1.24, scipy 1.10):  /usr/bin/python3 make_fixture.py
"""
import json
import os

import numpy as np
from scipy import linalg


def pytorch_fid_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    retried = False
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
        retried = True
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError("imaginary component %s" % np.max(np.abs(covmean.imag)))
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)), retried


def symmetric_form_distance(mu1, sigma1, mu2, sigma2):
    """tr sqrt(S1 S2) through sqrt(S1) S2 sqrt(S1): the form the Java code uses, for comparison."""
    w, v = np.linalg.eigh(sigma1)
    root1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = root1 @ sigma2 @ root1
    m = (m + m.T) / 2
    tr = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(m), 0, None)))
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * tr)


def case(name, a, b):
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    fid, retried = pytorch_fid_distance(mu1, s1, mu2, s2)
    return {"name": name, "a": a.tolist(), "b": b.tolist(), "fid": fid, "retried": retried,
            "fid_symmetric_form": symmetric_form_distance(mu1, s1, mu2, s2),
            "mean_a": mu1.tolist(), "cov_a": s1.tolist()}


def main():
    rng = np.random.default_rng(20261130)
    cases = []
    # well conditioned, different means and covariances
    a = rng.normal(size=(200, 8))
    b = rng.normal(size=(150, 8)) @ rng.normal(size=(8, 8)) * 0.7 + 0.5
    cases.append(case("gaussian-d8", a, b))
    # correlated features with an offset, few samples relative to dims
    mix = rng.normal(size=(16, 16))
    a = rng.normal(size=(40, 16)) @ mix + 3.0
    b = rng.normal(size=(33, 16)) @ mix * 1.1 + 2.5
    cases.append(case("correlated-d16", a, b))
    # near-singular: both sets live (up to 1e-7 noise) in different 4-dim subspaces of 12 dims
    a = rng.normal(size=(60, 4)) @ rng.normal(size=(4, 12)) + 1e-7 * rng.normal(size=(60, 12))
    b = rng.normal(size=(50, 4)) @ rng.normal(size=(4, 12)) + 1e-7 * rng.normal(size=(50, 12))
    cases.append(case("near-singular-d12", a, b))
    # nonnegative, ReLU-like features (as a classifier's penultimate layer gives)
    a = np.maximum(rng.normal(size=(120, 6)), 0)
    b = np.maximum(rng.normal(loc=0.3, size=(100, 6)), 0)
    cases.append(case("relu-d6", a, b))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "frechet_fixture.json")
    with open(out, "w") as f:
        json.dump({"generator": "make_fixture.py, numpy %s, scipy %s" % (np.__version__, __import__("scipy").__version__),
                   "cases": cases}, f)
    for c in cases:
        print(c["name"], c["fid"], "symmetric form", c["fid_symmetric_form"], "retried", c["retried"])


if __name__ == "__main__":
    main()
