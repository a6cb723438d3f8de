"""One prefork child (c=1, Redis, results in Redis): how long a task's own apply_async of another task takes
inside its body: the first in a fresh child (the child's first publish), and later ones; and the cycle from
the first publishing task's end to the next one's start (its result is the child's first store). Then the
same with a child that has already stored a result before its first publish (its first task stored one and
published nothing). The tasks time themselves with an O_APPEND write to a local file, as pool_child_cycle
does."""
import os
import statistics
import time

from refcommon import make_app, flush_all, Worker, emit, LOGS

N = 8


def define(name, broker='redis'):
    app = make_app(name, broker=broker)
    out = os.path.join(LOGS, name + '.times')

    @app.task(name='ref.noop', ignore_result=True, shared=False)
    def noop(i):
        pass

    @app.task(name='ref.publisher', shared=False)
    def publisher(batch, i):
        t0 = time.time()
        noop.delay(i)
        t1 = time.time()
        fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.write(fd, f'{batch} {i} {t0:.6f} {t1:.6f} {time.time():.6f}\n'.encode())
        os.close(fd)

    @app.task(name='ref.stores', shared=False)
    def stores():
        return 1

    return app, publisher, stores, out


def run_batch(name, publisher, stores, store_first):
    with Worker(name, concurrency=1):
        if store_first:
            stores.delay().get(timeout=30)
        rs = [publisher.delay('stored' if store_first else 'fresh', i) for i in range(N)]
        rs[-1].get(timeout=60)


def measure(name, publisher, stores, out, description):
    flush_all()
    if os.path.exists(out):
        os.unlink(out)
    run_batch(name, publisher, stores, False)   # a fresh worker, so a fresh child, for each
    run_batch(name, publisher, stores, True)
    rows = {}
    for line in open(out):
        batch, i, t0, t1, end = line.split()
        rows.setdefault(batch, []).append((int(i), float(t0), float(t1), float(end)))
    values = {}
    for batch in ('fresh', 'stored'):
        xs = sorted(rows[batch])
        publish_ms = [(t1 - t0) * 1000 for _, t0, t1, _ in xs]
        values[f'{batch}_first_publish_ms'] = round(publish_ms[0], 2)
        values[f'{batch}_later_publish_ms'] = round(statistics.median(publish_ms[1:]), 2)
        values[f'{batch}_first_cycle_ms'] = round((xs[1][1] - xs[0][3]) * 1000, 2)
    # One-off firsts vary by a few ms between runs (pool_child_cycle); medians by tenths.
    tolerance = {k: (0.1 if 'later' in k else 1.0) for k in values}
    emit(values, tolerance=tolerance, description=description)


app, publisher, stores, OUT = define('child_first_publish')

if __name__ == '__main__':
    measure('child_first_publish', publisher, stores, OUT, __doc__)
