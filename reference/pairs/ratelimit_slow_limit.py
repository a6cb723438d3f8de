"""rate_limit='10/m' on one worker (c=1), 4 no-op tasks sent at once: the start times after the first."""
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('ratelimit_slow_limit')


@app.task(name='ref.limited', rate_limit='10/m')
def limited(i):
    record('x', i=i)


if __name__ == '__main__':
    flush_all()
    with Worker('ratelimit_slow_limit', concurrency=1):
        rs = [limited.delay(i) for i in range(4)]
        for r in rs:
            r.get(timeout=40)
        ts = [x['t'] for x in read('x')]
        emit({'gap_1_s': round(ts[1] - ts[0], 3), 'gap_2_s': round(ts[2] - ts[1], 3), 'gap_3_s': round(ts[3] - ts[2], 3)},
             tolerance={'gap_1_s': 0.05, 'gap_2_s': 0.05, 'gap_3_s': 0.05}, description=__doc__)
