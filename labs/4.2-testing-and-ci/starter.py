"""
Lab 4.2: Testing and CI.

Write tests for a task, in eager mode and against a worker, and run them in a CI matrix: over two
brokers for the correct build, and against two subtly broken builds your tests must catch.
"""
import json
import math
import random

from celery import Celery

# ================================================================ Under test (do not edit)
#
# split_bill(total_cents, people): the shares, largest first, differing by at most one cent,
# adding up to exactly total_cents. Three builds of the same task: one correct, two subtly broken.


def split_correct(total_cents, people):
    base = total_cents // people
    extra = total_cents - base * people
    return [base + (1 if i < extra else 0) for i in range(people)]


def split_rounded(total_cents, people):
    # JavaScript's Math.round, as the TypeScript build rounds (halves up), not Python's banker's round.
    return [math.floor(total_cents / people + 0.5) for _ in range(people)]


BUILDS = {
    "correct": {"fn": split_correct, "options": {}},
    "broken_rounding": {"fn": split_rounded, "options": {}},
    # Someone routed the task to a "billing" queue in its decorator and forgot the workers.
    "broken_routing": {"fn": split_correct, "options": {"queue": "billing"}},
}


class Fixture:
    def __init__(self, build, broker, job):
        # Each CI job has its own broker service (as each job of the original pipeline started its own).
        url = f"redis://{job}-redis:6379/0" if broker == "redis" else f"amqp://{job}-rabbitmq//"
        self.app = Celery(job, broker=url)
        fn = BUILDS[build]["fn"]

        @self.app.task(name="split_bill", **BUILDS[build]["options"])
        def split_bill(total_cents, people):
            return fn(total_cents, people)

        self.split_bill = split_bill
        # The production worker configuration: the default queue only.
        self.app.worker(hostname=f"{job}-w1", concurrency=2, queues=["celery"])
        # The label names the job, not the build it tests: tests tell the builds apart by what the task does.
        self.label = job


# ================================================================ A tiny test runner (given)


def assert_equal(actual, expected, what="value"):
    if json.dumps(actual) != json.dumps(expected):
        raise AssertionError(f"{what}: expected {json.dumps(expected)}, got {json.dumps(actual)}")


def run_suite(build, broker, job, tests):
    fixture = Fixture(build, broker, job)
    passed = failed = 0
    for name, test in tests:
        try:
            test(fixture)
            passed += 1
            print(f"  PASS {name} [{fixture.label}]")
        except Exception as e:  # noqa: BLE001 (a failing test is reported, not raised)
            failed += 1
            print(f"  FAIL {name} [{fixture.label}]: {type(e).__name__}: {e}")
    return {"passed": passed, "failed": failed}


# ================================================================ Your tests


def test_splits_evenly(f):
    assert_equal(f.split_bill.apply([1000, 4]).get(), [250, 250, 250, 250])


# TODO 1: an eager test of a total that does not divide evenly (the remainder).
# TODO 2: an eager test that, for several totals, the shares add up to the total.
# TODO 3: a test against a worker: delay(...).get(timeout=5) with the production worker.


TESTS = [
    ("eager: splits evenly", test_splits_evenly),
]

# ================================================================ The CI pipeline (given)


def main():
    matrix = [
        ("correct", "redis"),
        ("correct", "rabbitmq"),
        ("broken_rounding", "redis"),
        ("broken_routing", "redis"),
    ]
    # The jobs run in a random order, named job1 to job4: nothing a test can read says which build it tests.
    order = list(matrix)
    random.shuffle(order)
    results = {}
    for n, (build, broker) in enumerate(order):
        job = f"job{n + 1}"
        print(f"{job} ({broker}):")
        results[f"{build}@{broker}"] = {"job": job, **run_suite(build, broker, job, TESTS)}
    for key, r in results.items():
        print(f"{r['job']} tested {key}: {r['passed']} passed, {r['failed']} failed")
    return {"results": results, "tests": len(TESTS)}
