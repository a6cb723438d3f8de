"""concurrency=1; a 5 s task runs, a second is queued; revoke(terminate=True) of the first 1 s after it
started: how long until the second task starts (the pool slot takes work again), in which process.
Two modes on Celery 5.2.6 + Redis, whatever the task's length: ~0.13-0.22 s or ~4.0-4.5 s."""
import os
import time

from refcommon import make_app, record, read, wait_record, flush_all, Worker, emit

app = make_app('revoke_terminate_slot_reuse')


@app.task(name='ref.slow')
def slow(i):
    record('x', phase='start', i=i)
    time.sleep(float(os.environ.get('REF_SLOW_S', '5')))
    return i


if __name__ == '__main__':
    flush_all()
    with Worker('revoke_terminate_slot_reuse', concurrency=1) as w:
        a = slow.delay(1)
        b = slow.delay(2)
        wait_record('x')
        time.sleep(1)
        t_revoke = time.time()
        a.revoke(terminate=True)
        b.get(timeout=20)
        starts = {x['i']: x for x in read('x')}
    emit({'a_state': a.state, 'b_state': b.state,
          'b_starts_after_revoke_s': round(starts[2]['t'] - t_revoke, 3),
          'b_in_new_process': starts[2]['pid'] != starts[1]['pid']},
         tolerance={'b_starts_after_revoke_s': 0.05}, split={'b_starts_after_revoke_s': 1.0}, description=__doc__)
