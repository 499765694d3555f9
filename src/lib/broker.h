/* broker.h -- publishing to an AMQP 0-9-1 broker (RabbitMQ) with
 * publisher confirms, many messages in flight on one connection. */
#ifndef TS_BROKER_H
#define TS_BROKER_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "tstime.h"
#include "webhook_spec.h"

#define TS_BROKER_ERROR_MAX 256

/* One connection to one broker, opened on the first publish and again
 * after it was lost. */
struct ts_broker;

/* One message. The strings need to live only during ts_broker_publish. */
struct ts_broker_message {
	const char *exchange;
	const char *routing_key;
	const char *body;              /* JSON text */
	size_t body_len;
	const struct ts_kv *headers;   /* strings; sent as AMQP string headers */
	size_t header_count;
	bool persistent;               /* delivery_mode 2 */
	const char *message_id;        /* the task id */
	int attempt;                   /* header x-tasksched-attempt */
	void *user;                    /* handed back with the outcome */
};

/* How a publish ended. */
struct ts_broker_outcome {
	void *user;
	bool confirmed;                /* the broker took it (ack), routed */
	bool transport_error;          /* the connection failed before a confirm */
	char error[TS_BROKER_ERROR_MAX];
	ts_time_us started_at, finished_at;
};

/* A broker at `url` (amqp://user@host:port/vhost or amqps://...) with
 * `password`; with amqps:// its certificate and host name are verified
 * with the PEM CA certificates in the file `ca_file`. All three are
 * copied. Nothing is connected yet. NULL when the URL does not parse or
 * memory ran out. */
struct ts_broker *ts_broker_new(const char *url, const char *password, const char *ca_file,
				long timeout_ms, struct ts_error *err);
/* Closes the connection (outcomes not yet collected are lost) and frees;
 * NULL is allowed. */
void ts_broker_free(struct ts_broker *b);

/* Publishes `m` with the mandatory flag, connecting first when needed.
 * Its outcome comes later from ts_broker_next_done. Fails (and nothing
 * was published) when the broker cannot be reached. */
enum ts_err ts_broker_publish(struct ts_broker *b, const struct ts_broker_message *m,
			      struct ts_error *err);

/* Published and not yet returned by ts_broker_next_done. */
unsigned ts_broker_in_flight(const struct ts_broker *b);

/* The connection's socket while connected, else -1: readable when the
 * broker has sent something. */
int ts_broker_fd(const struct ts_broker *b);

/* Reads what the broker sent, without waiting, and pops one ended
 * publish into `out`; false when none has ended. */
bool ts_broker_next_done(struct ts_broker *b, struct ts_broker_outcome *out);

#endif
