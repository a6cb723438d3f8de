"""Helpers shared by the real-Celery half of every pair (run by reference/run.py).

The runner starts redis-server (and rabbitmq-server when a pair needs it) on 127.0.0.1 and passes
their URLs in REF_REDIS_URL / REF_AMQP_URL. Redis db 0 is the broker, db 1 the result backend,
db 2 a side channel where tasks record what they saw inside the pool child.
Every wait here is bounded so a hung service cannot hang the runner.
"""
import json
import os
import signal
import subprocess
import sys
import time

import redis
from celery import Celery

HERE = os.path.dirname(os.path.abspath(__file__))
REDIS_URL = os.environ.get('REF_REDIS_URL', 'redis://127.0.0.1:6379')
AMQP_URL = os.environ.get('REF_AMQP_URL', 'pyamqp://guest:guest@127.0.0.1:5672//')
LOGS = os.environ.get('REF_LOG_DIR', os.path.join(HERE, 'run', 'logs'))
os.makedirs(LOGS, exist_ok=True)


def side():
    return redis.Redis.from_url(REDIS_URL + '/2', socket_timeout=10)


def make_app(name, broker='redis', **conf):
    url = AMQP_URL if broker == 'amqp' else REDIS_URL + '/0'
    app = Celery(name, broker=url, backend=REDIS_URL + '/1')
    app.conf.update(broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
                    broker_connection_timeout=10, result_backend_transport_options={'socket_timeout': 10})
    app.conf.update(conf)
    return app


def record(key, **fields):
    """Called in a pool child: append a fact (with wall time and pid) to a side list."""
    fields.setdefault('t', time.time())
    fields.setdefault('pid', os.getpid())
    side().rpush('ref:' + key, json.dumps(fields, default=repr))


def read(key):
    return [json.loads(x) for x in side().lrange('ref:' + key, 0, -1)]


def wait_record(key, timeout_s=10):
    """Wait (bounded) until a task has recorded something under `key`; return the records."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        got = read(key)
        if got:
            return got
        time.sleep(0.01)
    raise TimeoutError('nothing recorded under ' + key)


def flush_all():
    redis.Redis.from_url(REDIS_URL, socket_timeout=10).flushall()


class Worker:
    """A celery worker subprocess in its own process group, for the pair module `module`."""

    def __init__(self, module, name='w1', concurrency=1, pool='prefork', extra=()):
        self.hostname = f'{name}@ref'
        self.logpath = os.path.join(LOGS, f'{module}_{name}.log')
        self.cmd = [sys.executable, '-m', 'celery', '-A', module, 'worker', '-n', self.hostname,
                    '-c', str(concurrency), '-P', pool, '-l', 'INFO', '--without-gossip',
                    '--without-mingle', '-E', *extra]
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=30):
        self._offset = os.path.getsize(self.logpath) if os.path.exists(self.logpath) else 0
        log = open(self.logpath, 'ab')
        env = dict(os.environ, PYTHONPATH=os.path.join(HERE, 'pairs') + os.pathsep + HERE)
        self.proc = subprocess.Popen(self.cmd, cwd=os.path.join(HERE, 'pairs'), stdout=log,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if ' ready.' in self.log_text():
                return self
            if self.proc.poll() is not None:
                raise RuntimeError('worker exited early:\n' + self.log_text()[-3000:])
            time.sleep(0.05)
        self.stop()
        raise RuntimeError('worker not ready:\n' + self.log_text()[-3000:])

    def log_text(self):
        with open(self.logpath, 'rb') as f:
            f.seek(self._offset)
            return f.read().decode('utf8', 'replace')

    def children(self):
        out = subprocess.run(['ps', '-o', 'pid=', '--ppid', str(self.proc.pid)],
                             capture_output=True, text=True, timeout=10).stdout.split()
        return sorted(int(x) for x in out)

    def kill(self):
        """SIGKILL the whole worker, main process and pool children: a machine dying."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, timeout=20):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)   # warm shutdown
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)   # reap leftover pool children
        except ProcessLookupError:
            pass
        self.proc.wait(10)


def exc_name(e):
    return type(e).__name__


def emit(values, tolerance=None, description='', split=None):
    """The last stdout line of a pair: its measured values, the tolerance stated for those that vary
    between runs (seconds, or counts), and what the pair measures. `split` names values that come in
    two modes on real Celery, with the number between them: each mode gets its own range."""
    print('REF-VALUES ' + json.dumps({'values': values, 'tolerance': tolerance or {}, 'description': description,
                                      'split': split or {}}, default=repr), flush=True)
