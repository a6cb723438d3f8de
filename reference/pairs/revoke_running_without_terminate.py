"""revoke() without terminate of a task that is running (1 s into a 2 s sleep): it finishes; state and value."""
import time

from refcommon import make_app, flush_all, Worker, emit

app = make_app('revoke_running_without_terminate')


@app.task(name='ref.slow')
def slow():
    time.sleep(2)
    return 'finished'


if __name__ == '__main__':
    flush_all()
    with Worker('revoke_running_without_terminate'):
        r = slow.delay()
        time.sleep(1)
        r.revoke()
        try:
            out = {'value': r.get(timeout=10)}
        except Exception as e:
            out = {'raised': type(e).__name__}
        emit({'get': out, 'state': r.state}, description=__doc__)
