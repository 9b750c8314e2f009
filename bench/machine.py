"""The machine check the benchmarks print, to compare runs on a machine whose speed changes."""

import time


def machine_check() -> float:
    """The best of five runs of a fixed Python loop, in ms: how fast this machine is now (a shared virtual
    machine's speed changes from hour to hour, and with it every figure of a benchmark)."""
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)
