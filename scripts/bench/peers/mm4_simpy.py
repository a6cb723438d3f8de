"""M/M/4 in SimPy 2.3.1 (Debian's python3-simpy): the peer of scripts/bench/mm4-vs-simpy.ts.
Poisson arrivals (rate LAMBDA), exponential service (rate MU), 4 servers, FIFO; N customers.
Prints one JSON line: customers per wall second."""
import json
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, release, request, simulate

N = int(sys.argv[1]) if len(sys.argv) > 1 else 400000
LAMBDA, MU, SERVERS = 3.2, 1.0, 4
done = [0]


class Customer(Process):
    def visit(self, server, service_s):
        yield request, self, server
        yield hold, self, service_s
        yield release, self, server
        done[0] += 1


class Source(Process):
    def generate(self, n, server):
        for _ in range(n):
            c = Customer()
            activate(c, c.visit(server, random.expovariate(MU)))
            yield hold, self, random.expovariate(LAMBDA)


random.seed(1)
initialize()
server = Resource(capacity=SERVERS)
source = Source()
activate(source, source.generate(N, server))
t0 = time.perf_counter()
simulate(until=1e12)
wall = time.perf_counter() - t0
print(json.dumps({"peer": "simpy-2.3.1", "customers": done[0], "wallS": round(wall, 3), "customersPerS": round(done[0] / wall)}))
