"""Writes tiny-lpips.pt: an LPIPS-shaped TorchScript module for vqlc's tests (not a real LPIPS).

forward(x, y): x, y (N, 3, S, S) in [-1, 1] -> (N, 1, 1, 1) distances: unit-normalised conv
features, squared difference, weighted by a 1x1 "lin" layer, spatially averaged. Traced in eval
mode like a real export (docs/pretrained.md). Also records the distance of two fixed inputs.
Run: /usr/bin/python3 make_tiny_lpips.py   (torch 1.13 from Debian python3-torch)
"""
import numpy as np
import torch

torch.manual_seed(0)


class TinyLpips(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU())
        self.lin = torch.nn.Conv2d(8, 1, 1, bias=False)
        with torch.no_grad():
            self.lin.weight.abs_()

    def forward(self, x, y):
        fx = self.features(x)
        fy = self.features(y)
        fx = fx / (fx.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
        fy = fy / (fy.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
        return self.lin((fx - fy) ** 2).mean(dim=(2, 3), keepdim=True)


model = TinyLpips().eval()
x = torch.linspace(-1, 1, 2 * 3 * 8 * 8).reshape(2, 3, 8, 8)
y = torch.cos(torch.arange(2 * 3 * 8 * 8, dtype=torch.float32)).reshape(2, 3, 8, 8)
traced = torch.jit.trace(model, (x, y))
traced.save("tiny-lpips.pt")
with torch.no_grad():
    d = model(x, y).reshape(-1).numpy()
np.savetxt("tiny-lpips-expected.txt", d, fmt="%.8f")
print("distances", d)
