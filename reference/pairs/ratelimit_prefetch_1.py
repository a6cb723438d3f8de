"""rate_limit='5/s' on one worker (c=1, prefetch multiplier 1), 20 no-op tasks sent at once: when the last starts after the first, and the pairs (FINDINGS section 6: 16.0 s, pairs every ~1-2 s)."""
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('ratelimit_prefetch_1', worker_prefetch_multiplier=1)


@app.task(name='ref.limited', rate_limit='5/s')
def limited(i):
    record('x', i=i)

if __name__ == '__main__':
    flush_all()
    with Worker('ratelimit_prefetch_1', concurrency=1):
        rs = [limited.delay(i) for i in range(20)]
        for r in rs:
            r.get(timeout=60)
        got = read('x')
        ts = sorted(x['t'] for x in got)
        rel = [t - ts[0] for t in ts]
        gaps = [b - a for a, b in zip(rel, rel[1:])]
        emit({'span_first_to_last_s': round(rel[19], 3),
              'paired_starts': sum(1 for g in gaps if g < 0.1)},
             tolerance={'span_first_to_last_s': 0.05, 'paired_starts': 0},
             description=__doc__)
