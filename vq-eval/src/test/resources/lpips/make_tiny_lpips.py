#!/usr/bin/env python3
"""Writes tiny-lpips.pt, a TorchScript module with LPIPS's calling convention (two image batches in
[-1, 1], (N, C, H, W) -> distance (N, 1, 1, 1)), and tiny-lpips.json with its outputs on fixed
inputs. It is not LPIPS: a seeded random 3x3 conv + ReLU, unit-normalized over channels, squared
differences weighted by a 1x1 conv and averaged spatially, the same shape of computation. LpipsTest
checks that Java loads the file and reproduces these values.

Run with Debian's python3-torch 1.13:  /usr/bin/python3 make_tiny_lpips.py
"""
import json
import os

import torch


class TinyLpips(torch.nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        g = torch.Generator().manual_seed(1130)
        self.conv = torch.nn.Conv2d(channels, 8, 3, padding=1)
        self.lin = torch.nn.Conv2d(8, 1, 1, bias=False)
        with torch.no_grad():
            self.conv.weight.copy_(torch.randn(self.conv.weight.shape, generator=g) * 0.5)
            self.conv.bias.copy_(torch.randn(self.conv.bias.shape, generator=g) * 0.1)
            self.lin.weight.copy_(torch.rand(self.lin.weight.shape, generator=g))

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        fx = torch.relu(self.conv(x))
        fy = torch.relu(self.conv(y))
        fx = fx / (fx.pow(2).sum(dim=1, keepdim=True).sqrt() + 1e-10)
        fy = fy / (fy.pow(2).sum(dim=1, keepdim=True).sqrt() + 1e-10)
        return self.lin((fx - fy) ** 2).mean(dim=[2, 3], keepdim=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    module = torch.jit.script(TinyLpips(1).eval())
    module.save(os.path.join(here, "tiny-lpips.pt"))
    g = torch.Generator().manual_seed(7)
    x = torch.rand((3, 1, 16, 16), generator=g) * 2 - 1
    y = (x + 0.2 * torch.randn((3, 1, 16, 16), generator=g)).clamp(-1, 1)
    with torch.no_grad():
        d = module(x, y)
    with open(os.path.join(here, "tiny-lpips.json"), "w") as f:
        json.dump({"generator": "make_tiny_lpips.py, torch %s" % torch.__version__, "shape": [3, 1, 16, 16],
                   "x": x.flatten().tolist(), "y": y.flatten().tolist(), "distance": d.flatten().tolist()}, f)
    print(d.flatten().tolist())


if __name__ == "__main__":
    main()
