"""ETA countdowns of 0.25, 0.5, 1.5 and 2 s sent one after another to an idle worker (Redis): how late each task starts after its ETA. A job the ETA timer releases is written to the pool child only when something next wakes the worker's event loop: the heartbeat (every 2 s) or BRPOP's empty return (1 s after it was issued, on Redis's 100 ms cron grid)."""
import time

from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('eta_countdown_fractions')
COUNTDOWNS_S = (0.25, 0.5, 1.5, 2)


@app.task(name='ref.t')
def t():
    record('x')
    return 1


if __name__ == '__main__':
    flush_all()
    with Worker('eta_countdown_fractions'):
        time.sleep(1)
        lags = {}
        for i, countdown in enumerate(COUNTDOWNS_S):
            t0 = time.time()
            t.apply_async(countdown=countdown).get(timeout=10)
            lags['lag_after_%s_s' % str(countdown).replace('.', '_')] = round(read('x')[i]['t'] - t0 - countdown, 3)
            time.sleep(0.35)  # off a Redis cron tick: see the README
        emit(lags, tolerance={k: 0.05 for k in lags}, description=__doc__)
