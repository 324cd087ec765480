#!/usr/bin/python3
"""PyTorch baseline of one vqlc VQGAN(-LC) training step, for `vq-bench/scripts/compare-train.sh`.

Builds the model vqlc builds from the same HOCON config (the taming-transformers encoder and
decoder of vq-models' Encoder/Decoder/VqAutoencoder, the LC quantizer of vq-quantizers'
LargeCodebookQuantizer, the PatchGAN discriminator of vq-models' PatchDiscriminator) and runs
full training steps on random batches: generator forward, L1 (or L2) reconstruction, quantizer
terms, hinge (or non-saturating) generator loss times the adaptive weight (torch.autograd.grad at
the decoder's last conv, as taming does), backward, Adam; then the discriminator step on real and
detached reconstructed images, backward, Adam. Code as a PyTorch user writes it (taming's
`x * sigmoid(x)`, nn.GroupNorm, F.interpolate), not tuned.

Runs with Debian's python3-torch (1.13) at /usr/bin/python3:

    /usr/bin/python3 vq-bench/scripts/pytorch/vqgan_step.py [--config FILE] [-o key=value ...]
        [--steps N] [--warmup W] [--threads T] [--verbose]

The config is read like vqlc reads it, minimally: the keys below start from vqlc's
reference.conf values, then the config file (with its `include`s), then the -o overrides in
order. Exceptions, stated so the two runs match: loss.gan.weight defaults to 0.1 here (the
VQGAN recipe; reference.conf has 0.0 = off), so pass -o loss.gan.weight=... to both programs;
a `quantizer.codebook.init = file` codebook is replaced by random values of the same shape (same
cost); the feature-net perceptual network gets the width and depth of the trained network's
feature-net.json when it exists (else width 16, depth 1) and random weights (same cost). Settings
that change the work and are not implemented (other quantizer types, other perceptual networks,
gradient accumulation, weight EMA) are refused with an error.

Output: the resolved settings, parameter counts per component (trainable, and frozen or
buffers), then timing lines; the last line is `images_per_second <x>`.
"""

import argparse
import math
import os
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
DEFAULT_CONFIG = os.path.join(REPO, "configs", "fashion-mnist", "lc.conf")

# vqlc's reference.conf values of every key this script reads (vq-core, vq-models, the lc type of
# vq-quantizers), except loss.gan.weight (see the module docstring)
DEFAULTS = {
    "run.seed": 0,
    "data.image-size": 32,
    "data.channels": 1,
    "model.base-channels": 64,
    "model.channel-mult": [1, 2, 2],
    "model.res-blocks": 1,
    "model.attn-resolutions": [],
    "model.z-channels": 64,
    "model.embed-dim": 64,
    "model.dropout": 0.0,
    "train.batch-size": 64,
    "train.lr": 2e-4,
    "train.beta1": 0.5,
    "train.beta2": 0.9,
    "train.rec-loss": "l1",
    "train.quantizer-weight": 1.0,
    "train.accumulate-steps": 1,
    "train.ema-decay": 0.0,
    "quantizer.type": "vq",
    "quantizer.codebook-size": 1024,
    "quantizer.beta": 0.33,
    "quantizer.codebook.init": "random",
    "quantizer.codebook.dim": 64,
    "quantizer.codebook.frozen": True,
    "quantizer.projector": "linear",
    "quantizer.projector-hidden": 256,
    "loss.perceptual.type": "none",
    "loss.perceptual.weight": 1.0,
    "loss.perceptual.path": "",
    "loss.gan.weight": 0.1,
    "loss.gan.start-step": 1,
    "loss.gan.loss": "hinge",
    "loss.gan.adaptive-weight": True,
    "loss.gan.max-adaptive-weight": 1e4,
    "discriminator.n-layers": 2,
    "discriminator.filters": 64,
    "discriminator.norm": "batch",
    "discriminator.lr": 0.0,
}


# ---------------------------------------------------------------------------------------------
# Minimal HOCON: comments (# and //), include "file", key = value / key: value / key { ... },
# dotted keys, objects merged, one-line or multi-line lists of scalars, quoted or bare scalars.
# Substitutions (${...}) are kept as raw text: no key read here uses them.

_TOKEN = re.compile(r'[ \t\r]*(?:(#|//)[^\n]*|("(?:[^"\\]|\\.)*")|([{}\[\],=:\n])|((?:\$\{[^}]*\}|[^\s{}\[\],=:"#])+))')


def _tokens(text):
    pos, out = 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise ValueError("cannot read config text near: " + text[pos:pos + 40])
        pos = m.end()
        if m.group(1):
            continue
        if m.group(2):
            out.append(("str", m.group(2)[1:-1]))
        elif m.group(3):
            out.append(("nl", None) if m.group(3) == "\n" else ("p", m.group(3)))
        elif m.group(4):
            out.append(("word", m.group(4)))
    return out


def _scalar(kind, text):
    if kind == "str":
        return text
    if text in ("true", "yes", "on"):
        return True
    if text in ("false", "no", "off"):
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _parse_object(toks, i, prefix, out, base_dir, closing):
    while i < len(toks):
        kind, val = toks[i]
        if kind == "nl" or (kind == "p" and val == ","):
            i += 1
            continue
        if kind == "p" and val == "}" and closing:
            return i + 1
        if kind == "word" and val == "include":
            path = toks[i + 1][1]
            read_config(os.path.join(base_dir, path), out, prefix)
            i += 2
            continue
        if kind not in ("word", "str"):
            raise ValueError("config: expected a key, got " + repr(val))
        key = prefix + val
        i += 1
        if toks[i] == ("p", "=") or toks[i] == ("p", ":"):
            i += 1
        if toks[i] == ("p", "{"):
            i = _parse_object(toks, i + 1, key + ".", out, base_dir, True)
        elif toks[i] == ("p", "["):
            items, i = [], i + 1
            while toks[i] != ("p", "]"):
                if toks[i][0] in ("word", "str"):
                    items.append(_scalar(*toks[i]))
                i += 1
            out[key] = items
            i += 1
        else:  # a scalar, possibly several tokens concatenated up to the end of the line
            parts = []
            while i < len(toks) and toks[i][0] in ("word", "str"):
                parts.append(toks[i])
                i += 1
            out[key] = _scalar(*parts[0]) if len(parts) == 1 else "".join(p[1] for p in parts)
    if closing:
        raise ValueError("config: missing '}'")
    return i


def read_config(path, out=None, prefix=""):
    """Flat {dotted.key: value} of a HOCON file (later keys win, includes read in place)."""
    out = {} if out is None else out
    with open(path) as f:
        text = f.read()
    _parse_object(_tokens(text), 0, prefix, out, os.path.dirname(path), False)
    return out


def resolve_settings(config_path, overrides, defaults=None):
    """The keys of `defaults` (this script's DEFAULTS when None): their defaults, then the config
    file, then the -o overrides in order; other keys are ignored (they do not change the step)."""
    defaults = DEFAULTS if defaults is None else defaults
    s = dict(defaults)
    if config_path:
        s.update({k: v for k, v in read_config(config_path).items() if k in defaults})
    for o in overrides:
        if "=" not in o:
            raise SystemExit("-o wants key=value, got " + o)
        k, v = o.split("=", 1)
        if k not in defaults:
            continue  # keys that do not change the step (run.dir, train.steps, ...)
        if v.startswith("["):
            v = [_scalar("word", x.strip()) for x in v.strip("[]").split(",") if x.strip()]
        else:
            v = _scalar("word", v.strip('"'))
        s[k] = v
    return s


def refuse_unsupported(s):
    """Stops on settings that change the work and are not implemented here."""
    refuse = [
        (s["quantizer.type"] != "lc", "quantizer.type = %s: only lc is implemented" % s["quantizer.type"]),
        (s["loss.perceptual.type"] not in ("none", "feature-net"),
         "loss.perceptual.type = %s: only none and feature-net are implemented" % s["loss.perceptual.type"]),
        (s["train.accumulate-steps"] != 1, "train.accumulate-steps must be 1 here"),
        (s["train.ema-decay"] != 0, "train.ema-decay must be 0 here"),
    ]
    for bad, why in refuse:
        if bad:
            raise SystemExit("vqgan_step.py: " + why)


# ---------------------------------------------------------------------------------------------
# The model (vq-models nn/ and vqgan/)

def group_norm(channels):
    """32 groups, halved until they divide the channels (GroupNorm.of), eps 1e-6."""
    g = 32
    while channels % g:
        g //= 2
    return nn.GroupNorm(g, channels, eps=1e-6)


def swish(x):
    return x * torch.sigmoid(x)


def conv(cin, cout, k):
    return nn.Conv2d(cin, cout, k, stride=1, padding=k // 2)


class Swish(nn.Module):
    def forward(self, x):
        return swish(x)


class Upsample(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2.0, mode="nearest")


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout, dropout):
        super().__init__()
        self.norm1, self.conv1 = group_norm(cin), conv(cin, cout, 3)
        self.norm2, self.conv2 = group_norm(cout), conv(cout, cout, 3)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None
        self.shortcut = conv(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        h = self.conv1(swish(self.norm1(x)))
        h = swish(self.norm2(h))
        if self.dropout is not None:
            h = self.dropout(h)
        h = self.conv2(h)
        return (x if self.shortcut is None else self.shortcut(x)) + h


class AttentionBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = group_norm(c)
        self.q, self.k, self.v, self.proj = (conv(c, c, 1) for _ in range(4))

    def forward(self, x):
        n, c, hh, ww = x.shape
        h = self.norm(x)
        q = self.q(h).reshape(n, c, hh * ww).permute(0, 2, 1)
        k = self.k(h).reshape(n, c, hh * ww)
        v = self.v(h).reshape(n, c, hh * ww)
        w = torch.softmax(torch.bmm(q, k) * (c ** -0.5), dim=2)
        out = torch.bmm(v, w.permute(0, 2, 1)).reshape(n, c, hh, ww)
        return x + self.proj(out)


def build_encoder(s):
    ch, mult = s["model.base-channels"], s["model.channel-mult"]
    attn, drop = s["model.attn-resolutions"], s["model.dropout"]
    layers = [conv(s["data.channels"], ch, 3)]
    res, cin = s["data.image-size"], ch
    for level, m in enumerate(mult):
        cout = ch * m
        for _ in range(s["model.res-blocks"]):
            layers.append(ResnetBlock(cin, cout, drop))
            cin = cout
            if res in attn:
                layers.append(AttentionBlock(cin))
        if level < len(mult) - 1:
            layers.append(nn.Conv2d(cin, cin, 3, stride=2, padding=1))
            res //= 2
    layers += [ResnetBlock(cin, cin, drop), AttentionBlock(cin), ResnetBlock(cin, cin, drop),
               group_norm(cin), Swish(), conv(cin, s["model.z-channels"], 3)]
    return nn.Sequential(*layers)


def build_decoder(s):
    ch, mult = s["model.base-channels"], s["model.channel-mult"]
    attn, drop = s["model.attn-resolutions"], s["model.dropout"]
    cin = ch * mult[-1]
    res = s["data.image-size"] // 2 ** (len(mult) - 1)
    layers = [conv(s["model.z-channels"], cin, 3),
              ResnetBlock(cin, cin, drop), AttentionBlock(cin), ResnetBlock(cin, cin, drop)]
    for level in reversed(range(len(mult))):
        cout = ch * mult[level]
        for _ in range(s["model.res-blocks"] + 1):
            layers.append(ResnetBlock(cin, cout, drop))
            cin = cout
            if res in attn:
                layers.append(AttentionBlock(cin))
        if level > 0:
            layers += [Upsample(), conv(cin, cin, 3)]
            res *= 2
    layers += [group_norm(cin), Swish(), conv(cin, s["data.channels"], 3)]
    return nn.Sequential(*layers)


class LcQuantizer(nn.Module):
    """Codebook C (K, Dc) (frozen: a buffer), projector P; z_q = P(C)[argmin ||z - P(C)_k||^2]."""

    def __init__(self, s):
        super().__init__()
        k, dc, d = s["quantizer.codebook-size"], s["quantizer.codebook.dim"], s["model.embed-dim"]
        init = s["quantizer.codebook.init"]
        codebook = torch.randn(k, dc) if init != "uniform" else torch.empty(k, dc).uniform_(-1 / k, 1 / k)
        self.frozen = bool(s["quantizer.codebook.frozen"])
        if self.frozen:
            self.register_buffer("codebook", codebook)
        else:
            self.codebook = nn.Parameter(codebook)
        kind = s["quantizer.projector"]
        if kind == "none":
            if dc != d:
                raise SystemExit("quantizer.projector = none needs quantizer.codebook.dim = model.embed-dim")
            self.projector = None
        elif kind == "linear":
            self.projector = nn.Linear(dc, d)
            nn.init.normal_(self.projector.weight, std=1 / math.sqrt(d))
            nn.init.zeros_(self.projector.bias)
        else:
            hidden = s["quantizer.projector-hidden"]
            self.projector = nn.Sequential(nn.Linear(dc, hidden), nn.ReLU(), nn.Linear(hidden, d))
            for layer, fan_in in ((self.projector[0], dc), (self.projector[2], hidden)):
                nn.init.uniform_(layer.weight, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))
                nn.init.zeros_(layer.bias)
        self.beta = s["quantizer.beta"]

    def forward(self, z):
        b, d, h, w = z.shape
        vectors = z.permute(0, 2, 3, 1).reshape(-1, d)
        c = self.codebook.detach() if self.frozen else self.codebook
        projected = c if self.projector is None else self.projector(c)
        with torch.no_grad():
            p = projected.detach()
            dist = vectors.pow(2).sum(1, keepdim=True) - 2 * vectors @ p.t() + p.pow(2).sum(1)
            idx = dist.argmin(1)
        chosen = projected[idx]
        loss = self.beta * F.mse_loss(chosen, vectors.detach()) + F.mse_loss(chosen.detach(), vectors)
        straight = vectors + (chosen - vectors).detach()
        return straight.reshape(b, h, w, d).permute(0, 3, 1, 2), loss, idx


class VqAutoencoder(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.encoder = build_encoder(s)
        self.quant_conv = conv(s["model.z-channels"], s["model.embed-dim"], 1)
        self.quantizer = LcQuantizer(s)
        self.post_quant_conv = conv(s["model.embed-dim"], s["model.z-channels"], 1)
        self.decoder = build_decoder(s)

    def last_layer_weight(self):
        return self.decoder[-1].weight

    def forward(self, x):
        zq, qloss, _ = self.quantizer(self.quant_conv(self.encoder(x)))
        return self.decoder(self.post_quant_conv(zq)), qloss


def build_discriminator(s):
    """taming's NLayerDiscriminator with vq-models' PatchDiscriminator options."""
    f, n, batch_norm = s["discriminator.filters"], s["discriminator.n-layers"], s["discriminator.norm"] == "batch"
    layers = [nn.Conv2d(s["data.channels"], f, 4, 2, 1), nn.LeakyReLU(0.2)]
    prev = 1
    for i in range(1, n + 1):
        mult = min(2 ** i, 8)
        layers.append(nn.Conv2d(f * prev, f * mult, 4, 2 if i < n else 1, 1, bias=not batch_norm))
        if batch_norm:
            layers.append(nn.BatchNorm2d(f * mult))
        layers.append(nn.LeakyReLU(0.2))
        prev = mult
    layers.append(nn.Conv2d(f * prev, 1, 4, 1, 1))
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    return net


# ---------------------------------------------------------------------------------------------
# The training step (vq-models train/VqganObjective and VqTrainer)

def generator_gan_loss(kind, fake_logits):
    return -fake_logits.mean() if kind == "hinge" else F.softplus(-fake_logits).mean()


def discriminator_gan_loss(kind, real, fake):
    if kind == "hinge":
        return 0.5 * (F.relu(1 - real).mean() + F.relu(1 + fake).mean())
    return 0.5 * (F.softplus(-real).mean() + F.softplus(fake).mean())


class FeatureNetPerceptual(nn.Module):
    """vq-models' FeatureNet (conv3 + BatchNorm + ReLU stages, stride-2 3x3 downsampling) frozen in
    eval mode, and FeatureNetPerceptual's distance: unit-normalized patch-map and global features,
    squared differences summed over channels, averaged, the two layers added."""

    def __init__(self, s):
        super().__init__()
        import json
        width, depth = 16, 1
        # vqlc's rule (loss.PerceptualLosses): an empty loss.perceptual.path means runs/feature-net
        desc = os.path.join(REPO, str(s["loss.perceptual.path"] or "runs/feature-net"), "feature-net.json")
        if os.path.isfile(desc):
            with open(desc) as f:
                d = json.load(f)
            width, depth = int(d.get("width", 16)), int(d.get("depth", 1))
        self.width, self.depth = width, depth

        def stage(layers, cin, cout, stride):
            layers += [nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU()]
            return cout

        t, c = [], s["data.channels"]
        for _ in range(depth):
            c = stage(t, c, width, 1)
        c = stage(t, c, 2 * width, 2)
        for _ in range(depth):
            c = stage(t, c, 2 * width, 1)
        c = stage(t, c, 4 * width, 2)
        for _ in range(depth):
            c = stage(t, c, 4 * width, 1)
        h = []
        c = stage(h, c, 8 * width, 2)
        for _ in range(depth):
            c = stage(h, c, 8 * width, 1)
        self.trunk, self.head = nn.Sequential(*t), nn.Sequential(*h)
        for p in self.parameters():
            p.requires_grad_(False)
        self.eval()

    def train(self, mode=True):  # always in inference mode (BatchNorm running statistics)
        return super().train(False)

    @staticmethod
    def _unit(x):
        return x / (x.square().sum(1, keepdim=True) + 1e-10).sqrt()

    def forward(self, recon, target):
        fx, fy = self.trunk(recon), self.trunk(target).detach()
        gx, gy = self.head(fx).flatten(2).mean(2), self.head(fy).flatten(2).mean(2)
        patch = (self._unit(fx) - self._unit(fy)).square().sum(1).mean()
        glob = (self._unit(gx) - self._unit(gy)).square().sum(1).mean()
        return patch + glob


class Trainer:
    def __init__(self, s):
        self.s = s
        self.model = VqAutoencoder(s)
        self.perceptual = FeatureNetPerceptual(s) if s["loss.perceptual.type"] == "feature-net" else None
        self.gan = s["loss.gan.weight"] > 0
        self.disc = build_discriminator(s) if self.gan else None
        betas = (s["train.beta1"], s["train.beta2"])
        self.opt_g = torch.optim.Adam([p for p in self.model.parameters() if p.requires_grad],
                                      lr=s["train.lr"], betas=betas, eps=1e-8)
        if self.gan:
            d_lr = s["discriminator.lr"] or s["train.lr"]
            self.opt_d = torch.optim.Adam(self.disc.parameters(), lr=d_lr, betas=betas, eps=1e-8)

    def step(self, step, images):
        """One full step (1-based `step`); returns the loss terms as tensors."""
        s = self.s
        gan = self.gan and step >= s["loss.gan.start-step"]
        self.opt_g.zero_grad(set_to_none=True)
        recon, qloss = self.model(images)
        diff = recon - images
        rec = diff.abs().mean() if s["train.rec-loss"] == "l1" else diff.pow(2).mean()
        qterm = s["train.quantizer-weight"] * qloss
        terms = {"rec": rec, "quantizer": qloss}
        if self.perceptual is not None:  # taming's nll: reconstruction + weighted perceptual distance
            perceptual = self.perceptual(recon, images)
            terms["perceptual"] = perceptual
            rec = rec + s["loss.perceptual.weight"] * perceptual
        if not gan:
            loss = rec + qterm
        else:
            g_loss = generator_gan_loss(s["loss.gan.loss"], self.disc(recon))
            if s["loss.gan.adaptive-weight"]:
                last = self.model.last_layer_weight()
                rec_grad = torch.autograd.grad(rec, last, retain_graph=True)[0]
                g_grad = torch.autograd.grad(g_loss, last, retain_graph=True)[0]
                lam = torch.clamp(rec_grad.norm() / (g_grad.norm() + 1e-4), 0.0, s["loss.gan.max-adaptive-weight"]).detach()
            else:
                lam = torch.ones(())
            loss = rec + qterm + s["loss.gan.weight"] * lam * g_loss
            terms.update(g_loss=g_loss, gan_lambda=lam)
        loss.backward()
        self.opt_g.step()
        terms["loss"] = loss.detach()
        if gan:
            self.opt_d.zero_grad(set_to_none=True)  # drops the G-loss gradients the generator step left
            real = self.disc(images)
            fake = self.disc(recon.detach())
            d_loss = discriminator_gan_loss(s["loss.gan.loss"], real, fake)
            d_loss.backward()
            self.opt_d.step()
            terms["d_loss"] = d_loss.detach()
        return terms


def count(module):
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in module.parameters() if not p.requires_grad)
    frozen += sum(b.numel() for name, b in module.named_buffers() if not name.endswith("num_batches_tracked"))
    return trainable, frozen


def print_counts(trainer):
    m = trainer.model
    parts = [("encoder", m.encoder), ("quant_conv", m.quant_conv), ("quantizer", m.quantizer),
             ("post_quant_conv", m.post_quant_conv), ("decoder", m.decoder), ("generator", m)]
    if trainer.disc is not None:
        parts.append(("discriminator", trainer.disc))
    if trainer.perceptual is not None:
        parts.append(("perceptual (w%d d%d)" % (trainer.perceptual.width, trainer.perceptual.depth), trainer.perceptual))
    for name, module in parts:
        t, f = count(module)
        print("params %-16s trainable %9d  frozen/buffers %7d" % (name, t, f))


def random_images(kind, pool, b, c, size):
    """(pool, B, C, S, S) in [-1, 1]; the content does not change the cost of a step."""
    if kind == "noise":
        return torch.rand(pool, b, c, size, size) * 2 - 1
    coarse = torch.rand(pool * b, c, 4, 4) * 2 - 1
    return F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False).reshape(pool, b, c, size, size)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-c", "--config", default=DEFAULT_CONFIG, help="HOCON config (default %(default)s)")
    ap.add_argument("-o", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="config override, as vqlc's -o (repeatable)")
    ap.add_argument("--steps", type=int, default=20, help="timed steps (default %(default)s)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first (default %(default)s)")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads (default %(default)s)")
    ap.add_argument("--pool", type=int, default=4, help="random batches cycled through (default %(default)s)")
    ap.add_argument("--data", choices=["smooth", "noise"], default="smooth",
                    help="random images: smooth (bilinear from 4x4, learnable) or uniform noise (default %(default)s)")
    ap.add_argument("--verbose", action="store_true", help="print the loss terms every 10 steps")
    ap.add_argument("--profile", action="store_true",
                    help="profile the timed steps with torch.autograd.profiler and print operators by self time")
    args = ap.parse_args()
    if args.steps < 1 or args.warmup < 0 or args.pool < 1:
        raise SystemExit("vqgan_step.py: --steps must be >= 1, --warmup >= 0, --pool >= 1")

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    s = resolve_settings(args.config, args.overrides)
    refuse_unsupported(s)
    torch.manual_seed(int(s["run.seed"]))
    print("torch %s, %d threads, config %s" % (torch.__version__, torch.get_num_threads(), args.config))
    for k in sorted(s):
        if k in DEFAULTS:
            print("setting %s = %s" % (k, s[k]))
    trainer = Trainer(s)
    print_counts(trainer)

    b, c, size = s["train.batch-size"], s["data.channels"], s["data.image-size"]
    pool = random_images(args.data, args.pool, b, c, size)
    t0 = None
    total = args.warmup + args.steps
    prof = None
    for step in range(1, total + 1):
        if step == args.warmup + 1:
            if args.profile:
                prof = torch.autograd.profiler.profile()
                prof.__enter__()
            t0 = time.perf_counter()
            c0 = time.process_time()
        terms = trainer.step(step, pool[(step - 1) % args.pool])
        if args.verbose and (step % 10 == 0 or step == 1):
            print("step %4d  " % step + "  ".join("%s %.4f" % (k, float(v)) for k, v in terms.items()), flush=True)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    if prof is not None:
        prof.__exit__(None, None, None)
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))
        print("(profiled: the figures below include the profiler's overhead)")
    print("timed_steps %d  warmup_steps %d  batch %d" % (args.steps, args.warmup, b))
    print("seconds_per_step %.4f" % (elapsed / args.steps))
    print("cpu_ms_per_step %.1f" % (1000 * cpu / args.steps))
    print("images_per_second %.2f" % (args.steps * b / elapsed))


if __name__ == "__main__":
    sys.exit(main())
