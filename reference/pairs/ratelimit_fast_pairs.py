"""rate_limit='5/s' on one worker (c=1, prefetch x4), 20 no-op tasks sent at once: when the last starts
after the first, how many starts follow the previous one within 0.1 s (pairs), and the median of the
gaps over 0.5 s (the pause between pairs once bucket timers pile up; FINDINGS section 6)."""
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('ratelimit_fast_pairs')


@app.task(name='ref.limited', rate_limit='5/s')
def limited(i):
    record('x', i=i)


if __name__ == '__main__':
    flush_all()
    with Worker('ratelimit_fast_pairs', concurrency=1):
        rs = [limited.delay(i) for i in range(20)]
        for r in rs:
            r.get(timeout=60)
        ts = sorted(x['t'] for x in read('x'))
        rel = [t - ts[0] for t in ts]
        gaps = [b - a for a, b in zip(rel, rel[1:])]
        longs = sorted(g for g in gaps if g > 0.5)
        emit({'span_first_to_last_s': round(rel[19], 3),
              'paired_starts': sum(1 for g in gaps if g < 0.1),
              'long_gap_median_s': round(longs[len(longs) // 2], 3)},
             tolerance={'span_first_to_last_s': 0.05, 'paired_starts': 0, 'long_gap_median_s': 0.05},
             description=__doc__)
