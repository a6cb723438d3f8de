"""Redis, acks_late + reject_on_worker_lost: the pool child running the task is SIGKILLed 1 s in.
How long after the kill the task runs again (redelivered flag), with concurrency=1 and with 2
(where an idle child exists), and the final state. Two modes on Celery 5.2.6 + Redis: the re-run ~0.11-0.21 s
after the kill, or (in about 1 run of 5) ~4.06-4.12 s; the first two runs (2026-12-04, a loaded machine) gave
0.7-1.1 s, not seen again in 16 runs since."""
import os
import signal
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('acks_late_redis_child_killed_requeue')


@app.task(bind=True, name='ref.late', acks_late=True, reject_on_worker_lost=True)
def late(self, case):
    record(case, redelivered=bool(self.request.delivery_info.get('redelivered')))
    time.sleep(2)
    return 'done'


def one(concurrency):
    case = 'c%d' % concurrency
    with Worker('acks_late_redis_child_killed_requeue', concurrency=concurrency):
        r = late.delay(case)
        deadline = time.time() + 10
        while not read(case) and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(1)
        t_kill = time.time()
        os.kill(read(case)[0]['pid'], signal.SIGKILL)
        r.get(timeout=30)
        runs = read(case)
    return {'executions_' + case: len(runs), 'redelivered_' + case: [x['redelivered'] for x in runs],
            'rerun_after_kill_s_' + case: round(runs[1]['t'] - t_kill, 3), 'state_' + case: r.state}


if __name__ == '__main__':
    flush_all()
    values = {**one(1), **one(2)}
    emit(values, tolerance={'rerun_after_kill_s_c1': 0.05, 'rerun_after_kill_s_c2': 0.05}, description=__doc__,
         split={'rerun_after_kill_s_c1': 0.5, 'rerun_after_kill_s_c2': 0.5})
