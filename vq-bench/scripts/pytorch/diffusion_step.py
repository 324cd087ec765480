#!/usr/bin/python3
"""PyTorch baseline of vqlc's diffusion transformer: training steps and sampling, for
`vq-bench/scripts/compare-diffusion.sh`.

Builds the class-conditional DiT that vqlc builds from the same HOCON config (vq-models'
DiffusionTransformer: a strided-convolution patch embedding, fixed 2-D sine-cosine positions, a
sinusoidal time embedding through a two-layer SiLU MLP, a class table with one "no class" row,
blocks of adaLN-Zero-modulated self-attention (one W -> 3W projection) and a GELU MLP of width 4W
after LayerNorms without affine parameters, a modulated final linear layer) and runs what vqlc
runs: training steps on random latents (SiT's linear interpolant and velocity loss, class
dropout, backward, AdamW, a weight EMA), then one batch of latents sampled per requested number
of ODE steps (Euler or Heun, classifier-free guidance in one doubled batch), as a PyTorch user
writes it (nn.Linear, nn.LayerNorm, torch.optim.AdamW), not tuned.

Runs with Debian's python3-torch (1.13) at /usr/bin/python3:

    /usr/bin/python3 vq-bench/scripts/pytorch/diffusion_step.py [--config FILE] [-o key=value ...]
        [--channels C] [--grid G] [--classes K] [--steps N] [--warmup W] [--sample-steps 10,50]
        [--threads T]

The diffusion.* keys below start from vqlc's reference.conf values, then the config file, then
the -o overrides in order. Output: the settings and the parameter count, then timing lines,
`train_images_per_second <x>` and one `sample_images_per_second_<steps> <x>` per sampling run.
"""

import argparse
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vqgan_step import resolve_settings  # noqa: E402  (the same minimal HOCON reader and -o rules)

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
DEFAULT_CONFIG = os.path.join(REPO, "configs", "fashion-mnist", "sit.conf")

# vqlc's reference.conf values of the keys this script reads (vq-models' diffusion section)
DEFAULTS = {
    "run.seed": 0,
    "diffusion.patch": 1,
    "diffusion.width": 256,
    "diffusion.depth": 6,
    "diffusion.heads": 8,
    "diffusion.batch-size": 128,
    "diffusion.lr": 1e-4,
    "diffusion.beta1": 0.9,
    "diffusion.beta2": 0.999,
    "diffusion.weight-decay": 0.0,
    "diffusion.class-dropout": 0.1,
    "diffusion.ema-decay": 0.9999,
    "diffusion.sample.method": "heun",
    "diffusion.sample.guidance": 1.5,
    "diffusion.sample.guided-channels": 0,
    "diffusion.sample.batch-size": 64,
}


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class Block(nn.Module):
    def __init__(self, w, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(w, elementwise_affine=False, eps=1e-6)
        self.qkv = nn.Linear(w, 3 * w)
        self.proj = nn.Linear(w, w)
        self.norm2 = nn.LayerNorm(w, elementwise_affine=False, eps=1e-6)
        self.fc1 = nn.Linear(w, 4 * w)
        self.fc2 = nn.Linear(4 * w, w)
        self.ada = nn.Linear(w, 6 * w)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def forward(self, x, c):
        b, n, w = x.shape
        dh = w // self.heads
        s1, g1, a1, s2, g2, a2 = self.ada(F.silu(c)).chunk(6, dim=1)
        q, k, v = self.qkv(modulate(self.norm1(x), s1, g1)).split(w, dim=2)
        q = q.reshape(b, n, self.heads, dh).transpose(1, 2)
        k = k.reshape(b, n, self.heads, dh).transpose(1, 2)
        v = v.reshape(b, n, self.heads, dh).transpose(1, 2)
        att = ((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(dh))).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, n, w)
        x = x + a1.unsqueeze(1) * self.proj(y)
        h = self.fc2(F.gelu(self.fc1(modulate(self.norm2(x), s2, g2))))
        return x + a2.unsqueeze(1) * h


def positions(side, w):
    q = w // 4
    omega = 1.0 / (10000 ** (torch.arange(q, dtype=torch.float32) / q))
    r, c = torch.meshgrid(torch.arange(side, dtype=torch.float32), torch.arange(side, dtype=torch.float32),
                          indexing="ij")
    c = c.reshape(-1, 1) * omega
    r = r.reshape(-1, 1) * omega
    return torch.cat([c.sin(), c.cos(), r.sin(), r.cos()], dim=1)


class DiT(nn.Module):
    def __init__(self, channels, grid, patch, w, depth, heads, classes):
        super().__init__()
        self.c, self.grid, self.p = channels, grid, patch
        self.embed = nn.Conv2d(channels, w, patch, stride=patch)
        self.t1 = nn.Linear(256, w)
        self.t2 = nn.Linear(w, w)
        self.y = nn.Parameter(torch.randn(classes + 1, w) * 0.02)
        self.blocks = nn.ModuleList([Block(w, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(w, elementwise_affine=False, eps=1e-6)
        self.ada = nn.Linear(w, 2 * w)
        self.out = nn.Linear(w, patch * patch * channels)
        for layer in (self.ada, self.out):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        self.register_buffer("pos", positions(grid // patch, w))
        self.register_buffer("freqs", torch.exp(-math.log(10000) * torch.arange(128, dtype=torch.float32) / 128))

    def forward(self, x, t, y):
        b = x.shape[0]
        side = self.grid // self.p
        h = self.embed(x).flatten(2).transpose(1, 2) + self.pos
        args = t.unsqueeze(1) * self.freqs
        c = self.t2(F.silu(self.t1(torch.cat([args.cos(), args.sin()], dim=1)))) + self.y[y]
        for blk in self.blocks:
            h = blk(h, c)
        shift, scale = self.ada(F.silu(c)).chunk(2, dim=1)
        h = self.out(modulate(self.norm(h), shift, scale))
        p = self.p
        return h.reshape(b, side, side, p, p, self.c).permute(0, 5, 1, 3, 2, 4).reshape(b, self.c, self.grid, self.grid)


def guided(model, x, t, y, scale, no_class, guided_channels):
    b = x.shape[0]
    if scale == 1.0:
        return model(x, torch.full((b,), t), y)
    v = model(torch.cat([x, x]), torch.full((2 * b,), t), torch.cat([y, torch.full_like(y, no_class)]))
    cond, uncond = v[:b], v[b:]
    g = uncond + scale * (cond - uncond)
    if 0 < guided_channels < x.shape[1]:
        g = torch.cat([g[:, :guided_channels], cond[:, guided_channels:]], dim=1)
    return g


@torch.no_grad()
def sample(model, noise, y, steps, method, scale, no_class, guided_channels):
    x = noise
    h = 1.0 / steps
    for i in range(steps):
        t = (steps - i) / steps
        nxt = (steps - i - 1) / steps
        v = guided(model, x, t, y, scale, no_class, guided_channels)
        euler = x - h * v
        if method == "heun" and nxt > 0:
            v2 = guided(model, euler, nxt, y, scale, no_class, guided_channels)
            x = x - (h / 2) * (v + v2)
        else:
            x = euler
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-c", "--config", default=DEFAULT_CONFIG, help="HOCON config (default %(default)s)")
    ap.add_argument("-o", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="override a key (diffusion.* keys; others are ignored)")
    ap.add_argument("--channels", type=int, default=8, help="latent channels (default %(default)s)")
    ap.add_argument("--grid", type=int, default=8, help="latent grid side (default %(default)s)")
    ap.add_argument("--classes", type=int, default=10, help="classes (default %(default)s)")
    ap.add_argument("--steps", type=int, default=20, help="timed training steps (default %(default)s)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first (default %(default)s)")
    ap.add_argument("--sample-steps", default="10,50", help="ODE steps of each sampling run (default %(default)s)")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads (default %(default)s)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    s = resolve_settings(a.config, a.overrides, DEFAULTS)
    torch.manual_seed(s["run.seed"])
    model = DiT(a.channels, a.grid, s["diffusion.patch"], s["diffusion.width"], s["diffusion.depth"],
                s["diffusion.heads"], a.classes)
    ema = [p.detach().clone() for p in model.parameters()]
    decay = s["diffusion.ema-decay"]
    opt = torch.optim.AdamW(model.parameters(), lr=s["diffusion.lr"],
                            betas=(s["diffusion.beta1"], s["diffusion.beta2"]), eps=1e-8,
                            weight_decay=s["diffusion.weight-decay"])
    b = s["diffusion.batch-size"]
    drop = s["diffusion.class-dropout"]
    print("settings: " + ", ".join(f"{k}={v}" for k, v in sorted(s.items())))
    print(f"diffusion_step: {sum(p.numel() for p in model.parameters()):,} parameters, latents {a.channels}x"
          f"{a.grid}x{a.grid}, batch {b}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    start = cpu = None
    shape = (b, a.channels, a.grid, a.grid)
    for i in range(1, a.warmup + a.steps + 1):
        if i == a.warmup + 1:
            start, cpu = time.perf_counter(), time.process_time()
        x0 = torch.randn(shape)
        y = torch.randint(0, a.classes, (b,))
        if drop > 0:
            y = torch.where(torch.rand(b) < drop, torch.full_like(y, a.classes), y)
        noise = torch.randn(shape)
        t = torch.rand(b)
        tt = t.reshape(b, 1, 1, 1)
        loss = ((model((1 - tt) * x0 + tt * noise, t, y) - (noise - x0)) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if decay > 0:
            with torch.no_grad():
                for e, p in zip(ema, model.parameters()):
                    e.mul_(decay).add_(p, alpha=1 - decay)
        if i == a.warmup + a.steps:
            print(f"final loss {loss.item():.4f}")
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    print(f"{a.steps} timed steps in {seconds:.1f} s ({1000 * seconds / a.steps:.1f} ms/step)")
    print(f"cpu_ms_per_step {1000 * cpu_seconds / a.steps:.1f}")
    print(f"train_images_per_second {a.steps * b / seconds:.2f}")
    model.eval()
    sb = s["diffusion.sample.batch-size"]
    method, scale, gc = s["diffusion.sample.method"], float(s["diffusion.sample.guidance"]), \
        s["diffusion.sample.guided-channels"]
    for n in [int(v) for v in a.sample_steps.split(",")]:
        for _ in range(2):  # the first pass warms up
            noise = torch.randn(sb, a.channels, a.grid, a.grid)
            y = torch.randint(0, a.classes, (sb,))
            begin = time.perf_counter()
            sample(model, noise, y, n, method, scale, a.classes, gc)
            took = time.perf_counter() - begin
        print(f"sampling {method}, {n} steps, guidance {scale:.2f}: {sb} latents in {took:.2f} s")
        print(f"sample_images_per_second_{n} {sb / took:.2f}")


if __name__ == "__main__":
    main()
