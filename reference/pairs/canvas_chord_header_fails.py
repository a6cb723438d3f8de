"""chord([ok, fails, ok], body): what get() raises, the body's state, and whether the body ran."""
from refcommon import make_app, record, read, flush_all, Worker, emit

app = make_app('canvas_chord_header_fails')


@app.task(name='ref.member')
def member(i):
    if i == 1:
        raise ValueError('member %d failed' % i)
    return i


@app.task(name='ref.body')
def body(xs):
    record('x', phase='body')
    return sum(xs)


if __name__ == '__main__':
    from celery import chord
    flush_all()
    with Worker('canvas_chord_header_fails', concurrency=3):
        r = chord([member.s(0), member.s(1), member.s(2)], body.s()).apply_async()
        try:
            r.get(timeout=15)
            err = None
        except Exception as e:
            err = type(e).__name__
        emit({'error_class': err, 'body_state': r.state, 'body_ran': len(read('x'))}, description=__doc__)
