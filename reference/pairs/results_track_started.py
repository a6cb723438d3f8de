"""task_track_started=True: the state while the task runs (0.5 s into a 2 s sleep), then after."""
import time

from refcommon import make_app, flush_all, Worker, emit

app = make_app('results_track_started', task_track_started=True)


@app.task(name='ref.slow')
def slow():
    time.sleep(2)
    return 1


if __name__ == '__main__':
    flush_all()
    with Worker('results_track_started'):
        r = slow.delay()
        deadline = time.time() + 10
        while r.state == 'PENDING' and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)
        running = r.state
        r.get(timeout=10)
        emit({'state_running': running, 'state_done': r.state}, description=__doc__)
