"""child_first_publish on RabbitMQ (broker 'amqp', Redis result backend): one prefork child (c=1), how long a
task's own apply_async takes inside its body, the first in a fresh child and later ones, and the cycle after
the first publishing task; then the same with a child that stored a result before its first publish."""
from child_first_publish import define, measure

app, publisher, stores, OUT = define('child_first_publish_amqp', broker='amqp')

if __name__ == '__main__':
    measure('child_first_publish_amqp', publisher, stores, OUT, __doc__)
