#!/usr/bin/env python3
"""Re-measure every pair on real Celery: `npm run reference` (or `python3 reference/run.py [pair...]`).

Starts redis-server and, for pairs that need it, rabbitmq-server, both bound to 127.0.0.1 on free
ports, runs each pair's Python half RUNS times (default 2), and writes reference/results/<pair>.json:
the values of every run, their min/max, and the tolerance the pair states for values that vary.
Services are stopped at the end, also on error or Ctrl-C.
"""
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PAIRS = os.path.join(HERE, 'pairs')
RESULTS = os.path.join(HERE, 'results')
RUNS = int(os.environ.get('REF_RUNS', '2'))
# REF_APPEND=1: add this series' runs to the committed ones (a value that moves between series measured
# apart gets the range of all of them), rather than replacing them.
APPEND = os.environ.get('REF_APPEND') == '1'
PAIR_TIMEOUT_S = 240
# Debian's python3, where python3-celery is installed (a pyenv python3 on PATH lacks it)
PY = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_port(port, timeout_s, proc=None):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex(('127.0.0.1', port)) == 0:
                return True
        time.sleep(0.2)
    return False


class Services:
    def __init__(self, tmp):
        self.tmp, self.procs, self.env = tmp, [], {}

    def redis(self):
        port = free_port()
        p = subprocess.Popen(['redis-server', '--bind', '127.0.0.1', '--port', str(port), '--save', '',
                              '--appendonly', 'no', '--dir', self.tmp, '--protected-mode', 'yes'],
                             stdout=open(os.path.join(self.tmp, 'redis.log'), 'wb'), stderr=subprocess.STDOUT,
                             start_new_session=True)
        self.procs.append(('redis', p))
        if not wait_port(port, 20, p):
            raise RuntimeError('redis-server did not start')
        self.env['REF_REDIS_URL'] = f'redis://127.0.0.1:{port}'

    def rabbit(self):
        port, dist = free_port(), free_port()
        epmd = free_port()
        base = os.path.join(self.tmp, 'rabbit')
        os.makedirs(base, exist_ok=True)
        conf = os.path.join(base, 'rabbitmq')
        with open(conf + '.conf', 'w') as f:
            f.write(f'listeners.tcp.default = 127.0.0.1:{port}\nloopback_users.guest = true\n')
        env = dict(os.environ, RABBITMQ_NODENAME=f'ref{port}@localhost', RABBITMQ_NODE_IP_ADDRESS='127.0.0.1',
                   RABBITMQ_NODE_PORT=str(port), RABBITMQ_DIST_PORT=str(dist), RABBITMQ_CONFIG_FILE=conf,
                   RABBITMQ_MNESIA_BASE=os.path.join(base, 'mnesia'), RABBITMQ_LOG_BASE=os.path.join(base, 'log'),
                   RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(base, 'plugins'),
                   ERL_EPMD_ADDRESS='127.0.0.1', ERL_EPMD_PORT=str(epmd),
                   RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}')
        with open(env['RABBITMQ_ENABLED_PLUGINS_FILE'], 'w') as f:
            f.write('[].\n')
        for d in ('mnesia', 'log'):
            os.makedirs(os.path.join(base, d), exist_ok=True)
        # Debian's rabbitmq-server re-runs itself as the rabbitmq user when started as root
        os.chmod(self.tmp, 0o755)
        if os.getuid() == 0:
            subprocess.run(['chown', '-R', 'rabbitmq:rabbitmq', base], capture_output=True, timeout=30)
        p = subprocess.Popen(['rabbitmq-server'], env=env, stdout=open(os.path.join(base, 'out.log'), 'wb'),
                             stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(('rabbitmq', p))
        self.rabbit_env = env
        if not wait_port(port, 120, p):
            raise RuntimeError('rabbitmq-server did not start, see ' + base)
        self.env['REF_AMQP_URL'] = f'pyamqp://guest:guest@127.0.0.1:{port}//'

    def stop(self):
        if hasattr(self, 'rabbit_env'):
            # the node runs as the rabbitmq user, outside our process group: ask it to stop
            try:
                subprocess.run(['rabbitmqctl', 'stop'], env=self.rabbit_env, capture_output=True, timeout=60)
            except subprocess.TimeoutExpired:
                pass
        for name, p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                    p.wait(30)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    try:
                        os.killpg(p.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        if hasattr(self, 'rabbit_env'):   # the Erlang port mapper outlives the node otherwise
            subprocess.run(['epmd', '-kill'], env=self.rabbit_env, capture_output=True, timeout=10)


def needs_amqp(path):
    with open(path) as f:
        return "'amqp'" in f.read()


def summarize(runs, tolerances, splits=None):
    """Per value: every run's measure, and for numbers their min/max and the stated tolerance; a value
    the pair says comes in two modes also gets each mode's range (below and at-or-above its split)."""
    out = {}
    for key in runs[0]:
        vals = [r.get(key) for r in runs]
        entry = {'runs': vals}
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            entry.update(min=min(vals), max=max(vals), tolerance=tolerances.get(key, 0))
            if key in (splits or {}):
                at = splits[key]
                sides = [[v for v in vals if v < at], [v for v in vals if v >= at]]
                entry.update(split=at, modes=[{'min': min(s), 'max': max(s), 'runs': len(s)} for s in sides if s])
        out[key] = entry
    return out


def measure(pair, env):
    path = os.path.join(PAIRS, pair + '.py')
    runs, info = [], {}
    for i in range(RUNS):
        t0 = time.time()
        p = subprocess.run([PY, path], cwd=PAIRS, env=dict(os.environ, **env,
                           PYTHONPATH=PAIRS + os.pathsep + HERE), capture_output=True, text=True,
                           timeout=PAIR_TIMEOUT_S)
        line = [l for l in p.stdout.splitlines() if l.startswith('REF-VALUES ')]
        if p.returncode != 0 or not line:
            raise RuntimeError(f'{pair} run {i + 1} failed:\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}')
        runs.append(json.loads(line[-1][len('REF-VALUES '):]))
        print(f'  run {i + 1}: {time.time() - t0:.1f} s', flush=True)
    last = runs[-1]
    return [r['values'] for r in runs], last.get('tolerance', {}), last.get('description', ''), last.get('split', {})


def versions(env):
    code = ('import celery,kombu,billiard,redis,json,sys;r=redis.Redis.from_url(sys.argv[1]);'
            'print(json.dumps({"celery":celery.__version__,"kombu":kombu.__version__,'
            '"billiard":billiard.__version__,"redis-server":r.info()["redis_version"]}))')
    return json.loads(subprocess.run([PY, '-c', code, env['REF_REDIS_URL']], capture_output=True,
                                     text=True, timeout=30, check=True).stdout)


PACKAGES = ['python3-celery', 'python3-redis', 'redis-server', 'rabbitmq-server']


def ensure_packages():
    """On a fresh Debian machine (as root) install what the pairs need; otherwise say what is missing."""
    have_py = subprocess.run([PY, '-c', 'import celery, redis'], capture_output=True, timeout=60).returncode == 0
    if have_py and shutil.which('redis-server') and shutil.which('rabbitmq-server'):
        return
    if os.getuid() == 0 and shutil.which('apt-get'):
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        subprocess.run(['apt-get', 'update', '-qq'], env=env, check=True, timeout=600)
        subprocess.run(['apt-get', 'install', '-y', '-qq', *PACKAGES], env=env, check=True, timeout=1200)
        return
    sys.exit('needs Debian packages: apt-get install -y ' + ' '.join(PACKAGES))


def main():
    # a SIGTERM (timeout, kill) unwinds through the finally below, so the services stop too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('terminated'))
    ensure_packages()
    want = sys.argv[1:]
    pairs = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(PAIRS, '*.py')))
    pairs = [p for p in pairs if not want or any(p.startswith(w) for w in want)]
    tmp = tempfile.mkdtemp(prefix='celery-reference-')
    svc = Services(tmp)
    failed = []
    try:
        svc.redis()
        if any(needs_amqp(os.path.join(PAIRS, p + '.py')) for p in pairs):
            svc.rabbit()
        env = dict(svc.env, REF_LOG_DIR=os.path.join(tmp, 'logs'))
        ver = versions(env)
        for pair in pairs:
            print(f'=== {pair}', flush=True)
            try:
                runs, tol, desc, splits = measure(pair, env)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print(str(e)[-3000:], file=sys.stderr)
                failed.append(pair)
                continue
            out = os.path.join(RESULTS, pair + '.json')
            series = 1
            if APPEND and os.path.exists(out):
                with open(out) as f:
                    old = json.load(f)
                if old['versions'] != ver:
                    sys.exit(f'{pair}: committed runs are of {old["versions"]}, this machine has {ver}: not appended')
                n_old = old['runs']
                runs = [{k: v['runs'][i] for k, v in old['values'].items()} for i in range(n_old)] + runs
                series = old.get('series', 1) + 1
            result = {'pair': pair, 'description': desc, 'versions': ver, 'runs': len(runs),
                      **({'series': series} if series > 1 else {}), 'values': summarize(runs, tol, splits)}
            with open(out, 'w') as f:
                json.dump(result, f, indent=1)
                f.write('\n')
    finally:
        svc.stop()
    if failed:
        sys.exit('failed: ' + ', '.join(failed) + f' (logs in {tmp}/logs)')
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
