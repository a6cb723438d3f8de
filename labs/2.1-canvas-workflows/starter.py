"""
Lab 2.1: Canvas workflow builder.

Build a data pipeline with a small workflow designer, watch an error travel down a chain, and
implement three patterns: map-reduce, fan-out/fan-in and the diamond.
"""
import json
import time

from celery import Celery, chain, chord, group

app = Celery("canvas_workshop", broker="redis")


# ---------------------------------------------------------------- Tasks

@app.task
def fetch_data(source):
    time.sleep(0.3)
    n = 0 if source == "empty" else 5
    return {"source": source, "records": list(range(1, n + 1))}


@app.task
def validate_data(data):
    time.sleep(0.1)
    if not data["records"]:
        raise ValueError(f"no records from {data['source']}")
    return {**data, "valid": True}


@app.task
def transform_data(data):
    time.sleep(0.2)
    return {**data, "records": [x * 10 for x in data["records"]]}


@app.task
def load_data(data, target):
    time.sleep(0.2)
    return f"Loaded {len(data['records'])} records into {target}"


@app.task
def send_notification(message):
    return f"Notified: {message}"


@app.task
def on_pipeline_error(request, exc, traceback):
    print(f"✗ step {request.task} [{request.id}] failed: {exc}")
    return str(request.id)


@app.task(name="square")
def square_task(x):
    return x * x


@app.task
def sum_results(values):
    return sum(values)


def processor(label):
    @app.task(name=f"process_{label}")
    def process(data):
        time.sleep(1)
        return f"{label}({data})"
    return process


process_a = processor("a")
process_b = processor("b")
process_c = processor("c")


@app.task
def aggregate_results(results):
    return " + ".join(results if isinstance(results, list) else [results])


@app.task
def transform_a(data):
    time.sleep(0.5)
    return f"{data}→A"


@app.task
def transform_b(data):
    time.sleep(0.8)
    return f"{data}→B"


@app.task
def merge_transforms(results):
    return " & ".join(results)


# ---------------------------------------------------------------- Workflow designer

class WorkflowDesigner:
    def __init__(self):
        self.tasks = {}
        self.workflow = None
        self.kind = None
        self.structure = None

    def add_task(self, name, sig):
        self.tasks[name] = sig
        return self

    def chain_tasks(self, *names):
        self.workflow = chain(*(self.tasks[n] for n in names))
        self.kind = "chain"
        self.structure = list(names)
        return self

    def group_tasks(self, *names):
        self.workflow = group(*(self.tasks[n] for n in names))
        self.kind = "group"
        self.structure = list(names)
        return self

    def chord_workflow(self, group_names, callback):
        self.workflow = chord(group(*(self.tasks[n] for n in group_names)), self.tasks[callback])
        self.kind = "chord"
        self.structure = {"header": list(group_names), "body": callback}
        return self

    def execute(self):
        if self.workflow is None:
            raise ValueError("No workflow defined")
        return self.workflow.apply_async()

    def visualize(self):
        return {"tasks": list(self.tasks), "workflowType": self.kind, "structure": self.structure}


# ---------------------------------------------------------------- Patterns

class PatternExplorer:
    @staticmethod
    def map_reduce(items, map_task, reduce_task):
        """Map in parallel, reduce once every map task is done."""
        # TODO 2: the reduce step should run on a worker once every map task is done (a chord).
        #         For now the map results come back to main, and main does the reduce itself.
        return group(map_task.s(i) for i in items).apply_async()

    @staticmethod
    def fan_out_fan_in(data, processors, aggregator):
        """The same data to several processors, then one aggregator."""
        # TODO 3: run the processors in parallel, then the aggregator once with all their results.
        #         (This version runs them one after the other, and the aggregator gets only the last result.)
        return chain(*(p.si(data) for p in processors), aggregator.s()).apply_async()

    @staticmethod
    def diamond(data, t1, t2, join):
        """Split, two parallel branches, join."""
        # TODO 4: t1 and t2 both on `data`, in parallel, then join with both results.
        return None


# ---------------------------------------------------------------- Driving it

def main():
    app.worker(hostname="w1", concurrency=4)
    app.worker(hostname="w2", concurrency=4)

    # 1. The data pipeline, built with the designer, with the notification at the end.
    designer = (
        WorkflowDesigner()
        .add_task("fetch", fetch_data.s("api"))
        .add_task("validate", validate_data.s())
        .add_task("transform", transform_data.s())
        .add_task("load", load_data.s("database"))
        .add_task("notify", send_notification.s())
    )
    # TODO 1: the notification should run after load, as the last step of the same chain.
    designer.chain_tasks("fetch", "validate", "transform", "load")
    print("designer:", json.dumps(designer.visualize()))
    pipeline = designer.execute().get(timeout=30)
    print(f"pipeline → {pipeline}")

    # 2. Errors travel down a chain: the steps after a failure never run; the errback runs once.
    broken = chain(fetch_data.s("empty"), validate_data.s(), transform_data.s(), load_data.s("database"), send_notification.s())
    # TODO 5: attach on_pipeline_error as the chain's error callback (link_error), so it runs once.
    broken_error = None
    try:
        broken.apply_async().get(timeout=30)
    except Exception as e:
        broken_error = f"{type(e).__name__}: {e}"
    print(f"broken pipeline raised {broken_error}")

    # 3. MapReduce: the sum of the squares of 0..99.
    mapped = PatternExplorer.map_reduce(range(100), square_task, sum_results).get(timeout=60)
    map_reduce = sum(mapped) if isinstance(mapped, list) else mapped
    print(f"map-reduce → {map_reduce}")

    # 4. Fan-out / fan-in over three processors.
    fan_out = PatternExplorer.fan_out_fan_in("data", [process_a, process_b, process_c], aggregate_results).get(timeout=30)
    print(f"fan-out/fan-in → {fan_out}")

    # 5. The diamond.
    diamond_result = PatternExplorer.diamond("input", transform_a, transform_b, merge_transforms)
    diamond = diamond_result.get(timeout=30) if diamond_result else None
    print(f"diamond → {diamond}")

    return {"pipeline": pipeline, "brokenError": broken_error, "mapReduce": map_reduce, "fanOut": fan_out, "diamond": diamond}
