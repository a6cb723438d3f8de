"""Redis backend, group of three on concurrency=3: member 0 fails after 0.6 s (ValueError), member 1
fails after 0.2 s (KeyError), member 2 succeeds after 1 s. Which error GroupResult.get() raises, and when."""
import time

from refcommon import make_app, flush_all, Worker, emit

app = make_app('results_group_get_several_fail')


@app.task(name='ref.fail_after')
def fail_after(kind, delay_s):
    time.sleep(delay_s)
    raise {'ValueError': ValueError, 'KeyError': KeyError}[kind]('%s after %s' % (kind, delay_s))


@app.task(name='ref.ok_after')
def ok_after(delay_s):
    time.sleep(delay_s)
    return delay_s


if __name__ == '__main__':
    from celery import group
    flush_all()
    with Worker('results_group_get_several_fail', concurrency=3):
        ok_after.delay(0).get(timeout=10)   # warm the pool
        t0 = time.time()
        res = group(fail_after.s('ValueError', 0.6), fail_after.s('KeyError', 0.2), ok_after.s(1)).apply_async()
        try:
            res.get(timeout=15)
            err = None
        except Exception as e:
            err = type(e).__name__
        raised_at = time.time() - t0
        time.sleep(1)
        states = [r.state for r in res.results]
        first_failure_stored_at = min(r.date_done.timestamp() for r in res.results if r.state == 'FAILURE') - t0
    emit({'raises': err, 'raised_at_s': round(raised_at, 3), 'states_after': states,
          'first_failure_stored_at_s': round(first_failure_stored_at, 3)},
         tolerance={'raised_at_s': 0.05, 'first_failure_stored_at_s': 0.05}, description=__doc__)
