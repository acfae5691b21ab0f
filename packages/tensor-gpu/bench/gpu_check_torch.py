#!/usr/bin/env python3
"""PyTorch twin of bench/gpu-check.ts: the same three workloads, timed the same way, printed as JSON.

Workloads (identical shapes and arithmetic on both sides):
  matmul  f32 N x N @ N x N for each N; TF32 off (full f32, like WGSL), so the ratio compares
          like with like. Each sample runs `reps` products back to back, then one synchronize.
  fft     batched 2-D real FFT, torch.fft.rfft2 on a (B1, B2, S, S) f32 tensor.
  fno     one FNO-2D forward + backward step (the legacy FNO2d of Li et al. 2020: lift 3 -> width,
          four Fourier layers = spectral conv (modes x modes, both kx signs) + 1x1 conv, GELU
          between them, projection width -> 128 -> 1, MSE loss), batch x S x S inputs.

Times are medians (ms) over `samples` samples, each sample the mean of `reps` back-to-back runs
followed by one device synchronize (the TS side does the same with one small readback).

usage: gpu_check_torch.py [--device cuda|cpu] [--small] [--matmul 1024,2048,4096]
                          [--fft-batch 64x32] [--fft-size 256] [--samples 7]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the caller reports this; it is not a crash
    print(json.dumps({"error": "PyTorch is not installed (python3 -m pip install torch)"}))
    sys.exit(3)


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def timed(fn, device: str, samples: int, reps: int) -> dict:
    """Median ms per run over `samples` samples of `reps` back-to-back runs; one warm-up sample."""
    fn()
    sync(device)
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        sync(device)
        times.append((time.perf_counter() - t0) * 1e3 / reps)
    return {"ms": statistics.median(times), "min_ms": min(times), "samples": samples, "reps": reps}


def bench_matmul(n: int, device: str, samples: int) -> dict:
    g = torch.Generator(device="cpu").manual_seed(n)
    a = torch.randn(n, n, generator=g).to(device)
    b = torch.randn(n, n, generator=g).to(device)
    reps = 10 if device == "cuda" else 1
    result = timed(lambda: torch.matmul(a, b), device, samples, reps)
    result.update(case=f"matmul f32 {n}x{n}", n=n, tflops=2 * n**3 / (result["ms"] * 1e-3) / 1e12)
    return result


def bench_fft(batch: tuple[int, int], size: int, device: str, samples: int) -> dict:
    g = torch.Generator(device="cpu").manual_seed(7)
    x = torch.randn(batch[0], batch[1], size, size, generator=g).to(device)
    reps = 10 if device == "cuda" else 1
    result = timed(lambda: torch.fft.rfft2(x), device, samples, reps)
    result.update(case=f"rfft2 f32 {batch[0]}x{batch[1]}x{size}x{size}", batch=list(batch), size=size)
    return result


class SpectralConv2d(torch.nn.Module):
    """Complex per-mode channel mixing of the lowest `modes` frequencies (both signs of kx)."""

    def __init__(self, width: int, modes: int, g: torch.Generator):
        super().__init__()
        self.modes = modes
        scale = 1.0 / (width * width)
        shape = (width, width, modes, modes)
        self.w1 = torch.nn.Parameter(scale * torch.randn(*shape, generator=g, dtype=torch.cfloat))
        self.w2 = torch.nn.Parameter(scale * torch.randn(*shape, generator=g, dtype=torch.cfloat))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, h, w = x.shape
        m = self.modes
        x_ft = torch.fft.rfft2(x)
        out_ft = torch.zeros(b, self.w1.shape[1], h, w // 2 + 1, dtype=torch.cfloat, device=x.device)
        out_ft[:, :, :m, :m] = torch.einsum("bixy,ioxy->boxy", x_ft[:, :, :m, :m], self.w1)
        out_ft[:, :, -m:, :m] = torch.einsum("bixy,ioxy->boxy", x_ft[:, :, -m:, :m], self.w2)
        return torch.fft.irfft2(out_ft, s=(h, w))


class FNO2d(torch.nn.Module):
    def __init__(self, width: int, modes: int, layers: int = 4, proj: int = 128, seed: int = 0):
        super().__init__()
        g = torch.Generator(device="cpu").manual_seed(seed)
        self.fc0 = torch.nn.Linear(3, width)
        self.spectral = torch.nn.ModuleList(SpectralConv2d(width, modes, g) for _ in range(layers))
        self.pointwise = torch.nn.ModuleList(torch.nn.Conv2d(width, width, 1) for _ in range(layers))
        self.fc1 = torch.nn.Linear(width, proj)
        self.fc2 = torch.nn.Linear(proj, 1)

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        b, s, _, _ = a.shape
        grid = torch.linspace(0, 1, s, device=a.device)
        gx = grid.reshape(1, s, 1, 1).expand(b, s, s, 1)
        gy = grid.reshape(1, 1, s, 1).expand(b, s, s, 1)
        x = self.fc0(torch.cat([a, gx, gy], dim=-1)).permute(0, 3, 1, 2)
        for i, (spectral, pointwise) in enumerate(zip(self.spectral, self.pointwise)):
            x = spectral(x) + pointwise(x)
            if i < len(self.spectral) - 1:
                x = F.gelu(x)
        x = x.permute(0, 2, 3, 1)
        return self.fc2(F.gelu(self.fc1(x)))


def bench_fno(batch: int, size: int, width: int, modes: int, device: str, samples: int) -> dict:
    torch.manual_seed(0)
    model = FNO2d(width, modes).to(device)
    g = torch.Generator(device="cpu").manual_seed(1)
    a = torch.randn(batch, size, size, 1, generator=g).to(device)
    y = torch.randn(batch, size, size, 1, generator=g).to(device)

    def step() -> None:
        model.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(a), y)
        loss.backward()

    reps = 5 if device == "cuda" else 1
    result = timed(step, device, samples, reps)
    result.update(
        case=f"FNO-2D fwd+bwd batch {batch}, {size}^2, width {width}, modes {modes}",
        batch=batch,
        size=size,
        width=width,
        modes=modes,
        params=sum(p.numel() * (2 if p.is_complex() else 1) for p in model.parameters()),
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--small", action="store_true", help="tiny sizes (CPU smoke test)")
    parser.add_argument("--matmul", default=None, help="comma-separated sizes")
    parser.add_argument("--fft-batch", default=None, help="B1xB2, e.g. 64x32")
    parser.add_argument("--fft-size", type=int, default=None)
    parser.add_argument("--samples", type=int, default=None)
    args = parser.parse_args()

    if args.device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"error": "torch.cuda.is_available() is False"}))
        return 2
    # Full f32 on both sides: TF32 would make cuBLAS/cuDNN ~4x faster at ~1e-3 relative error.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")

    small = args.small
    sizes = [int(s) for s in (args.matmul or ("64,128" if small else "1024,2048,4096")).split(",")]
    fft_batch = tuple(int(s) for s in (args.fft_batch or ("2x2" if small else "64x32")).split("x"))
    fft_size = args.fft_size or (32 if small else 256)
    samples = args.samples or (3 if small else 7)
    fno = dict(batch=2, size=16, width=8, modes=4) if small else dict(batch=20, size=32, width=20, modes=8)

    rows = []
    for n in sizes:
        rows.append({"workload": "matmul", **bench_matmul(n, args.device, samples)})
    rows.append({"workload": "fft", **bench_fft(fft_batch, fft_size, args.device, samples)})
    rows.append({"workload": "fno", **bench_fno(device=args.device, samples=samples, **fno)})
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
    device_name = torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu"
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "device": device_name,
                "tf32": False,
                "threads": torch.get_num_threads(),
                "rows": rows,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
