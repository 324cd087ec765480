"""Builds the TorchScript fixture of TorchScriptExtractorTest and records its expected outputs.

Run from this directory with Debian's python3-torch (1.13):  /usr/bin/python3 make_fixture.py
Writes tiny.pt (a traced module, about 2,000 parameters), input.npy (grey images in [-1, 1]) and
the outputs the extractor must reproduce after its own preprocessing:
  patch_tokens.npy  output 0, layout tokens (class token dropped), as (B, D, g, g)
  patch_nchw.npy    output 1, layout nchw
  global.npy        output 2, layout vector
The preprocessing below is the extractor's documented one: bilinear resize (align_corners=False)
to INPUT_SIZE, grey repeated to 3 channels, (x + 1) / 2, then (x - MEAN) / STD per channel.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

INPUT_SIZE = 16
MEAN = [0.5, 0.4, 0.3]
STD = [0.2, 0.25, 0.3]


class TinyEncoder(nn.Module):
    """A conv patchifier (4x4 patches -> 4x4 grid) with a class token; returns (tokens, map, vector)."""

    def __init__(self):
        super().__init__()
        self.patchify = nn.Conv2d(3, 16, kernel_size=4, stride=4)
        self.cls = nn.Parameter(0.1 * torch.randn(1, 1, 16))
        self.norm = nn.LayerNorm(16)
        self.proj = nn.Linear(16, 24)
        self.pool = nn.Linear(24, 32)

    def forward(self, x):
        fmap = self.patchify(x)  # (B, 16, 4, 4)
        tokens = fmap.flatten(2).transpose(1, 2)  # (B, 16, 16)
        tokens = torch.cat([self.cls.expand(x.shape[0], -1, -1), tokens], dim=1)  # (B, 17, 16)
        tokens = self.proj(torch.relu(self.norm(tokens)))  # (B, 17, 24)
        return tokens, fmap, self.pool(tokens[:, 0])


def preprocess(images):
    x = F.interpolate(images, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False)
    x = x.repeat(1, 3, 1, 1)
    x = (x + 1) / 2
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def main():
    torch.manual_seed(0)
    model = TinyEncoder().eval()
    images = torch.rand(2, 1, 12, 12) * 2 - 1
    with torch.no_grad():
        x = preprocess(images)
        traced = torch.jit.trace(model, x)
        traced.save("tiny.pt")
        tokens, fmap, vector = traced(x)
    b, t, d = tokens.shape
    g = int(round((t - 1) ** 0.5))
    patch_tokens = tokens[:, 1:, :].reshape(b, g, g, d).permute(0, 3, 1, 2)
    np.save("input.npy", images.numpy().astype(np.float32))
    np.save("patch_tokens.npy", patch_tokens.contiguous().numpy().astype(np.float32))
    np.save("patch_nchw.npy", fmap.numpy().astype(np.float32))
    np.save("global.npy", vector.numpy().astype(np.float32))
    print("parameters", sum(p.numel() for p in model.parameters()), "tokens", tuple(tokens.shape),
          "map", tuple(fmap.shape), "vector", tuple(vector.shape))


if __name__ == "__main__":
    main()
