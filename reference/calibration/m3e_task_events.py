"""M3e: what -E (task events) costs a worker: a result-storing no-op (cal.noop_result) queued 2000
at a time and drained by a prefork worker, with and without -E, alternating, 3 runs a set, two sets.

Uses the shared calibration kit (../shared/celery-reference/calibration: calcommon.py, caltasks.py),
which expects Redis on 127.0.0.1:6379 and, for amqp, RabbitMQ on 127.0.0.1:5672 (guest). Run from
anywhere:
  /usr/bin/python3 reference/calibration/m3e_task_events.py redis amqp > reference/calibration/m3e_task_events.json
Measured 2026-12-05 (this repo's README, "rate limits"; sim/celery/costs.ts taskEventsS).
"""
import json
import os
import sys

KIT = os.environ.get('CAL_KIT', os.path.join(os.path.dirname(__file__), '../../../shared/celery-reference/calibration'))
sys.path.insert(0, os.path.abspath(KIT))


def runs(c, events):
    from calcommon import drain_run
    from caltasks import noop_result
    return [round(drain_run(noop_result, (), c, n=2000, extra=('-E',) if events else ())['tasks_per_s'], 1) for _ in range(3)]


def main():
    from calcommon import isolated, flush_all
    flush_all()
    out = {}
    for broker in sys.argv[1:] or ['redis']:
        for c in (1, 2):
            for events in (False, True, False, True):
                r = isolated('m3e_task_events', 'runs', broker, 'redis', c, events)
                out.setdefault(f'{broker} c{c} events={events}', []).extend(r)
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    # isolated() imports this module in a fresh interpreter started in the kit's directory.
    here = os.path.dirname(os.path.abspath(__file__))
    os.environ['PYTHONPATH'] = here + os.pathsep + os.environ.get('PYTHONPATH', '')
    main()
