"""ignore_result=True: the task runs, and its state stays PENDING (nothing stored)."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('results_ignore_result')


@app.task(name='ref.quiet', ignore_result=True)
def quiet():
    record('x', phase='ran')
    return 42


if __name__ == '__main__':
    flush_all()
    with Worker('results_ignore_result'):
        r = quiet.delay()
        deadline = time.time() + 10
        while not read('x') and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(1)
        emit({'executions': len(read('x')), 'state': r.state, 'result': r.result}, description=__doc__)
