"""PyTorch anchor for bench/run.mjs (packages/nn).

Reads {"cases": [...], "timing": {...}, "threads": N or null} as JSON on stdin, times every case
with the same protocol as the JS side (warm-up, then repeats until both a minimum count and a
time budget are reached, median reported) and writes {"info": {...}, "results": {id: ms}} on
stdout. threads: torch.set_num_threads(N) before timing; null leaves torch's default.

The computation is the one run.mjs times: an MLP (Linear layers with bias, tanh between them,
torch's default init) trained one step at a time with MSE loss and torch.optim.Adam (defaults,
lr 1e-3), gradients set to None before each step; and torch.optim.AdamW (lr 1e-3, weight decay
1e-2) stepping one 1000 x 1000 parameter with a fixed gradient. Optimizers use torch's default
implementation choice on the CPU (the single-tensor path; foreach/fused are CUDA defaults).
run.mjs starts this with the same GLIBC_TUNABLES as the tensor bench (glibc keeps freed memory).
"""

import json
import os
import platform
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools" / "bench-kit"))
from bench_timing import measure  # noqa: E402 - the shared protocol, found through sys.path


def make_case(c, gen):
    dt = torch.float32 if c["dtype"] == "float32" else torch.float64
    if c["kind"] == "mlp":
        sizes, batch = c["sizes"], c["batch"]
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(torch.nn.Linear(sizes[i], sizes[i + 1], dtype=dt))
            if i < len(sizes) - 2:
                layers.append(torch.nn.Tanh())
        model = torch.nn.Sequential(*layers)
        x = torch.randn(batch, sizes[0], generator=gen, dtype=dt)
        y = torch.randn(batch, sizes[-1], generator=gen, dtype=dt)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()

        return step
    if c["kind"] == "adamw":
        n = c["n"]
        side = int(round(n**0.5))
        p = torch.nn.Parameter(torch.randn(side, side, generator=gen, dtype=dt))
        p.grad = torch.randn(side, side, generator=gen, dtype=dt)
        opt = torch.optim.AdamW([p], lr=1e-3, weight_decay=1e-2)
        return opt.step
    raise ValueError(f"unknown case kind {c['kind']}")


def main():
    spec = json.load(sys.stdin)
    if spec.get("threads"):
        torch.set_num_threads(spec["threads"])
    gen = torch.Generator().manual_seed(0)
    results = {}
    for c in spec["cases"]:
        results[c["id"]] = measure(make_case(c, gen), spec["timing"])
    info = {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
    }
    json.dump({"info": info, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
