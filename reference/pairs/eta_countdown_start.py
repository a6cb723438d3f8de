"""apply_async(countdown=2) with a worker up: the state before the ETA, and when the task starts after the send."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('eta_countdown_start')


@app.task(name='ref.t')
def t():
    record('x')
    return 1


if __name__ == '__main__':
    flush_all()
    with Worker('eta_countdown_start'):
        t0 = time.time()
        r = t.apply_async(countdown=2)
        time.sleep(1)
        before = r.state
        r.get(timeout=10)
        emit({'state_before_eta': before, 'started_after_send_s': round(read('x')[0]['t'] - t0, 3)},
             tolerance={'started_after_send_s': 0.05}, description=__doc__)
