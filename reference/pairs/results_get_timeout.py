"""get(timeout=1) on a task that sleeps 3 s: the error, when it is raised, and the state then."""
import time

from refcommon import make_app, flush_all, Worker, emit

app = make_app('results_get_timeout')


@app.task(name='ref.slow')
def slow():
    time.sleep(3)
    return 1


if __name__ == '__main__':
    flush_all()
    with Worker('results_get_timeout'):
        r = slow.delay()
        t0 = time.time()
        try:
            r.get(timeout=1)
            err = None
        except Exception as e:
            err = type(e).__name__
        at = time.time() - t0
        emit({'error': err, 'raised_at_s': round(at, 3), 'state': r.state}, tolerance={'raised_at_s': 0.05},
             description=__doc__)
