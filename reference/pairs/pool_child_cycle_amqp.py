"""pool_child_cycle on RabbitMQ (broker 'amqp', Redis result backend): one prefork child (c=1, -E), how long
from a body's end to the next body's start in the same child, after a fresh child's first task, after its
first stored result, and in steady state after bodies of 0 to 1 s."""
from pool_child_cycle import define, measure

app, cycle, cycle_ignored, OUT = define('pool_child_cycle_amqp', broker='amqp')

if __name__ == '__main__':
    measure('pool_child_cycle_amqp', cycle, cycle_ignored, OUT, __doc__)
