"""chain(a, chord([ok, ok], body that fails), after) with link_error=errback on the chain: how many
times the errback runs, and for which tasks; the state of the chain's last result."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('canvas_chain_chord_body_fails_link_error')


@app.task(name='ref.add')
def add(x, y):
    return x + y


@app.task(name='ref.body_fails')
def body_fails(xs):
    raise ValueError('body failed with %r' % (sorted(xs),))


@app.task(name='ref.errback')
def errback(request, exc, traceback):
    record('errback', task=request.task, exc='%s: %s' % (type(exc).__name__, exc))


if __name__ == '__main__':
    from celery import chain, chord
    flush_all()
    with Worker('canvas_chain_chord_body_fails_link_error', concurrency=4):
        res = chain(add.s(1, 1), chord([add.s(1), add.s(2)], body_fails.s()), add.s(100, 0)) \
            .apply_async(link_error=errback.s())
        try:
            res.get(timeout=15)
            err = None
        except Exception as e:
            err = '%s: %s' % (type(e).__name__, e)
        time.sleep(2)   # errbacks run as their own tasks, after the failure is stored
        calls = sorted((c['task'], c['exc']) for c in read('errback'))
    emit({'get_raises': err, 'last_state': res.state, 'errback_calls': len(calls),
          'errback_for': [t for t, _ in calls], 'errback_exc': sorted(set(e for _, e in calls))},
         description=__doc__)
