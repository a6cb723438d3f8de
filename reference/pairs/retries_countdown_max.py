"""A task that always retries with countdown=1 and max_retries=2: how many times it runs, the retries it
saw, the error get() raises, and when the failure is stored after the first start."""
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('retries_countdown_max')


@app.task(bind=True, name='ref.flaky', max_retries=2)
def flaky(self):
    record('x', retries=self.request.retries)
    raise self.retry(exc=ValueError('boom'), countdown=1)


if __name__ == '__main__':
    flush_all()
    with Worker('retries_countdown_max'):
        r = flaky.delay()
        try:
            r.get(timeout=20)
            err = None
        except Exception as e:
            err = '%s %s' % (type(e).__name__, e)
        runs = read('x')
        emit({'executions': len(runs), 'retries_seen': [x['retries'] for x in runs], 'error': err,
              'state': r.state, 'failed_at_s': round(r.date_done.timestamp() - runs[0]['t'], 3)},
             tolerance={'failed_at_s': 0.1}, description=__doc__)
