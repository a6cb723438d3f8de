/**
 * Medians measured on real Celery 5.2.6 (2 vCPUs), copied from
 * ../shared/celery-reference/calibration/results/*.json via CALIBRATION.md's tables (the shared
 * folder is not part of this repository). Each entry names its source file.
 */
export const MEASURED = {
  /** m1_publish.json: per-call median and 1st call, ms. */
  m1: { redis: { perCallMs: 0.295, firstCallMs: 12.1 }, amqp: { perCallMs: 0.182, firstCallMs: 18.3 } },
  /** m3_noop_concurrency.json (first series): tasks/s, first start -> last end, N=2000. */
  m3: {
    redis: { 1: 978, 2: 1142, 4: 1135, 8: 1398 },
    amqp: { 1: 1678, 2: 2022, 4: 2352, 8: 2469 },
  },
  /** m4_cpu_concurrency.json: prefork, 20.8 ms CPU body, Redis, N=200: tasks/s and body median ms. */
  m4: {
    bodyCpuMs: 20.8,
    prefork: { 1: { tps: 35.4, bodyMs: 24.7 }, 2: { tps: 71.7, bodyMs: 24.7 }, 3: { tps: 73.7, bodyMs: 37.6 }, 4: { tps: 72.2, bodyMs: 50.2 }, 8: { tps: 72.5, bodyMs: 97.6 } },
    /** threads -c 4 cpu: the one run that did not stall (45.5); the GIL keeps it at prefork c=1's level. */
    threads4UnstalledTps: 45.5,
    /** prefork -c 4, time.sleep(0.02) bodies. */
    preforkSleep4Tps: 171.1,
  },
  /** m5_payload.json: publish median ms and consume tasks/s (prefork c=2, N=500) by payload bytes. */
  m5: {
    redis: { 100: { publishMs: 0.286, tps: 933 }, 10000: { publishMs: 0.469, tps: 846 }, 100000: { publishMs: 2.202, tps: 403 }, 1000000: { publishMs: 36.381, tps: 30 } },
    amqp: { 100: { publishMs: 0.21, tps: 1758 }, 10000: { publishMs: 0.212, tps: 1514 }, 100000: { publishMs: 0.337, tps: 706 }, 1000000: { publishMs: 10.153, tps: 57 } },
  },
  /** m6_results.json: prefork c=2 running, N=2000 published in a loop: client tasks/s (publish -> all done). */
  m6: {
    redis: { ignore: 1164, store: 968, store_get: 575 },
    amqp: { ignore: 1536, store: 1109, store_get: 576 },
  },
  /** m7_startup.json: launch -> first task started, s. */
  m7: {
    redis: { prefork: { 1: 0.57, 2: 0.98, 4: 1.36, 8: 2.27 }, threads: { 4: 0.46 }, solo: { 1: 0.57 } },
    amqp: { prefork: { 1: 0.64, 8: 1.44 } },
  },
} as const;
