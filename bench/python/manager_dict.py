"""Manager dict writes: 4 worker processes of a running Pool(4) each do `d[f"{id}:{i}"] = i`
2,000 times (sequential writes through a `Manager().dict()` proxy, all four at once); ops/s.
"""

import time
from multiprocessing import Manager, Pool

from _common import emit, parse_args, rate_row

NAME = "Manager dict writes: 4 workers at once"
WORKERS = 4
WRITES = 2_000


def write_many(shared, worker, count):
    for i in range(count):
        shared[f"{worker}:{i}"] = i
    return count


def main():
    args = parse_args(__doc__)
    seconds = []
    with Manager() as manager, Pool(WORKERS) as pool:
        shared = manager.dict()
        pool.starmap(write_many, [(shared, -1, 10)] * WORKERS, chunksize=1)  # warmup
        for _ in range(3 if args.quick else 7):
            t0 = time.perf_counter()
            done = pool.starmap(
                write_many, [(shared, w, WRITES) for w in range(WORKERS)], chunksize=1
            )
            seconds.append(time.perf_counter() - t0)
            assert sum(done) == WORKERS * WRITES
    emit(args, [rate_row(NAME, "ops/s", WORKERS * WRITES, seconds)])


if __name__ == "__main__":
    main()
