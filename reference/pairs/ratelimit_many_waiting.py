"""rate_limit='9/s' on one worker (c=1, prefetch x4), 100 tasks of 0.02 s sent at once (lab p3's
one-worker variant): when the last starts after the first, and how many gaps between starts exceed
1.5 s. Each refused request adds a bucket timer to the worker's event loop; with many waiting, more
than ten fall due at once, fire_timers stops at ten and poll sleeps its 1 s: pairs ~1.1 s apart, then
~2 s apart once the wakes of a pair (writes, the child's ACKs and results, arrivals) no longer fire
every due timer."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('ratelimit_many_waiting')


@app.task(name='ref.limited', rate_limit='9/s')
def limited(i):
    record('x', i=i)
    time.sleep(0.02)


if __name__ == '__main__':
    flush_all()
    with Worker('ratelimit_many_waiting', concurrency=1):
        rs = [limited.delay(i) for i in range(100)]
        for r in rs:
            r.get(timeout=200)
        ts = sorted(x['t'] for x in read('x'))
        gaps = [b - a for a, b in zip(ts, ts[1:])]
        emit({'span_first_to_last_s': round(ts[-1] - ts[0], 3),
              'gaps_over_1_5_s': sum(1 for g in gaps if g > 1.5)},
             tolerance={'span_first_to_last_s': 1.0, 'gaps_over_1_5_s': 1},
             description=__doc__)
