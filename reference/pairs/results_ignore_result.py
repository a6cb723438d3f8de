"""ignore_result=True: the task runs, and its state stays PENDING (nothing stored)."""
import time

from refcommon import make_app, record, read, wait_record, flush_all, Worker, emit

app = make_app('results_ignore_result')


@app.task(name='ref.quiet', ignore_result=True)
def quiet():
    record('x', phase='ran')
    return 42


if __name__ == '__main__':
    flush_all()
    with Worker('results_ignore_result'):
        r = quiet.delay()
        wait_record('x')
        time.sleep(1)
        emit({'executions': len(read('x')), 'state': r.state, 'result': r.result}, description=__doc__)
