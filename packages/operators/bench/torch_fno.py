"""PyTorch anchor for bench/run.mjs: the same FNO (test/fixtures/make_fno_torch.py, which has
neuraloperator's structure with use_channel_mlp=False), the same training step (forward,
relative L2 loss summed over the batch, backward, Adam lr 1e-3), float32, CPU.
stdin: {"cases": [...], "threads": 2, "timing": {...}}; stdout: {"results": {id: ms}}.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures"))
from make_fno_torch import FNO  # noqa: E402


def measure(fn, t):
    t0 = time.perf_counter()
    fn()
    slow = (time.perf_counter() - t0) * 1e3 > t["slowMs"]
    w0 = time.perf_counter()
    i = 1
    while not slow and (i < t["warmup"] or (time.perf_counter() - w0) * 1e3 < t["warmupMs"]):
        fn()
        i += 1
    min_reps = t["slowMinReps"] if slow else t["minReps"]
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        fn()
        t1 = time.perf_counter()
        times.append((t1 - t0) * 1e3)
        if len(times) >= t["maxReps"] or (len(times) >= min_reps and (t1 - start) * 1e3 >= t["budgetMs"]):
            break
    times.sort()
    n = len(times)
    return times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    results = {}
    for c in spec["cases"]:
        modes = c["modes"]
        n_modes = tuple(2 * m for m in modes[:-1]) + (2 * modes[-1] - 1,)
        model = FNO(n_modes=n_modes, in_channels=1, out_channels=1, hidden_channels=c["width"],
                    n_layers=4, lifting_channels=2 * c["width"], projection_channels=128,
                    fno_skip="linear", domain_padding=0.0)
        x = torch.randn(c["batch"], 1, *c["grid"])
        y = torch.randn(c["batch"], 1, *c["grid"])
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad()
            out = model(x)
            diff = (out - y).reshape(x.shape[0], -1).norm(dim=1)
            loss = (diff / y.reshape(x.shape[0], -1).norm(dim=1)).sum()
            loss.backward()
            opt.step()

        results[c["id"]] = measure(step, spec["timing"])
    json.dump({"results": results, "torch": torch.__version__, "threads": torch.get_num_threads()}, sys.stdout)


if __name__ == "__main__":
    main()
