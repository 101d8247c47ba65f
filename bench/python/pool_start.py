"""Pool start: `with Pool(2) as pool: pool.map(tiny, [1, 2], chunksize=1)` — two worker
processes started, a task on each, then terminated (the `with` block's exit). ms per pool.

Compared with polycore's `new Pool(2)`, `map(tiny, [1, 2], { chunksize: 1 })`, `terminate()`
(bench/seeds_bench.ts). On Linux CPython 3.11 starts workers with `fork`.
"""

import time
from multiprocessing import Pool

from _common import emit, parse_args, row

NAME = "Pool(2): start, 2 tiny tasks, terminate"


def tiny(x):
    return x + 1


def sample():
    t0 = time.perf_counter()
    with Pool(2) as pool:
        result = pool.map(tiny, [1, 2], chunksize=1)
    elapsed = time.perf_counter() - t0
    assert result == [2, 3]
    return elapsed * 1000


def main():
    args = parse_args(__doc__)
    sample()  # warmup
    times = [sample() for _ in range(5 if args.quick else 15)]
    emit(args, [row(NAME, "ms", times)])


if __name__ == "__main__":
    main()
