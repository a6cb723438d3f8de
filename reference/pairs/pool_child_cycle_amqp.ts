// Simulator half of pool_child_cycle_amqp.py: pool_child_cycle.ts on RabbitMQ.
