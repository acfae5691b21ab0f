"""Python anchors for bench/part-b.mjs (qmc part B): scipy's discrepancy, numpy ports of the same
fast algorithms (bit-reversed FFT / FWHT diagonalization of the Gram matrix, fast CBC for prime
n), and numpy's dense Cholesky solve. Reads a JSON spec on stdin, prints {case: ms} on stdout.
Timing protocol: tools/bench-kit/bench_timing.py.
"""

import json
import pathlib
import sys

import numpy as np
import scipy.linalg
from scipy.stats import qmc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tools" / "bench-kit"))
from bench_timing import measure  # noqa: E402


def lattice_points(n, d, seed):
    """Natural-order rank-1 lattice with a Korobov-style vector and a random shift."""
    m = int(np.log2(n))
    z = np.array([1, 182667, 469891, 498753, 110745, 446247, 250185, 118627][:d], dtype=np.int64)
    i = np.arange(n)
    rev = np.zeros(n, dtype=np.int64)
    for b in range(m):
        rev |= ((i >> b) & 1) << (m - 1 - b)
    shift = np.random.default_rng(seed).random(d)
    return np.mod(np.outer(rev, z) / n + shift, 1.0)


def bernoulli2_kernel_column(x):
    delta = np.mod(x - x[0], 1.0)
    b2 = delta * delta - delta + 1 / 6
    return np.prod(1 + 2 * np.pi**2 * b2, axis=1)


def fftbr(v):
    n = len(v)
    m = int(np.log2(n))
    i = np.arange(n)
    rev = np.zeros(n, dtype=np.int64)
    for b in range(m):
        rev |= ((i >> b) & 1) << (m - 1 - b)
    return np.fft.fft(v[rev], norm="ortho"), rev


def fast_lattice_solve(x, y, nugget):
    c = bernoulli2_kernel_column(x)
    n = len(c)
    lam_hat, rev = fftbr(c)
    lam = np.sqrt(n) * lam_hat.real
    yhat, _ = fftbr(y)
    out = np.empty(n)
    out[rev] = np.fft.ifft(yhat / (lam + nugget), norm="ortho").real
    return out


def fwht(v):
    v = v.copy()
    n = len(v)
    h = 1
    while h < n:
        v = v.reshape(-1, 2, h)
        a = v[:, 0, :] + v[:, 1, :]
        b = v[:, 0, :] - v[:, 1, :]
        v = np.stack([a, b], axis=1).reshape(n)
        h *= 2
    return v


def fast_cbc_prime(n, d, gamma):
    g = primitive_root(n)
    powers = np.empty(n - 1, dtype=np.int64)
    v = 1
    for u in range(n - 1):
        powers[u] = v
        v = v * g % n
    omega = lambda x: x * x - x + 1 / 6  # noqa: E731
    table = omega(np.arange(n) / n)
    bhat = np.fft.fft(table[powers])
    p = 1 + gamma[0] * table
    z = [1]
    cand = powers <= n // 2
    for s in range(1, d):
        c = np.fft.ifft(np.conj(np.fft.fft(p[powers])) * bhat).real
        c = np.where(cand, c, np.inf)
        zs = int(powers[np.argmin(c)])
        z.append(zs)
        p = p * (1 + gamma[s] * table[(np.arange(n) * zs) % n])
    return z, p.mean() - 1


def primitive_root(p):
    m = p - 1
    factors = []
    f = 2
    while f * f <= m:
        if m % f == 0:
            factors.append(f)
            while m % f == 0:
                m //= f
        f += 1
    if m > 1:
        factors.append(m)
    for g in range(2, p):
        if all(pow(g, (p - 1) // q, p) != 1 for q in factors):
            return g
    raise ValueError(p)


def main():
    spec = json.load(sys.stdin)
    timing = spec["timing"]
    out = {}
    for case in spec["cases"]:
        kind = case["kind"]
        if kind == "discrepancy":
            x = np.random.default_rng(1).random((case["n"], case["d"]))
            fn = lambda: qmc.discrepancy(x, method=case["method"], workers=1)  # noqa: E731
        elif kind == "gram-lattice":
            x = lattice_points(case["n"], case["d"], 3)
            y = np.random.default_rng(2).random(case["n"]) - 0.5
            fn = lambda: fast_lattice_solve(x, y, 1e-8)  # noqa: E731
        elif kind == "gram-dense":
            x = lattice_points(case["n"], case["d"], 3)
            y = np.random.default_rng(2).random(case["n"]) - 0.5
            delta = np.mod(x[:, None, :] - x[None, :, :], 1.0)
            K = np.prod(1 + 2 * np.pi**2 * (delta * delta - delta + 1 / 6), axis=2) + 1e-8 * np.eye(case["n"])
            fn = lambda: scipy.linalg.cho_solve(scipy.linalg.cho_factor(K), y)  # noqa: E731
        elif kind == "fwht":
            y = np.random.default_rng(2).random(case["n"])
            fn = lambda: fwht(y)  # noqa: E731
        elif kind == "cbc-prime":
            gamma = [1 / (j + 1) ** 2 for j in range(case["d"])]
            fn = lambda: fast_cbc_prime(case["n"], case["d"], gamma)  # noqa: E731
        else:
            continue
        out[case["id"]] = measure(fn, timing)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
