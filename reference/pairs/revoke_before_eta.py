"""revoke() of a countdown=3 task 0.7 s after sending: the state before the ETA, the state and error after,
and whether the body ever ran."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('revoke_before_eta')


@app.task(name='ref.slow')
def slow():
    record('x', phase='ran')
    return 'finished'


if __name__ == '__main__':
    flush_all()
    with Worker('revoke_before_eta'):
        r = slow.apply_async(countdown=3)
        time.sleep(0.7)
        r.revoke()
        time.sleep(1)
        before = r.state
        try:
            r.get(timeout=10)
            err = None
        except Exception as e:
            err = '%s %s' % (type(e).__name__, e)
        time.sleep(0.5)
        emit({'state_before_eta': before, 'error': err, 'state': r.state, 'executions': len(read('x'))},
             description=__doc__)
