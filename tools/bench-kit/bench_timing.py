"""The benchmark timing protocol of tools/bench-kit/bench-kit.mjs, for the Python anchors.

Anchor scripts add this folder to sys.path and import `measure`.
"""

import time


def measure(fn, timing):
    """Median milliseconds of fn under the protocol `timing` (see TIMING in bench-kit.mjs)."""
    t0 = time.perf_counter()
    fn()
    slow = (time.perf_counter() - t0) * 1e3 > timing["slowMs"]
    i, w0 = 1, time.perf_counter()
    while not slow and (i < timing["warmup"] or (time.perf_counter() - w0) * 1e3 < timing["warmupMs"]):
        fn()
        i += 1
    min_reps = timing["slowMinReps"] if slow else timing["minReps"]
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
        spent = (time.perf_counter() - start) * 1e3
        if len(times) >= timing["maxReps"] or (len(times) >= min_reps and spent >= timing["budgetMs"]):
            break
    times.sort()
    n = len(times)
    return times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])
