"""numpy anchor for bench/run.mjs.

Reads {"cases": [...], "timing": {...}} as JSON on stdin, times every case with the same
protocol as the JS side (warm-up, then repeats until both a minimum count and a time budget
are reached, median reported), writes {"info": {...}, "results": {case_id: median_ms}} on stdout.

run.mjs starts this with GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:
glibc.malloc.trim_threshold=4294967295 so glibc keeps freed memory and numpy's per-call output
arrays do not pay for fresh pages (~6 us / 4 KiB on these VMs); OPENBLAS_CORETYPE and thread
settings are left as they are and only recorded.
"""

import json
import os
import platform
import sys
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools" / "bench-kit"))
from bench_timing import measure  # noqa: E402 - the shared protocol, found through sys.path


def blas_info():
    info = {
        "numpy": np.__version__,
        "python": platform.python_version(),
        "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
    }
    try:
        from threadpoolctl import threadpool_info

        info["threadpoolctl"] = threadpool_info()
    except ImportError:
        info["threadpoolctl"] = None
        # Fallback: ask the OpenBLAS bundled with numpy directly (core it picked, threads).
        try:
            import ctypes
            import glob

            libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
            if libs:
                lib = ctypes.CDLL(libs[0])
                for key, sym, restype in [
                    ("corename", "scipy_openblas_get_corename64_", ctypes.c_char_p),
                    ("num_threads", "scipy_openblas_get_num_threads64_", ctypes.c_int),
                    ("config", "scipy_openblas_get_config64_", ctypes.c_char_p),
                ]:
                    if hasattr(lib, sym):
                        f = getattr(lib, sym)
                        f.restype = restype
                        v = f()
                        info["openblas_" + key] = v.decode() if isinstance(v, bytes) else v
        except Exception as e:  # noqa: BLE001 - best effort only
            info["openblas_error"] = str(e)
    return info


def make_case(c, rng):
    dt = np.float32 if c["dtype"] == "float32" else np.float64
    kind = c["kind"]
    if kind == "matmul":
        n = c["n"]
        a = rng.standard_normal((n, n)).astype(dt)
        b = rng.standard_normal((n, n)).astype(dt)
        return lambda: np.matmul(a, b)
    if kind == "fma":
        n = c["n"]
        a, b, d = (rng.standard_normal(n).astype(dt) for _ in range(3))
        return lambda: a * b + d
    if kind == "tanh":
        x = rng.standard_normal(c["n"]).astype(dt)
        return lambda: np.tanh(x)
    if kind in ("conv", "convDx", "convDw"):
        B, C, O, H, W, k, p = (c[key] for key in ("B", "C", "O", "H", "W", "k", "pad"))
        x = rng.standard_normal((B, C, H, W)).astype(dt)
        w = rng.standard_normal((O, C, k, k)).astype(dt)
        dy = rng.standard_normal((B, O, H, W)).astype(dt)  # stride 1, "same" padding
        if kind == "conv":
            # im2col as numpy users write it: a strided window view, contracted by tensordot
            # (which copies the windows into a column matrix and calls BLAS gemm).
            def fwd():
                xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
                cols = sliding_window_view(xp, (k, k), axis=(2, 3))  # [B, C, H, W, k, k]
                y = np.tensordot(w, cols, axes=([1, 2, 3], [1, 4, 5]))  # [O, B, H, W]
                return np.ascontiguousarray(y.transpose(1, 0, 2, 3))

            return fwd
        if kind == "convDx":
            # dx = correlation of padded dy with the flipped, channel-swapped filter.
            wf = np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))  # [C, O, k, k]

            def dx():
                q = k - 1 - p
                dp = np.pad(dy, ((0, 0), (0, 0), (q, q), (q, q)))
                cols = sliding_window_view(dp, (k, k), axis=(2, 3))  # [B, O, H, W, k, k]
                g = np.tensordot(wf, cols, axes=([1, 2, 3], [1, 4, 5]))  # [C, B, H, W]
                return np.ascontiguousarray(g.transpose(1, 0, 2, 3))

            return dx

        def dw():
            xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
            cols = sliding_window_view(xp, (k, k), axis=(2, 3))  # [B, C, H, W, k, k]
            return np.tensordot(dy, cols, axes=([0, 2, 3], [0, 2, 3]))  # [O, C, k, k]

        return dw
    raise ValueError(f"unknown case kind {kind}")


def main():
    spec = json.load(sys.stdin)
    rng = np.random.default_rng(0)
    results = {}
    for c in spec["cases"]:
        fn = make_case(c, rng)
        results[c["id"]] = measure(fn, spec["timing"])
    json.dump({"info": blas_info(), "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
