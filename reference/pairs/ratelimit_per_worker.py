"""rate_limit='2/s' on one worker (concurrency=1), 5 no-op tasks sent at once: the gaps between starts."""
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('ratelimit_per_worker')


@app.task(name='ref.limited', rate_limit='2/s')
def limited(i):
    record('x', i=i)
    return i


if __name__ == '__main__':
    flush_all()
    with Worker('ratelimit_per_worker', concurrency=1):
        rs = [limited.delay(i) for i in range(5)]
        for r in rs:
            r.get(timeout=20)
        ts = [x['t'] for x in read('x')]
        emit({'order': [x['i'] for x in read('x')], 'span_first_to_last_s': round(ts[-1] - ts[0], 3)},
             tolerance={'span_first_to_last_s': 0.05}, description=__doc__)
