#!/usr/bin/python3
"""amqp-consumer.py -- a consumer as an AMQP user writes one (pika), for
the amqp tests: declares a durable direct exchange and a durable queue
bound to it, then writes each message it gets as one JSON line (message
id, body, content type, delivery mode, headers, redelivered) and acks it
after writing. It reconnects when the broker goes away and comes back.

    amqp-consumer.py PORT USER PASSWORD EXCHANGE QUEUE ROUTING-KEY OUT READY-FILE \
        [KILL-TAG KILL-AT PID-FILE KILLED-FILE]

With the last four: once it has written KILL-AT messages whose body has
"tag": KILL-TAG, it kills the process PID-FILE names (the broker) with
SIGKILL and writes that count to KILLED-FILE. Done here, at the message
itself, so that the broker dies in the middle of a burst however fast the
burst goes (a shell loop polling the output may see it only at its end).
"""
import json
import os
import signal
import sys
import time

import pika

port, user, password, exchange, queue, key, out, ready = sys.argv[1:9]
params = pika.ConnectionParameters(host="127.0.0.1", port=int(port),
                                   credentials=pika.PlainCredentials(user, password),
                                   heartbeat=10, blocked_connection_timeout=30)
log = open(out, "a", buffering=1)
kill = sys.argv[9:13]
kill_seen = 0


def on_message(ch, method, props, body):
    headers = {k: (v.decode() if isinstance(v, bytes) else v)
               for k, v in (props.headers or {}).items()}
    log.write(json.dumps({
        "message_id": props.message_id, "body": body.decode("utf-8"),
        "content_type": props.content_type, "delivery_mode": props.delivery_mode,
        "headers": headers, "redelivered": method.redelivered,
    }) + "\n")
    if kill:
        maybe_kill(body)
    ch.basic_ack(method.delivery_tag)


def maybe_kill(body):
    """Kills the broker at the KILL-AT-th message of KILL-TAG, once."""
    global kill_seen
    tag, at, pid_file, killed_file = kill
    try:
        if json.loads(body).get("tag") != tag:
            return
    except (ValueError, AttributeError):
        return
    kill_seen += 1
    if kill_seen != int(at):
        return
    with open(pid_file) as f:
        os.kill(int(f.read().strip()), signal.SIGKILL)
    with open(killed_file, "w") as f:
        f.write("%d\n" % kill_seen)


while True:
    try:
        conn = pika.BlockingConnection(params)
        ch = conn.channel()
        ch.exchange_declare(exchange, "direct", durable=True)
        ch.queue_declare(queue, durable=True)
        ch.queue_bind(queue, exchange, key)
        ch.basic_qos(prefetch_count=500)
        ch.basic_consume(queue, on_message)
        with open(ready, "w") as f:
            f.write("ready\n")
        ch.start_consuming()
    except KeyboardInterrupt:
        break
    except Exception as e:  # the broker went away: try again
        sys.stderr.write("consumer: %s: %s\n" % (type(e).__name__, e))
        time.sleep(0.5)
