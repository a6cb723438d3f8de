"""Redis broker, no worker while sending: tasks with priority None, 9, 5, 4, 0, None, 3; then one worker
(c=1, prefetch multiplier 1) runs them. In what order."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('priority_redis_steps', worker_prefetch_multiplier=1)


@app.task(name='ref.p')
def p(label):
    record('x', label=label)


if __name__ == '__main__':
    flush_all()
    sent = [('a', None), ('b', 9), ('c', 5), ('d', 4), ('e', 0), ('f', None), ('g', 3)]
    rs = [p.apply_async((label,), priority=prio) if prio is not None else p.apply_async((label,))
          for label, prio in sent]
    time.sleep(0.5)
    with Worker('priority_redis_steps', concurrency=1):
        for r in rs:
            r.get(timeout=20)
    emit({'order': ''.join(x['label'] for x in read('x'))}, description=__doc__)
