"""soft_time_limit=1, time_limit=2; the task catches the soft limit and keeps running: when does the
hard limit strike, counted from the task's start, and with what error."""
import time

from celery.exceptions import SoftTimeLimitExceeded
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('tl_hard_after_caught_soft')


@app.task(name='ref.soft_then_hard', soft_time_limit=1, time_limit=2)
def soft_then_hard():
    record('x', phase='start')
    try:
        time.sleep(5)
    except SoftTimeLimitExceeded:
        record('x', phase='soft')
        time.sleep(5)
    return 'finished'


if __name__ == '__main__':
    flush_all()
    with Worker('tl_hard_after_caught_soft'):
        r = soft_then_hard.delay()
        try:
            r.get(timeout=15)
            err = None
        except Exception as e:
            err = type(e).__name__ + ' ' + str(e)
        t_end = time.time()
        rec = {x['phase']: x['t'] for x in read('x')}
        # the result is polled by get() every 0.5 s on Redis: read its stored date instead
        done = r.date_done.timestamp()
    emit({'error': err, 'state': r.state, 'soft_at_s': round(rec['soft'] - rec['start'], 3),
          'hard_at_s': round(done - rec['start'], 3)},
         tolerance={'soft_at_s': 0.05, 'hard_at_s': 0.05},
         description=__doc__)
