// Simulator half of eta_countdown_fractions_amqp.py: eta_countdown_fractions.ts on RabbitMQ.
