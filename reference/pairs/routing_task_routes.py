"""task_routes sends ref.a to queue 'qa'; a worker consumes only 'qa': ref.a runs, ref.b (default queue
'celery') stays PENDING with its message still queued."""
import time

import redis
from refcommon import make_app, flush_all, Worker, emit, REDIS_URL

app = make_app('routing_task_routes', task_routes={'ref.a': {'queue': 'qa'}})


@app.task(name='ref.a')
def a():
    return 'a'


@app.task(name='ref.b')
def b():
    return 'b'


if __name__ == '__main__':
    flush_all()
    with Worker('routing_task_routes', extra=('-Q', 'qa')):
        ra, rb = a.delay(), b.delay()
        va = ra.get(timeout=10)
        time.sleep(1)
        emit({'a_value': va, 'b_state': rb.state,
              'celery_queue_length': redis.Redis.from_url(REDIS_URL + '/0').llen('celery')},
             description=__doc__)
