"""rate_limit='5/s' on two workers (c=1 each, prefetch x4), 20 no-op tasks sent at once: when the last starts after the first, and how many each worker ran (FINDINGS section 6: 1.98 and 3.33 s, 10+10 or 11+9)."""
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('ratelimit_two_workers')


@app.task(bind=True, name='ref.limited', rate_limit='5/s')
def limited(self, i):
    record('x', i=i, host=self.request.hostname)

if __name__ == '__main__':
    flush_all()
    with Worker('ratelimit_two_workers', 'w1', concurrency=1), Worker('ratelimit_two_workers', 'w2', concurrency=1):
        rs = [limited.delay(i) for i in range(20)]
        for r in rs:
            r.get(timeout=60)
        got = read('x')
        ts = sorted(x['t'] for x in got)
        rel = [t - ts[0] for t in ts]
        gaps = [b - a for a, b in zip(rel, rel[1:])]
        emit({'span_first_to_last_s': round(rel[19], 3),
              'paired_starts': sum(1 for g in gaps if g < 0.1),
              'tasks_on_busier_worker': max(sum(1 for x in got if x['host'] == h) for h in ('w1@ref', 'w2@ref'))},
             tolerance={'span_first_to_last_s': 0.05, 'paired_starts': 0, 'tasks_on_busier_worker': 0},
             description=__doc__)
