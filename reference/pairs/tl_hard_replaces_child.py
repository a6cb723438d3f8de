"""time_limit=2 on concurrency=1, then a second task: the error, when it is stored after the start, and
whether the second task runs in a new pool process (the hard limit kills the child)."""
import os
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('tl_hard_replaces_child')


@app.task(name='ref.hard', time_limit=2)
def hard():
    record('x', phase='start')
    time.sleep(5)
    return 'finished'


@app.task(name='ref.after')
def after():
    record('x', phase='after')
    return os.getpid()


if __name__ == '__main__':
    flush_all()
    with Worker('tl_hard_replaces_child', concurrency=1):
        r = hard.delay()
        try:
            r.get(timeout=15)
            err = None
        except Exception as e:
            err = '%s %s' % (type(e).__name__, e)
        after.delay().get(timeout=15)
        rec = {x['phase']: x for x in read('x')}
        emit({'error': err, 'state': r.state, 'failed_at_s': round(r.date_done.timestamp() - rec['start']['t'], 3),
              'next_task_in_new_process': rec['after']['pid'] != rec['start']['pid']},
             tolerance={'failed_at_s': 0.05}, description=__doc__)
