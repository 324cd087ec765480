#!/usr/bin/python3
"""PyTorch baseline of one vqlc token-GPT training step, for `vq-bench/scripts/compare-gpt.sh`.

Builds the class-conditional GPT that vqlc builds from the same HOCON config (vq-models'
TokenGpt: token, position and class embeddings, pre-norm blocks of causal self-attention with one
C -> 3C projection and a GELU MLP of width 4C, dropout on the embeddings, the attention weights and
both residual branches, a final LayerNorm and a head without bias) and runs training steps on
random token grids: inputs with the configured token corruption, cross-entropy with the
configured label smoothing, backward, AdamW (decay on the linear layers' matrices only), as a
PyTorch user writes it (nn.Linear, nn.LayerNorm, F.cross_entropy, torch.optim.AdamW), not tuned.

Runs with Debian's python3-torch (1.13) at /usr/bin/python3:

    /usr/bin/python3 vq-bench/scripts/pytorch/gpt_step.py [--config FILE] [-o key=value ...]
        [--vocab V] [--grid G] [--classes C] [--steps N] [--warmup W] [--threads T]

The gpt.* keys below start from vqlc's reference.conf values, then the config file (with its
`include`s), then the -o overrides in order. Output: the settings and the parameter count, then
timing lines; the last line is `sequences_per_second <x>`.
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
DEFAULT_CONFIG = os.path.join(REPO, "configs", "fashion-mnist", "gpt.conf")

# vqlc's reference.conf values of the keys this script reads (vq-models' gpt section)
DEFAULTS = {
    "run.seed": 0,
    "gpt.layers": 4,
    "gpt.width": 256,
    "gpt.heads": 8,
    "gpt.dropout": 0.1,
    "gpt.batch-size": 64,
    "gpt.lr": 6e-4,
    "gpt.beta1": 0.9,
    "gpt.beta2": 0.95,
    "gpt.weight-decay": 0.05,
    "gpt.label-smoothing": 0.0,
    "gpt.token-corruption": 0.0,
}


class Block(nn.Module):
    def __init__(self, c, heads, p):
        super().__init__()
        self.c, self.heads, self.p = c, heads, p
        self.ln1 = nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c)
        self.fc = nn.Linear(c, 4 * c)
        self.fc_out = nn.Linear(4 * c, c)

    def forward(self, x, mask):
        b, n, c = x.shape
        dh = c // self.heads
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q = q.reshape(b, n, self.heads, dh).transpose(1, 2)
        k = k.reshape(b, n, self.heads, dh).transpose(1, 2)
        v = v.reshape(b, n, self.heads, dh).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(dh)) + mask
        att = F.dropout(att.softmax(dim=-1), self.p, self.training)
        y = (att @ v).transpose(1, 2).reshape(b, n, c)
        x = x + F.dropout(self.proj(y), self.p, self.training)
        h = self.fc_out(F.gelu(self.fc(self.ln2(x))))
        return x + F.dropout(h, self.p, self.training)


class TokenGpt(nn.Module):
    def __init__(self, vocab, n, classes, layers, c, heads, p):
        super().__init__()
        self.n, self.p = n, p
        self.tok_emb = nn.Parameter(torch.randn(vocab, c) * 0.02)
        self.pos_emb = nn.Parameter(torch.randn(n, c) * 0.02)
        self.cls_emb = nn.Parameter(torch.randn(classes + 1, c) * 0.02)
        self.blocks = nn.ModuleList([Block(c, heads, p) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(c)
        self.head = nn.Linear(c, vocab, bias=False)
        self.register_buffer("mask", torch.full((n, n), float("-inf")).triu(1))

    def forward(self, classes, tokens):
        x = torch.cat([self.cls_emb[classes].unsqueeze(1), self.tok_emb[tokens[:, : self.n - 1]]], dim=1)
        x = F.dropout(x + self.pos_emb, self.p, self.training)
        for blk in self.blocks:
            x = blk(x, self.mask)
        return self.head(self.ln_f(x))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-c", "--config", default=DEFAULT_CONFIG, help="HOCON config (default %(default)s)")
    ap.add_argument("-o", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="override a key (gpt.* keys; others are ignored)")
    ap.add_argument("--vocab", type=int, default=16384, help="vocabulary (default %(default)s)")
    ap.add_argument("--grid", type=int, default=8, help="token grid side (default %(default)s)")
    ap.add_argument("--classes", type=int, default=10, help="classes (default %(default)s)")
    ap.add_argument("--steps", type=int, default=30, help="timed steps (default %(default)s)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first (default %(default)s)")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads (default %(default)s)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    s = resolve_settings(a.config, a.overrides, DEFAULTS)
    torch.manual_seed(s["run.seed"])
    n = a.grid * a.grid
    model = TokenGpt(a.vocab, n, a.classes, s["gpt.layers"], s["gpt.width"], s["gpt.heads"], s["gpt.dropout"])
    model.train()
    decay = [p for name, p in model.named_parameters() if p.dim() == 2 and not name.endswith("_emb")]
    other = [p for name, p in model.named_parameters() if not (p.dim() == 2 and not name.endswith("_emb"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": s["gpt.weight-decay"]},
                             {"params": other, "weight_decay": 0.0}],
                            lr=s["gpt.lr"], betas=(s["gpt.beta1"], s["gpt.beta2"]), eps=1e-8)
    b = s["gpt.batch-size"]
    corruption = s["gpt.token-corruption"]
    print("settings: " + ", ".join(f"{k}={v}" for k, v in sorted(s.items())))
    print(f"gpt_step: {sum(p.numel() for p in model.parameters()):,} parameters, vocabulary {a.vocab},"
          f" {n} tokens, batch {b}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    start = cpu = None
    for i in range(1, a.warmup + a.steps + 1):
        if i == a.warmup + 1:
            start, cpu = time.perf_counter(), time.process_time()
        classes = torch.randint(0, a.classes, (b,))
        tokens = torch.randint(0, a.vocab, (b, n))
        inputs = tokens
        if corruption > 0:
            inputs = torch.where(torch.rand(b, n) < corruption, torch.randint(0, a.vocab, (b, n)), tokens)
        logits = model(classes, inputs)
        loss = F.cross_entropy(logits.reshape(-1, a.vocab), tokens.reshape(-1),
                               label_smoothing=s["gpt.label-smoothing"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if i == a.warmup + a.steps:
            print(f"final loss {loss.item():.4f}")
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    print(f"{a.steps} timed steps in {seconds:.1f} s ({1000 * seconds / a.steps:.1f} ms/step)")
    print(f"cpu_ms_per_step {1000 * cpu_seconds / a.steps:.1f}")
    print(f"tokens_per_second {a.steps * b * n / seconds:.1f}")
    print(f"sequences_per_second {a.steps * b / seconds:.2f}")


if __name__ == "__main__":
    main()
