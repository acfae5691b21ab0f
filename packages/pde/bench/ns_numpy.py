"""numpy anchor of bench/run.mjs: one IF-RK4 step of 2-D Navier-Stokes (vorticity form, 2/3
dealiasing, FNO forcing) for a batch, the same scheme as src/navier-stokes.ts (20 real 2-D FFT
pairs per step: 4 stages x (4 inverse + 1 forward) over the batch axis), and the Darcy 5-point
system solved by scipy.sparse.linalg.spsolve (SuperLU). Reads a JSON spec on stdin, prints JSON
{case: median ms} on stdout. Timing protocol: tools/bench-kit/bench_timing.py.
"""
import json
import os
import sys

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "bench-kit"))
from bench_timing import measure  # noqa: E402


def ns_case(s, batch, nu=1e-3, dt=1e-3):
    k = np.fft.fftfreq(s, 1.0 / s)
    kx = 2 * np.pi * k[:, None]
    ky = 2 * np.pi * np.arange(s // 2 + 1)[None, :]
    lap = kx**2 + ky**2
    inv = np.where(lap == 0, 0.0, 1.0 / np.where(lap == 0, 1.0, lap))
    cut = (2.0 / 3.0) * (s / 2)
    mask = ((np.abs(k)[:, None] <= cut) & (np.arange(s // 2 + 1)[None, :] <= cut)).astype(float)
    x = np.arange(s) / s
    X, Y = np.meshgrid(x, x, indexing="ij")
    fh = np.fft.rfft2(0.1 * (np.sin(2 * np.pi * (X + Y)) + np.cos(2 * np.pi * (X + Y))))
    e1 = np.exp(-0.5 * nu * lap * dt)
    e2 = e1 * e1
    rng = np.random.default_rng(0)
    state = {"wh": np.fft.rfft2(rng.standard_normal((batch, s, s)) * 0.3)}

    def nonlinear(wh):
        psi = wh * inv
        u = np.fft.irfft2(1j * ky * psi, s=(s, s))
        v = np.fft.irfft2(-1j * kx * psi, s=(s, s))
        wx = np.fft.irfft2(1j * kx * wh, s=(s, s))
        wy = np.fft.irfft2(1j * ky * wh, s=(s, s))
        return -mask * np.fft.rfft2(u * wx + v * wy) + fh

    def step():
        wh = state["wh"]
        a = nonlinear(wh)
        b = nonlinear(e1 * (wh + 0.5 * dt * a))
        c = nonlinear(e1 * wh + 0.5 * dt * b)
        d = nonlinear(e2 * wh + dt * e1 * c)
        state["wh"] = e2 * wh + dt / 6 * (e2 * a + 2 * e1 * (b + c) + d)

    return step


def darcy_case(s, a):
    n = s - 2
    h = 1.0 / (s - 1)
    A = np.asarray(a).reshape(s, s)
    idx = np.arange(n * n).reshape(n, n)
    rows, cols, vals = [], [], []
    diag = np.zeros((n, n))
    for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        w = 0.5 * (A[1:-1, 1:-1] + A[1 + di : s - 1 + di, 1 + dj : s - 1 + dj]) / h**2
        diag += w
        ii = np.arange(n)[:, None] + di + np.zeros((1, n), int)
        jj = np.arange(n)[None, :] + dj + np.zeros((n, 1), int)
        ok = (ii >= 0) & (ii < n) & (jj >= 0) & (jj < n)
        rows.append(idx[ok])
        cols.append(idx[ii[ok], jj[ok]])
        vals.append(-w[ok])
    rows.append(idx.ravel())
    cols.append(idx.ravel())
    vals.append(diag.ravel())

    def solve():
        # assembly + factorization + solve, as one call (what a user of spsolve pays)
        M = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n * n, n * n))
        spla.spsolve(M, np.ones(n * n))

    return solve


def main():
    spec = json.load(sys.stdin)
    timing = spec["timing"]
    out = {}
    for case in spec["cases"]:
        if case["kind"] == "ns":
            fn = ns_case(case["s"], case["batch"])
        else:
            fn = darcy_case(case["s"], case["a"])
        out[case["id"]] = measure(fn, timing)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
