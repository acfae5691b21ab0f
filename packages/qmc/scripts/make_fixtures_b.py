"""Reference values for the qmc tests of part B (discrepancies, cubature, kernels, CBC).

Run from packages/qmc:  python3 scripts/make_fixtures_b.py
Writes test/fixtures/discrepancy-scipy.json and test/fixtures/cubature-exact.json.

Independent references only: scipy.stats.qmc.discrepancy (its own implementation of the closed
forms, returning CD/WD/MD squared and L2-star as the root), and mpmath quadrature of the radial
form of the Keister integrand, scipy.stats.t.ppf for the Student t quantiles.
"""

import json
import pathlib

import mpmath
import numpy as np
from scipy.stats import qmc
from scipy.stats import t as student_t

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / "test" / "fixtures"


def discrepancy_cases():
    rng = np.random.default_rng(20261127)
    sets = []
    fang = (np.array([[1, 3], [2, 6], [3, 2], [4, 5], [5, 1], [6, 4]]) - 0.5) / 6
    sets.append(("fang-6x2", fang))
    sets.append(("single-point-d3", rng.random((1, 3))))
    sets.append(("uniform-40x1", rng.random((40, 1))))
    sets.append(("uniform-50x3", rng.random((50, 3))))
    sets.append(("uniform-200x5", rng.random((200, 5))))
    sets.append(("sobol-256x10", qmc.Sobol(10, scramble=True, seed=7).random(256)))
    sets.append(("halton-100x4", qmc.Halton(4, scramble=True, seed=3).random(100)))
    sets.append(("corners-4x2", np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])))
    cases = []
    for name, x in sets:
        values = {}
        for method in ["CD", "WD", "MD", "L2-star"]:
            values[method] = float(qmc.discrepancy(x, method=method))
        cases.append({"name": name, "n": x.shape[0], "d": x.shape[1],
                      "points": x.ravel().tolist(), "scipy": values})
    return {
        "about": "scipy.stats.qmc.discrepancy values: CD, WD, MD are SQUARED, L2-star is the root",
        "scipy": __import__("scipy").__version__,
        "cases": cases,
    }


def keister(d):
    """int_{R^d} cos(|x|) exp(-|x|^2) dx = |S^{d-1}| int_0^inf cos(r) exp(-r^2) r^(d-1) dr."""
    mpmath.mp.dps = 30
    radial = mpmath.quad(lambda r: mpmath.cos(r) * mpmath.exp(-r * r) * r ** (d - 1), [0, mpmath.inf])
    sphere = 2 * mpmath.pi ** (mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d) / 2)
    return float(sphere * radial)


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / "discrepancy-scipy.json").write_text(json.dumps(discrepancy_cases(), indent=1) + "\n")
    cub = {
        "about": "Keister integral int_{R^d} cos(|x|) exp(-|x|^2) dx by mpmath radial quadrature",
        "keister": {str(d): keister(d) for d in range(1, 9)},
        "aboutStudentT": "scipy.stats.t.ppf(p, nu)",
        "studentT": [{"p": p, "nu": nu, "q": float(student_t.ppf(p, nu))}
                     for nu in [1, 2, 3, 7, 15, 31, 100] for p in [0.9, 0.975, 0.995, 0.9995]],
    }
    (FIXTURES / "cubature-exact.json").write_text(json.dumps(cub, indent=1) + "\n")


if __name__ == "__main__":
    main()
