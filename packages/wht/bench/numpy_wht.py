"""numpy anchor for bench/run.mjs: an in-place iterative FWHT, one vectorized butterfly per stage.

Reads {"cases": [{"id", "n", "dtype"}], "timing": {...}} as JSON on stdin and times every case
with tools/bench-kit/bench_timing.py (the protocol of bench-kit.mjs); writes
{"info": {...}, "results": {case_id: median_ms}} on stdout.

The transform (natural order, orthonormal, like the JS side's fwht(x, {norm: "ortho"})):
for h = 1, 2, 4, ..., N/2 view x as (N / 2h, 2, h) and replace (a, b) by (a + b, a - b) with
one temporary of N/2 elements, then scale by 1/sqrt(N) in place. Checked against
scipy.linalg.hadamard at N = 2^10 before timing.
"""

import json
import os
import platform
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "bench-kit"))
from bench_timing import measure  # noqa: E402


def fwht_inplace(x):
    n = x.shape[0]
    h = 1
    while h < n:
        y = x.reshape(-1, 2, h)
        a = y[:, 0, :].copy()
        b = y[:, 1, :]
        y[:, 0, :] += b
        np.subtract(a, b, out=b)
        h *= 2
    x *= x.dtype.type(1.0 / np.sqrt(n))
    return x


def self_check():
    from scipy.linalg import hadamard

    rng = np.random.default_rng(0)
    x = rng.standard_normal(1024)
    want = hadamard(1024) @ x / 32.0
    got = fwht_inplace(x.copy())
    err = float(np.max(np.abs(got - want)))
    if err > 1e-12:
        raise SystemExit(f"numpy FWHT anchor is wrong: max error {err}")
    return err


def main():
    spec = json.load(sys.stdin)
    timing = spec["timing"]
    check = self_check()
    rng = np.random.default_rng(1)
    results = {}
    for c in spec["cases"]:
        dtype = np.float64 if c["dtype"] == "f64" else np.float32
        x = rng.standard_normal(c["n"]).astype(dtype)
        results[c["id"]] = measure(lambda x=x: fwht_inplace(x), timing)
    info = {
        "numpy": np.__version__,
        "python": platform.python_version(),
        "selfCheckMaxError": check,
        "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES", ""),
    }
    json.dump({"info": info, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
