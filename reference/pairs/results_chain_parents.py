"""chain(add(2,2), add(4), add(8)): the value, the parent values, and the states."""
from refcommon import make_app, flush_all, Worker, emit

app = make_app('results_chain_parents')


@app.task(name='ref.add')
def add(x, y):
    return x + y


if __name__ == '__main__':
    from celery import chain
    flush_all()
    with Worker('results_chain_parents', concurrency=2):
        r = chain(add.s(2, 2), add.s(4), add.s(8)).apply_async()
        v = r.get(timeout=10)
        emit({'value': v, 'parents': [r.parent.get(timeout=5), r.parent.parent.get(timeout=5)],
              'root_has_parent': r.parent.parent.parent is not None}, description=__doc__)
