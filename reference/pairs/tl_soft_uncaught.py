"""soft_time_limit=1, not caught, the task sleeps 3 s: the error, the state and when it is stored after the start."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('tl_soft_uncaught')


@app.task(name='ref.soft_uncaught', soft_time_limit=1)
def soft_uncaught():
    record('x', phase='start')
    time.sleep(3)
    return 'finished'


if __name__ == '__main__':
    flush_all()
    with Worker('tl_soft_uncaught'):
        r = soft_uncaught.delay()
        try:
            r.get(timeout=15)
            err = None
        except Exception as e:
            err = type(e).__name__
        start = read('x')[0]['t']
        emit({'error': err, 'state': r.state, 'failed_at_s': round(r.date_done.timestamp() - start, 3)},
             tolerance={'failed_at_s': 0.05}, description=__doc__)
