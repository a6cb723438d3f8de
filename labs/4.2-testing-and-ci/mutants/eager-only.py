# mistake: every test runs the task eagerly (apply/run); none sends it to a worker
# expect: eager tests
"""
Lab 4.2: Testing and CI (reference solution).
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


def test_remainder_first(f):
    assert_equal(f.split_bill.apply([100, 3]).get(), [34, 33, 33])


def test_shares_add_up(f):
    for total, people in [(1001, 7), (5, 3), (99, 10), (1, 4)]:
        shares = f.split_bill.apply([total, people]).get()
        if len(shares) != people:
            raise AssertionError(f"{people} shares expected, got {len(shares)}")
        assert_equal(sum(shares), total, f"sum of split_bill({total}, {people})")
        if max(shares) - min(shares) > 1:
            raise AssertionError(f"shares differ by more than a cent: {shares}")


def test_run(f):
    assert_equal(f.split_bill.run(10, 4), [3, 3, 2, 2])


def test_worker(f):
    assert_equal(f.split_bill.apply([100, 3]).get(), [34, 33, 33])


TESTS = [
    ("eager: splits evenly", test_splits_evenly),
    ("eager: the remainder goes to the first shares", test_remainder_first),
    ("eager: shares always add up to the total", test_shares_add_up),
    ("run: the plain function", test_run),
    ("worker: a production-configured worker runs it", test_worker),
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
