"""Reference points for test/generators-*.test.ts, from scipy.stats.qmc (unscrambled).

Writes test/fixtures/generators-scipy.json:
  sobol50:      Sobol(d=50, scramble=False).random(1024) as integers x * 2^30 (scipy's 30 bits)
  sobol21201:   Sobol(d=21201) points 0..7 and points 70001, 70002 (fast_forward), on a
                subset of dimensions (every 7th dimension and the last 100), integers x * 2^30
  halton20:     Halton(d=20, scramble=False).random(512) as float64 (repr round-trips exactly)
  halton20_ff:  Halton(d=20) points 100003 .. 123456799 (fast_forward)
Run: python3 scripts/make-generator-fixtures.py   (numpy 2.4, scipy 1.17 here)
"""
import json
import os
import warnings

import numpy as np
import scipy
from scipy.stats import qmc

warnings.simplefilter("ignore")  # scipy warns about n not a power of 2
here = os.path.dirname(os.path.abspath(__file__))
out_path = os.path.join(here, "..", "test", "fixtures", "generators-scipy.json")


def ints30(x):
    v = np.asarray(x) * 2.0**30
    assert np.all(v == np.floor(v))
    return v.astype(np.int64).ravel().tolist()


s50 = qmc.Sobol(d=50, scramble=False).random(1024)

big = qmc.Sobol(d=21201, scramble=False)
first8 = big.random(8)
big.fast_forward(70001 - 8)
far = big.random(2)
dims = sorted(set(range(0, 21201, 7)) | set(range(21201 - 100, 21201)))

h = qmc.Halton(d=20, scramble=False)
h20 = h.random(512)
hf = qmc.Halton(d=20, scramble=False)
hf.fast_forward(100003)
h20ff = hf.random(11)

data = {
    "scipy": scipy.__version__,
    "sobol50": {"d": 50, "n": 1024, "bits": 30, "x": ints30(s50)},
    "sobol21201": {
        "d": 21201,
        "bits": 30,
        "dims": dims,
        "indices": list(range(8)) + [70001, 70002],
        "x": ints30(np.vstack([first8, far])[:, dims]),
    },
    "halton20": {"d": 20, "n": 512, "x": [float(v) for v in h20.ravel()]},
    "halton20_ff": {"d": 20, "start": 100003, "n": 11, "x": [float(v) for v in h20ff.ravel()]},
}
with open(out_path, "w") as f:
    json.dump(data, f, separators=(",", ":"))
print("wrote", out_path, os.path.getsize(out_path), "bytes")
