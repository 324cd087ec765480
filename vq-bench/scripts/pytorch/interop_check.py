"""PyTorch side of vqlc's tokenizer interop: loads exported weights and reproduces vqlc's outputs,
or saves a PyTorch-initialized tokenizer for `vqlc import`.

Builds the tokenizer a vqlc config describes with taming-transformers' module layout and names
(encoder.conv_in, encoder.down.{i}.block.{j}.norm1, ..., quant_conv, the quantizer, post_quant_conv,
decoder.up.{i}...), written here from the published names and shapes, with the quantizer named as
--naming says: taming (vq / ema: quantize.embedding.weight), vqgan-lc (lc: tok_embeddings.weight,
codebook_projection.*) or vqlc (quantize.<vqlc parameter path>).

    /usr/bin/python3 vq-bench/scripts/pytorch/interop_check.py compare -c CONFIG [-o key=value ...]
        --naming N --weights FILE --reference DIR
    /usr/bin/python3 vq-bench/scripts/pytorch/interop_check.py save-random -c CONFIG [-o key=value ...]
        --naming N --out FILE.npz --seed S --reference DIR

compare: loads FILE (.safetensors or .npz; every tensor the model needs, with its shape), encodes
DIR/images.npy and checks the latents, indices and reconstructions against DIR/latents.npy,
indices.npy and reconstructions.npy (what `vqlc export --reference DIR` wrote). The last line is
`interop: OK ...` (indices identical, latents and reconstructions within --tolerance, 1e-4) or
`interop: FAILED ...` (exit 1); before it, the PSNR of PyTorch's reconstructions as vqlc's eval computes
it (per image on [0, 1], mean over the images).

save-random: initializes the model (seeded; GroupNorm scales and shifts and the biases made
non-trivial), saves its state dict as .npz (numpy.savez) and, when DIR/images.npy exists, writes
its latents, indices and reconstructions of those images next to them as torch-*.npy.

The config is read as vqgan_step.py reads it (the keys it knows, plus model.downsample-padding).
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vqgan_step import DEFAULTS as STEP_DEFAULTS, group_norm, resolve_settings, swish  # noqa: E402

DEFAULTS = dict(STEP_DEFAULTS, **{"model.downsample-padding": "symmetric"})


# ---------------------------------------------------------------------------------------------
# taming's module layout (vq-models' Encoder/Decoder hold the same layers in the same order)

def conv(cin, cout, k):
    return nn.Conv2d(cin, cout, k, stride=1, padding=k // 2)


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1, self.conv1 = group_norm(cin), conv(cin, cout, 3)
        self.norm2, self.conv2 = group_norm(cout), conv(cout, cout, 3)
        if cin != cout:
            self.nin_shortcut = conv(cin, cout, 1)

    def forward(self, x):
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(swish(self.norm2(h)))
        return (self.nin_shortcut(x) if hasattr(self, "nin_shortcut") else x) + h


class AttnBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = group_norm(c)
        self.q, self.k, self.v, self.proj_out = (conv(c, c, 1) for _ in range(4))

    def forward(self, x):
        n, c, hh, ww = x.shape
        h = self.norm(x)
        q = self.q(h).reshape(n, c, hh * ww).permute(0, 2, 1)
        k = self.k(h).reshape(n, c, hh * ww)
        v = self.v(h).reshape(n, c, hh * ww)
        w = torch.softmax(torch.bmm(q, k) * (c ** -0.5), dim=2)
        return x + self.proj_out(torch.bmm(v, w.permute(0, 2, 1)).reshape(n, c, hh, ww))


class Downsample(nn.Module):
    def __init__(self, c, padding):
        super().__init__()
        self.taming = padding == "taming"
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=0 if self.taming else 1)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)) if self.taming else x)


class Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = conv(c, c, 3)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Level(nn.Module):
    """One resolution level: `block`, `attn` and a `downsample` or `upsample` (taming's names)."""

    def __init__(self):
        super().__init__()
        self.block, self.attn = nn.ModuleList(), nn.ModuleList()


def middle(c):
    mid = nn.Module()
    mid.block_1, mid.attn_1, mid.block_2 = ResnetBlock(c, c), AttnBlock(c), ResnetBlock(c, c)
    return mid


def run_middle(mid, h):
    return mid.block_2(mid.attn_1(mid.block_1(h)))


class Encoder(nn.Module):
    def __init__(self, s):
        super().__init__()
        ch, mult, attn = s["model.base-channels"], s["model.channel-mult"], s["model.attn-resolutions"]
        self.conv_in = conv(s["data.channels"], ch, 3)
        self.down = nn.ModuleList()
        res, cin = s["data.image-size"], ch
        for i, m in enumerate(mult):
            level = Level()
            for _ in range(s["model.res-blocks"]):
                level.block.append(ResnetBlock(cin, ch * m))
                cin = ch * m
                if res in attn:
                    level.attn.append(AttnBlock(cin))
            if i < len(mult) - 1:
                level.downsample = Downsample(cin, s["model.downsample-padding"])
                res //= 2
            self.down.append(level)
        self.mid = middle(cin)
        self.norm_out, self.conv_out = group_norm(cin), conv(cin, s["model.z-channels"], 3)

    def forward(self, x):
        h = self.conv_in(x)
        for level in self.down:
            for j, block in enumerate(level.block):
                h = block(h)
                if len(level.attn):
                    h = level.attn[j](h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        return self.conv_out(swish(self.norm_out(run_middle(self.mid, h))))


class Decoder(nn.Module):
    def __init__(self, s):
        super().__init__()
        ch, mult, attn = s["model.base-channels"], s["model.channel-mult"], s["model.attn-resolutions"]
        cin = ch * mult[-1]
        res = s["data.image-size"] // (2 ** (len(mult) - 1))
        self.conv_in = conv(s["model.z-channels"], cin, 3)
        self.mid = middle(cin)
        levels = []
        for i in reversed(range(len(mult))):
            level = Level()
            for _ in range(s["model.res-blocks"] + 1):
                level.block.append(ResnetBlock(cin, ch * mult[i]))
                cin = ch * mult[i]
                if res in attn:
                    level.attn.append(AttnBlock(cin))
            if i > 0:
                level.upsample = Upsample(cin)
                res *= 2
            levels.insert(0, level)  # up.0 is the full resolution, run last
        self.up = nn.ModuleList(levels)
        self.norm_out, self.conv_out = group_norm(cin), conv(cin, s["data.channels"], 3)

    def forward(self, z):
        h = run_middle(self.mid, self.conv_in(z))
        for level in reversed(self.up):
            for j, block in enumerate(level.block):
                h = block(h)
                if len(level.attn):
                    h = level.attn[j](h)
            if hasattr(level, "upsample"):
                h = level.upsample(h)
        return self.conv_out(swish(self.norm_out(h)))


# ---------------------------------------------------------------------------------------------
# quantizers: nearest code by squared L2 distance; named per --naming

def nearest(vectors, codes):
    d = vectors.pow(2).sum(1, keepdim=True) - 2 * vectors @ codes.t() + codes.pow(2).sum(1)
    return d.argmin(1)


class TamingQuantizer(nn.Module):
    """vq / ema in taming's names: embedding.weight (K, D) (+ cluster_size, embed_avg for EMA)."""

    def __init__(self, s):
        super().__init__()
        k, d = s["quantizer.codebook-size"], s["model.embed-dim"]
        self.embedding = nn.Embedding(k, d)
        if s["quantizer.type"] == "ema":
            self.embedding.register_buffer("cluster_size", torch.zeros(k))
            self.embedding.register_buffer("embed_avg", torch.zeros(k, d))

    def codes(self):
        return self.embedding.weight


class Projected(nn.Module):
    """lc: a codebook (K, Dc) mapped to (K, D) by a projector (none, linear, or Linear-ReLU-Linear)."""

    def __init__(self, s, codebook_name, projector_name):
        super().__init__()
        k, dc, d = s["quantizer.codebook-size"], s["quantizer.codebook.dim"], s["model.embed-dim"]
        self.codebook_name, self.projector_name = codebook_name, projector_name
        if codebook_name == "tok_embeddings":  # VQGAN-LC: an nn.Embedding (tok_embeddings.weight)
            self.tok_embeddings = nn.Embedding(k, dc)
        else:
            setattr(self, codebook_name, nn.Parameter(torch.randn(k, dc)))
        kind = s["quantizer.projector"]
        if kind == "linear":
            setattr(self, projector_name, nn.Linear(dc, d))
        elif kind == "mlp":
            hidden = s["quantizer.projector-hidden"]
            setattr(self, projector_name, nn.Sequential(nn.Linear(dc, hidden), nn.ReLU(), nn.Linear(hidden, d)))

    def codes(self):
        c = getattr(self, self.codebook_name)
        c = c.weight if isinstance(c, nn.Embedding) else c
        return getattr(self, self.projector_name)(c) if hasattr(self, self.projector_name) else c


class VqlcQuantizer(nn.Module):
    """vqlc naming: quantize.<path> (vq/ema: codebook, cluster_size, embed_sum; lc: codebook, projector.*)."""

    def __init__(self, s):
        super().__init__()
        k, d = s["quantizer.codebook-size"], s["model.embed-dim"]
        if s["quantizer.type"] == "lc":
            self.inner = Projected(s, "codebook", "projector")
        else:
            self.codebook = nn.Parameter(torch.randn(k, d))
            if s["quantizer.type"] == "ema":
                self.register_buffer("cluster_size", torch.zeros(k))
                self.register_buffer("embed_sum", torch.zeros(k, d))

    def codes(self):
        return self.inner.codes() if hasattr(self, "inner") else self.codebook

    def state_names(self, sd):  # Projected's names without the wrapper's "inner."
        return {k.replace("inner.", "", 1): v for k, v in sd.items()}


class Tokenizer(nn.Module):
    def __init__(self, s, naming):
        super().__init__()
        t = s["quantizer.type"]
        allowed = {"taming": ("vq", "ema"), "vqgan-lc": ("lc",), "vqlc": ("vq", "ema", "lc")}[naming]
        if t not in allowed:
            raise SystemExit("interop_check.py: the %s naming is implemented here for %s quantizers, not %s"
                             % (naming, "/".join(allowed), t))
        self.naming = naming
        self.encoder = Encoder(s)
        self.quant_conv = nn.Conv2d(s["model.z-channels"], s["model.embed-dim"], 1)
        if naming == "taming":
            self.quantize = TamingQuantizer(s)
        elif naming == "vqgan-lc":
            self.lc = Projected(s, "tok_embeddings", "codebook_projection")
        else:
            self.quantize = VqlcQuantizer(s)
        self.post_quant_conv = nn.Conv2d(s["model.embed-dim"], s["model.z-channels"], 1)
        self.decoder = Decoder(s)

    def named_state(self):
        """The state dict under the naming's names (vqgan-lc's quantizer tensors sit at the top level)."""
        out = {}
        for k, v in self.state_dict().items():
            if k.startswith("lc."):
                k = k[3:]
            elif k.startswith("quantize.inner."):
                k = "quantize." + k[len("quantize.inner."):]
            out[k] = v
        return out

    def load_named(self, tensors):
        own = self.state_dict()
        names = {k: k for k in own}
        for k in own:
            if k.startswith("lc."):
                names[k] = k[3:]
            elif k.startswith("quantize.inner."):
                names[k] = "quantize." + k[len("quantize.inner."):]
        loaded = {}
        for k, v in own.items():
            name = names[k]
            if name not in tensors:
                raise SystemExit("interop_check.py: the weights have no tensor %s (shape %s)" % (name, tuple(v.shape)))
            t = torch.from_numpy(np.array(tensors[name], dtype=np.float32))
            if tuple(t.shape) != tuple(v.shape):
                raise SystemExit("interop_check.py: tensor %s: expected shape %s, found %s"
                                 % (name, tuple(v.shape), tuple(t.shape)))
            loaded[k] = t
        self.load_state_dict(loaded)

    def codes(self):
        return self.lc.codes() if self.naming == "vqgan-lc" else self.quantize.codes()

    @torch.no_grad()
    def forward(self, images):
        latents = self.quant_conv(self.encoder(images))
        n, d, h, w = latents.shape
        codes = self.codes()
        idx = nearest(latents.permute(0, 2, 3, 1).reshape(-1, d), codes)
        quantized = codes[idx].reshape(n, h, w, d).permute(0, 3, 1, 2)
        return latents, idx.reshape(n, h, w), self.decoder(self.post_quant_conv(quantized))


# ---------------------------------------------------------------------------------------------
# weight files

SAFETENSORS_DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}


def read_weights(path):
    if path.endswith(".npz"):
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        begin, end = t["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=SAFETENSORS_DTYPES[t["dtype"]]).reshape(t["shape"])
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=["compare", "save-random"])
    p.add_argument("-c", "--config")
    p.add_argument("-o", dest="overrides", action="append", default=[])
    p.add_argument("--naming", default="vqlc", choices=["taming", "vqgan-lc", "vqlc"])
    p.add_argument("--weights")
    p.add_argument("--reference", required=True)
    p.add_argument("--out")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tolerance", type=float, default=1e-4)
    a = p.parse_args()
    s = resolve_settings(a.config, a.overrides, DEFAULTS)
    torch.manual_seed(a.seed)
    model = Tokenizer(s, a.naming).eval()
    if a.mode == "save-random":
        if not a.out or not a.out.endswith(".npz"):
            raise SystemExit("interop_check.py: save-random wants --out FILE.npz")
        with torch.no_grad():
            for name, t in model.named_parameters():  # GroupNorm's 1 / 0 and zero biases would hide mix-ups
                if name.endswith("bias") or "norm" in name:
                    t.add_(0.1 * torch.randn_like(t))
        np.savez(a.out, **{k: v.numpy() for k, v in model.named_state().items()})
        images_path = os.path.join(a.reference, "images.npy")
        if os.path.exists(images_path):
            latents, idx, rec = model(torch.from_numpy(np.load(images_path)))
            for name, t in (("latents", latents), ("indices", idx), ("reconstructions", rec)):
                np.save(os.path.join(a.reference, "torch-%s.npy" % name), t.numpy())
        print("saved %d tensors (%s naming) to %s" % (len(model.named_state()), a.naming, a.out))
        return
    if not a.weights or not os.path.exists(a.weights):
        raise SystemExit("interop_check.py: compare wants --weights FILE (.safetensors or .npz)")
    model.load_named(read_weights(a.weights))
    names = ("images", "latents", "indices", "reconstructions")
    missing = [n for n in names if not os.path.exists(os.path.join(a.reference, n + ".npy"))]
    if missing:
        raise SystemExit("interop_check.py: %s has no %s.npy (write it with vqlc export --reference)"
                         % (a.reference, missing[0]))
    ref = {k: np.load(os.path.join(a.reference, k + ".npy")) for k in names}
    latents, idx, rec = model(torch.from_numpy(ref["images"]))
    dl = float(np.abs(latents.numpy() - ref["latents"]).max())
    same = int((idx.numpy() == ref["indices"]).sum())
    dr = float(np.abs(rec.numpy() - ref["reconstructions"]).max())
    total = ref["indices"].size
    # vqlc's PSNR (docs/metrics.md): per image on [0, 1], reconstructions clipped, capped at 100 dB
    x = (ref["images"].astype(np.float64) + 1) / 2
    y = np.clip((rec.numpy().astype(np.float64) + 1) / 2, 0, 1)
    mse = ((x - y) ** 2).reshape(x.shape[0], -1).mean(1)
    psnr = np.where(mse > 0, np.minimum(100.0, 10 * np.log10(1 / np.maximum(mse, 1e-300))), 100.0)
    print("PyTorch's reconstructions: psnr %.4f dB (mean over %d images)" % (psnr.mean(), x.shape[0]))
    print("images %d, max |latent diff| %.3g, indices identical %d/%d, max |reconstruction diff| %.3g"
          % (ref["images"].shape[0], dl, same, total, dr))
    ok = same == total and dl <= a.tolerance and dr <= a.tolerance
    print("interop: %s (indices %s, latents and reconstructions %s %g)"
          % ("OK" if ok else "FAILED", "identical" if same == total else "differ",
             "within" if max(dl, dr) <= a.tolerance else "NOT within", a.tolerance))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
