"""countdown=2 with expires=1: PENDING before the ETA, then REVOKED with TaskRevokedError('expired'); never runs."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('revoke_expired_at_eta')


@app.task(name='ref.t')
def t():
    record('x', phase='ran')
    return 1


if __name__ == '__main__':
    flush_all()
    with Worker('revoke_expired_at_eta'):
        r = t.apply_async(countdown=2, expires=1)
        time.sleep(1.5)
        before = r.state
        try:
            r.get(timeout=10)
            err = None
        except Exception as e:
            err = '%s %s' % (type(e).__name__, e)
        emit({'state_before_eta': before, 'error': err, 'state': r.state, 'executions': len(read('x'))},
             description=__doc__)
