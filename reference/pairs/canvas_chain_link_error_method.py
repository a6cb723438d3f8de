"""chain(add(1,1), chord([add(1), add(2)], body that fails)).link_error(errback): the signature method,
not the apply option. How many times the errback runs, and for which task."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('canvas_chain_link_error_method')


@app.task(name='ref.add')
def add(x, y):
    return x + y


@app.task(name='ref.body_fails')
def body_fails(xs):
    raise ValueError('body failed')


@app.task(name='ref.errback')
def errback(request, exc, traceback):
    record('errback', task=request.task)


if __name__ == '__main__':
    from celery import chain, chord
    flush_all()
    with Worker('canvas_chain_link_error_method', concurrency=4):
        c = chain(add.s(1, 1), chord([add.s(1), add.s(2)], body_fails.s()))
        c.link_error(errback.s())
        res = c.apply_async()
        try:
            res.get(timeout=15)
        except Exception:
            pass
        time.sleep(2)
        calls = sorted(x['task'] for x in read('errback'))
    emit({'errback_calls': len(calls), 'errback_for': calls}, description=__doc__)
