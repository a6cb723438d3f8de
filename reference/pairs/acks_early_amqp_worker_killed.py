"""RabbitMQ, default early ack: the whole worker is SIGKILLed while the task runs; a new worker starts.
Does the task run again, and what state does it keep (no track_started: PENDING)."""
import time

from refcommon import make_app, record, read, wait_record, flush_all, Worker, emit

app = make_app('acks_early_amqp_worker_killed', broker='amqp')


@app.task(name='ref.early')
def early():
    record('x')
    time.sleep(2)
    return 'done'


if __name__ == '__main__':
    flush_all()
    app.control.purge()
    w = Worker('acks_early_amqp_worker_killed').start()
    try:
        r = early.delay()
        wait_record('x')
        time.sleep(0.5)
        w.kill()
    finally:
        w.stop()
    with Worker('acks_early_amqp_worker_killed', name='w2'):
        time.sleep(4)
        emit({'executions': len(read('x')), 'state': r.state}, description=__doc__)
