"""scipy.stats.qmc anchor for bench/run.mjs.

Reads {"cases": [...], "timing": {...}} as JSON on stdin; each case {id, gen: "sobol"|"halton",
d, n, scramble} is timed as scipy's own call (a fresh generator object, then .random(n); the
Sobol' case calls random_base2(m)), under the bench-kit protocol (bench_timing.measure: warm-up,
median of repeated runs). Writes {"info": {...}, "results": {id: median_ms}} on stdout.
run.mjs starts it with GLIBC_TUNABLES keeping freed memory (no fresh-page faults per call).
"""

import json
import math
import os
import platform
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools", "bench-kit"))
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from bench_timing import measure  # noqa: E402
from scipy.stats import qmc  # noqa: E402

spec = json.load(sys.stdin)
results = {}
for case in spec["cases"]:
    d, n, scramble = case["d"], case["n"], case["scramble"]
    if case["gen"] == "sobol":
        m = int(math.log2(n))

        def run():
            qmc.Sobol(d=d, scramble=scramble, seed=7).random_base2(m)
    else:

        def run():
            qmc.Halton(d=d, scramble=scramble, seed=7).random(n)

    results[case["id"]] = measure(run, spec["timing"])
info = {
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES", ""),
}
print(json.dumps({"info": info, "results": results}))
