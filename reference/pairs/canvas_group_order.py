"""group of 5 finishing in reverse order (sleep 1 - 0.2 i) on concurrency=5: get() returns submission order."""
import time

from refcommon import make_app, flush_all, Worker, emit

app = make_app('canvas_group_order')


@app.task(name='ref.slow_add')
def slow_add(x, y, d):
    time.sleep(d)
    return x + y


if __name__ == '__main__':
    from celery import group
    flush_all()
    with Worker('canvas_group_order', concurrency=5):
        r = group(slow_add.s(i, i, 1 - i * 0.2) for i in range(5)).apply_async()
        emit({'values': r.get(timeout=10)}, description=__doc__)
