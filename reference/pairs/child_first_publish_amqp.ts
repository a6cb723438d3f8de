// Simulator half of child_first_publish_amqp.py: child_first_publish.ts on RabbitMQ.
