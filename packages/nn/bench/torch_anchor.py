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
import time

import torch


def measure(fn, timing):
    t0 = time.perf_counter()
    fn()
    slow = (time.perf_counter() - t0) * 1e3 > timing["slowMs"]
    i, w0 = 1, time.perf_counter()
    while not slow and (i < timing["warmup"] or (time.perf_counter() - w0) * 1e3 < timing["warmupMs"]):
        fn()
        i += 1
    min_reps = timing["slowMinReps"] if slow else timing["minReps"]
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
        spent = (time.perf_counter() - start) * 1e3
        if len(times) >= timing["maxReps"] or (len(times) >= min_reps and spent >= timing["budgetMs"]):
            break
    times.sort()
    n = len(times)
    return times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])


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
