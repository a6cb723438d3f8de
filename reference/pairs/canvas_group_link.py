"""group(add(1,1), add(2,2), add(3,3)).link(cb.s()): how many times cb runs and with what arguments."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('canvas_group_link')


@app.task(name='ref.add')
def add(x, y):
    return x + y


@app.task(name='ref.cb')
def cb(*args):
    record('cb', args=list(args))


if __name__ == '__main__':
    from celery import group
    flush_all()
    with Worker('canvas_group_link', concurrency=3):
        g = group(add.s(1, 1), add.s(2, 2), add.s(3, 3))
        g.link(cb.s())
        r = g.apply_async()
        values = r.get(timeout=10)
        time.sleep(2)
        calls = sorted(c['args'] for c in read('cb'))
    emit({'values': values, 'cb_calls': calls}, description=__doc__)
