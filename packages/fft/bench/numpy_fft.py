"""numpy.fft anchor for bench/run.mjs.

Reads {"cases": [...], "timing": {...}} as JSON on stdin, times every case with the same
protocol as the JS side (k calls per sample so a sample lasts >= minSampleMs, warm-up for
warmupMs, then samples until both minReps and budgetMs are reached or maxReps; median time per
call), writes {"info": {...}, "results": {case_id: median_us}} on stdout.

Cases (float64 only): kind "c2c" -> np.fft.fft of a complex128 array of length n, "r2c" ->
np.fft.rfft of a float64 array, "c2c2d" -> np.fft.fft2 of an n x n complex128 array. Inputs are
made once; numpy allocates each result, as users' calls do.

run.mjs starts this with GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:
glibc.malloc.trim_threshold=4294967295 (see the notes, tensor-core.md) so glibc keeps freed
memory and numpy's per-call output arrays do not pay for fresh pages; the value seen is
reported in "info".
"""

import json
import os
import platform
import sys
import time

import numpy as np


def measure(fn, timing):
    calls = 0
    c0 = time.perf_counter()
    while True:
        fn()
        calls += 1
        if (time.perf_counter() - c0) * 1e3 >= timing["minSampleMs"] or calls >= 1_000_000:
            break
    per_call_ms = (time.perf_counter() - c0) * 1e3 / calls
    k = max(1, int(-(-timing["minSampleMs"] // per_call_ms)))
    w0 = time.perf_counter()
    while (time.perf_counter() - w0) * 1e3 < timing["warmupMs"]:
        fn()
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        t1 = time.perf_counter()
        times.append((t1 - t0) / k * 1e6)
        if len(times) >= timing["maxReps"]:
            break
        if len(times) >= timing["minReps"] and (t1 - start) * 1e3 >= timing["budgetMs"]:
            break
    times.sort()
    m = len(times)
    return times[(m - 1) // 2] if m % 2 else 0.5 * (times[m // 2 - 1] + times[m // 2])


def case_fn(c, rng):
    n = c["n"]
    if c["kind"] == "c2c":
        x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
        return lambda: np.fft.fft(x)
    if c["kind"] == "r2c":
        x = rng.standard_normal(n)
        return lambda: np.fft.rfft(x)
    if c["kind"] == "c2c2d":
        x = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
        return lambda: np.fft.fft2(x)
    return None


def main():
    spec = json.load(sys.stdin)
    timing = spec["timing"]
    rng = np.random.default_rng(1)
    results = {}
    for c in spec["cases"]:
        if c.get("dtype") != "f64":
            continue
        fn = case_fn(c, rng)
        if fn is None:
            continue
        results[c["id"]] = measure(fn, timing)
    info = {
        "numpy": np.__version__,
        "python": platform.python_version(),
        "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES"),
        "fft_backend": "pocketfft (numpy.fft)",
    }
    json.dump({"info": info, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
