"""Tiny-task map: `pool.map(double, range(10**6))` on a running Pool(2) with the automatic
chunksize (CPython: len / (4 × workers) = 125,000 items per task); items/s.
"""

import time
from multiprocessing import Pool

from _common import emit, parse_args, rate_row

NAME = "Pool(2).map(tiny, range(10**6)), automatic chunksize"
ITEMS = 10**6


def double(x):
    return x * 2


def main():
    args = parse_args(__doc__)
    expected = ITEMS * (ITEMS - 1)
    seconds = []
    with Pool(2) as pool:
        pool.map(double, range(10_000))  # warmup
        for _ in range(3 if args.quick else 7):
            t0 = time.perf_counter()
            result = pool.map(double, range(ITEMS))
            seconds.append(time.perf_counter() - t0)
            assert sum(result) == expected
    emit(args, [rate_row(NAME, "items/s", ITEMS, seconds)])


if __name__ == "__main__":
    main()
