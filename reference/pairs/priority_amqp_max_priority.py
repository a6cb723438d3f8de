"""RabbitMQ, queue 'pq' declared with x-max-priority=10, no worker while sending: priority None, 1, 9, 5,
9, None; then one worker (c=1, prefetch multiplier 1) runs them. In what order."""
import time

from kombu import Queue
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('priority_amqp_max_priority', broker='amqp', worker_prefetch_multiplier=1,
               task_queues=[Queue('pq', routing_key='pq', queue_arguments={'x-max-priority': 10})],
               task_default_queue='pq')


@app.task(name='ref.p')
def p(label):
    record('x', label=label)


if __name__ == '__main__':
    flush_all()
    with app.connection_for_write() as conn:   # declare the queue before any worker exists
        app.amqp.queues['pq'].bind(conn.default_channel).declare()
        conn.default_channel.queue_purge('pq')
    sent = [('a', None), ('b', 1), ('c', 9), ('d', 5), ('e', 9), ('f', None)]
    rs = [p.apply_async((label,), priority=prio) if prio is not None else p.apply_async((label,))
          for label, prio in sent]
    time.sleep(0.5)
    with Worker('priority_amqp_max_priority', concurrency=1):
        for r in rs:
            r.get(timeout=20)
    emit({'order': ''.join(x['label'] for x in read('x'))}, description=__doc__)
