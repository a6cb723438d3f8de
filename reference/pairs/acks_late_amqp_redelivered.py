"""RabbitMQ, acks_late=True: the worker is killed (SIGKILL, whole process group) while the task runs;
a new worker gets the message again: executions, the redelivered flag the second time, final value."""
import time

from refcommon import make_app, record, read, wait_record, flush_all, Worker, emit

app = make_app('acks_late_amqp_redelivered', broker='amqp')


@app.task(bind=True, name='ref.late', acks_late=True)
def late(self):
    record('x', redelivered=bool(self.request.delivery_info.get('redelivered')))
    time.sleep(2)
    return 'done'


if __name__ == '__main__':
    flush_all()
    app.control.purge()   # the RabbitMQ queue is durable: start each run from an empty one
    w = Worker('acks_late_amqp_redelivered').start()
    try:
        r = late.delay()
        wait_record('x')
        time.sleep(0.5)
        w.kill()
    finally:
        w.stop()
    with Worker('acks_late_amqp_redelivered', name='w2'):
        value = r.get(timeout=20)
        runs = read('x')
    emit({'executions': len(runs), 'redelivered': [x['redelivered'] for x in runs], 'value': value},
         description=__doc__)
