"""soft_time_limit=3 longer than time_limit=2, the task sleeps 5 s: which limit strikes, when, with what."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('tl_soft_longer_than_hard')


@app.task(name='ref.soft_longer', soft_time_limit=3, time_limit=2)
def soft_longer():
    record('x', phase='start')
    time.sleep(5)
    return 'finished'


if __name__ == '__main__':
    flush_all()
    with Worker('tl_soft_longer_than_hard'):
        r = soft_longer.delay()
        try:
            r.get(timeout=15)
            err = None
        except Exception as e:
            err = type(e).__name__ + ' ' + str(e)
        rec = {x['phase']: x['t'] for x in read('x')}
        done = r.date_done.timestamp()
    emit({'error': err, 'state': r.state, 'failed_at_s': round(done - rec['start'], 3)},
         tolerance={'failed_at_s': 0.05}, description=__doc__)
