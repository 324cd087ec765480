#!/usr/bin/python3
"""Golden values of the diffusion transformer and its sampler from the PyTorch peer
(diffusion_step.py), for vq-models' DiffusionGoldenTest.

Builds a tiny DiT (4 channels at 4x4, patch 2, width 16, 1 block, 2 heads, 3 classes) with every
weight drawn at random (the zero-initialized layers too, so every path counts), runs it on fixed
latents, times and classes (the "no class" row included), and samples with Heun, 3 steps,
guidance 2 on the first 2 channels. Writes one .npz: param_NN in vqlc's parameter order (the
class table first, then the layers as registered), x, t, y, out, noise, classes, sample.

    /usr/bin/python3 vq-bench/scripts/pytorch/dit_golden.py vq-models/src/test/resources/diffusion/dit-golden.npz
"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diffusion_step import DiT, sample  # noqa: E402


def main():
    out = sys.argv[1]
    torch.manual_seed(7)
    model = DiT(channels=4, grid=4, patch=2, w=16, depth=1, heads=2, classes=3)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.2)
    model.eval()
    named = list(model.named_parameters())
    ordered = [p for n, p in named if n == "y"] + [p for n, p in named if n != "y"]
    arrays = {"param_%02d" % i: p.detach().numpy() for i, p in enumerate(ordered)}
    x = torch.randn(4, 4, 4, 4)
    t = torch.tensor([0.0, 0.3, 0.7, 1.0])
    y = torch.tensor([0, 2, 1, 3])  # 3 = no class
    with torch.no_grad():
        arrays["out"] = model(x, t, y).numpy()
    noise = torch.randn(2, 4, 4, 4)
    classes = torch.tensor([1, 2])
    arrays["sample"] = sample(model, noise, classes, 3, "heun", 2.0, 3, 2).numpy()
    arrays.update(x=x.numpy(), t=t.numpy(), y=y.numpy(), noise=noise.numpy(), classes=classes.numpy())
    np.savez(out, **arrays)
    print("wrote %s: %d parameters arrays, torch %s" % (out, len(ordered), torch.__version__))


if __name__ == "__main__":
    main()
