/* broker.c -- publishing to an AMQP 0-9-1 broker with publisher confirms
 * (librabbitmq, rabbitmq-c); the only file that includes it. Messages are
 * published mandatory on one channel in confirm mode and not waited for:
 * the broker's acks (one may confirm many: "multiple"), nacks and returns
 * are read as they come, when the loop sees the socket readable. Delivery
 * tags count publishes on the channel, so outcomes map back in order. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#include "broker.h"
#include "validate.h"

#define CHANNEL 1
/* After a failed connect, publishes fail at once for this long instead of
 * each trying (and waiting) again. */
#define RECONNECT_PAUSE_US (500 * TS_USEC_PER_MSEC)

/* A publish waiting for its confirm. */
struct pending {
	uint64_t tag;
	struct ts_broker_outcome out;
	char message_id[64];
	bool returned;                 /* basic.return came: unroutable */
	struct pending *next;
};

struct ts_broker {
	char *url_text;                /* amqp_parse_url cuts it up in place */
	struct amqp_connection_info info;
	char *password;
	char *ca_file;                 /* PEM CAs that verify an amqps:// broker */
	long timeout_ms;
	amqp_connection_state_t conn;  /* NULL while not connected */
	uint64_t next_tag;
	struct pending *head, *tail;   /* published, not confirmed */
	struct pending *done_head, *done_tail;
	unsigned in_flight;
	int64_t reconnect_at;          /* monotonic; no connect before it */
	char last_error[TS_BROKER_ERROR_MAX];
};

struct ts_broker *ts_broker_new(const char *url, const char *password, const char *ca_file,
				long timeout_ms, struct ts_error *err)
{
	struct ts_broker *b = calloc(1, sizeof(*b));

	if (!b || !(b->url_text = strdup(url)) || !(b->password = strdup(password)) ||
	    !(b->ca_file = strdup(ca_file))) {
		ts_broker_free(b);
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	if (amqp_parse_url(b->url_text, &b->info) != AMQP_STATUS_OK) {
		ts_broker_free(b);
		ts_error_set(err, TS_ERR_INVALID, "invalid_value", NULL,
			     "not an amqp:// or amqps:// URL");
		return NULL;
	}
	b->timeout_ms = timeout_ms;
	return b;
}

static void push_done(struct ts_broker *b, struct pending *p)
{
	p->out.finished_at = ts_time_now();
	p->next = NULL;
	if (b->done_tail)
		b->done_tail->next = p;
	else
		b->done_head = p;
	b->done_tail = p;
}

/* The connection is gone: every publish not confirmed ends as a
 * transport error (it may or may not have reached a queue). */
static void lose(struct ts_broker *b, const char *why)
{
	struct pending *p;

	if (b->conn) {
		amqp_destroy_connection(b->conn);
		b->conn = NULL;
	}
	while ((p = b->head)) {
		b->head = p->next;
		p->out.transport_error = true;
		snprintf(p->out.error, sizeof(p->out.error), "broker connection lost: %s", why);
		push_done(b, p);
	}
	b->tail = NULL;
}

void ts_broker_free(struct ts_broker *b)
{
	struct pending *p;

	if (!b)
		return;
	lose(b, "closing");
	while ((p = b->done_head)) {
		b->done_head = p->next;
		free(p);
	}
	free(b->url_text);
	free(b->ca_file);
	if (b->password) {
		explicit_bzero(b->password, strlen(b->password));
		free(b->password);
	}
	free(b);
}

/* True when RPC reply `r` is normal; else "what: the reason" in err. */
static bool rpc_ok(amqp_rpc_reply_t r, const char *what, struct ts_error *err)
{
	if (r.reply_type == AMQP_RESPONSE_NORMAL)
		return true;
	if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION)
		ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL, "%s: %s", what,
			     amqp_error_string2(r.library_error));
	else if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
		amqp_connection_close_t *c = r.reply.decoded;
		ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL, "%s: %u %.*s", what,
			     c->reply_code, (int)c->reply_text.len, (char *)c->reply_text.bytes);
	} else {
		ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL, "%s: refused by the broker",
			     what);
	}
	return false;
}

/* Why the socket to the broker could not be opened. A TLS connection
 * that fails verification must say so: the operator's fix is the
 * broker's certificate or ca_file, not the network. */
static enum ts_err open_failed(const struct ts_broker *b, int rc, struct ts_error *err)
{
	const char *what = amqp_error_string2(rc);

	if (rc == AMQP_STATUS_SSL_PEER_VERIFY_FAILED)
		return ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL,
				    "TLS with %s:%d failed: the broker's certificate could not be "
				    "verified with the CA certificates in %s (%s)", b->info.host,
				    b->info.port, b->ca_file, what);
	if (rc == AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED)
		return ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL,
				    "TLS with %s:%d failed: the broker's certificate could not be "
				    "verified: it is not for host %s (%s)", b->info.host, b->info.port,
				    b->info.host, what);
	return ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL, "cannot connect to %s:%d: %s",
			    b->info.host, b->info.port, what);
}

static enum ts_err open_connection(struct ts_broker *b, struct ts_error *err)
{
	struct timeval tv = { b->timeout_ms / 1000, (b->timeout_ms % 1000) * 1000 };
	amqp_socket_t *sock;
	int rc;

	b->conn = amqp_new_connection();
	if (!b->conn)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	sock = b->info.ssl ? amqp_ssl_socket_new(b->conn) : amqp_tcp_socket_new(b->conn);
	if (!sock)
		goto fail_nomem;
	if (b->info.ssl) {
		amqp_ssl_socket_set_verify_peer(sock, 1);
		amqp_ssl_socket_set_verify_hostname(sock, 1);
		if (amqp_ssl_socket_set_cacert(sock, b->ca_file) != AMQP_STATUS_OK) {
			ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL,
				     "cannot read the CA certificates %s", b->ca_file);
			goto fail;
		}
	}
	amqp_set_handshake_timeout(b->conn, &tv);
	amqp_set_rpc_timeout(b->conn, &tv);
	rc = amqp_socket_open_noblock(sock, b->info.host, b->info.port, &tv);
	if (rc != AMQP_STATUS_OK) {
		open_failed(b, rc, err);
		goto fail;
	}
	/* amqp_login returns its reply; the other calls leave theirs for
	 * amqp_get_rpc_reply. */
	if (!rpc_ok(amqp_login(b->conn, b->info.vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN,
			       b->info.user, b->password), "login", err))
		goto fail;
	amqp_channel_open(b->conn, CHANNEL);
	if (!rpc_ok(amqp_get_rpc_reply(b->conn), "channel.open", err))
		goto fail;
	amqp_confirm_select(b->conn, CHANNEL);
	if (!rpc_ok(amqp_get_rpc_reply(b->conn), "confirm.select", err))
		goto fail;
	b->next_tag = 1;
	return TS_OK;
fail_nomem:
	ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
fail:
	amqp_destroy_connection(b->conn);
	b->conn = NULL;
	return err ? err->status : TS_ERR_UNAVAILABLE;
}

enum ts_err ts_broker_publish(struct ts_broker *b, const struct ts_broker_message *m,
			      struct ts_error *err)
{
	amqp_table_entry_t entries[1 + TS_WEBHOOK_HEADERS_MAX];
	amqp_basic_properties_t props;
	struct pending *p;
	size_t n = 0;
	int rc;

	if (!b->conn) {
		if (ts_time_monotonic_us() < b->reconnect_at)
			return ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL, "%s",
					    b->last_error);
		if (open_connection(b, err) != TS_OK) {
			b->reconnect_at = ts_time_monotonic_us() + RECONNECT_PAUSE_US;
			snprintf(b->last_error, sizeof(b->last_error), "%.200s",
				 err ? err->message : "cannot connect");
			return err ? err->status : TS_ERR_UNAVAILABLE;
		}
	}
	if (!(p = calloc(1, sizeof(*p))))
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	entries[n].key = amqp_cstring_bytes("x-tasksched-attempt");
	entries[n].value.kind = AMQP_FIELD_KIND_I32;
	entries[n++].value.value.i32 = m->attempt;
	for (size_t i = 0; i < m->header_count && n < sizeof(entries) / sizeof(entries[0]); i++) {
		entries[n].key = amqp_cstring_bytes(m->headers[i].name);
		entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
		entries[n++].value.value.bytes = amqp_cstring_bytes(m->headers[i].value);
	}
	memset(&props, 0, sizeof(props));
	props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
		       AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_HEADERS_FLAG;
	props.content_type = amqp_cstring_bytes("application/json");
	props.delivery_mode = m->persistent ? 2 : 1;
	props.message_id = amqp_cstring_bytes(m->message_id);
	props.headers.num_entries = (int)n;
	props.headers.entries = entries;
	p->out.user = m->user;
	p->out.started_at = ts_time_now();
	snprintf(p->message_id, sizeof(p->message_id), "%s", m->message_id);
	rc = amqp_basic_publish(b->conn, CHANNEL, amqp_cstring_bytes(m->exchange),
				amqp_cstring_bytes(m->routing_key), 1, 0, &props,
				(amqp_bytes_t){ m->body_len, (void *)m->body });
	if (rc != AMQP_STATUS_OK) {
		free(p);
		lose(b, amqp_error_string2(rc));
		return ts_error_set(err, TS_ERR_UNAVAILABLE, "broker", NULL, "publish failed: %s",
				    amqp_error_string2(rc));
	}
	p->tag = b->next_tag++;
	if (b->tail)
		b->tail->next = p;
	else
		b->head = p;
	b->tail = p;
	b->in_flight++;
	return TS_OK;
}

/* An ack or nack of `tag` (and, with `multiple`, of every earlier one). */
static void settle(struct ts_broker *b, uint64_t tag, bool multiple, bool ack)
{
	struct pending **link = &b->head, *prev = NULL;

	while (*link) {
		struct pending *p = *link;
		if (p->tag > tag || (!multiple && p->tag != tag)) {
			prev = p;
			link = &p->next;
			continue;
		}
		*link = p->next;
		if (b->tail == p)
			b->tail = prev;
		if (!ack)
			snprintf(p->out.error, sizeof(p->out.error),
				 "the broker refused the message (nack)");
		else if (!p->returned)
			p->out.confirmed = true;
		push_done(b, p);
	}
}

/* basic.return: the message could not be routed. Its content follows;
 * the message id says which publish it was (its ack comes after). */
static void returned(struct ts_broker *b, const amqp_basic_return_t *r)
{
	char why[TS_BROKER_ERROR_MAX];
	amqp_message_t msg;

	snprintf(why, sizeof(why),
		 "unroutable: the broker returned it (%u %.*s; exchange '%.*s', routing key '%.*s')",
		 r->reply_code, (int)r->reply_text.len, (char *)r->reply_text.bytes,
		 (int)r->exchange.len, (char *)r->exchange.bytes, (int)r->routing_key.len,
		 (char *)r->routing_key.bytes);
	if (amqp_read_message(b->conn, CHANNEL, &msg, 0).reply_type != AMQP_RESPONSE_NORMAL) {
		lose(b, "cannot read a returned message");
		return;
	}
	amqp_bytes_t id = msg.properties.message_id;
	for (struct pending *p = b->head; p; p = p->next) {
		if ((msg.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) &&
		    id.len == strlen(p->message_id) && memcmp(id.bytes, p->message_id, id.len) == 0 &&
		    !p->returned) {
			p->returned = true;
			snprintf(p->out.error, sizeof(p->out.error), "%s", why);
			break;
		}
	}
	amqp_destroy_message(&msg);
}

/* Reads every frame the broker has sent, without waiting. */
static void pump(struct ts_broker *b)
{
	const struct timeval zero = { 0, 0 };
	amqp_frame_t f;

	while (b->conn) {
		int rc = amqp_simple_wait_frame_noblock(b->conn, &f, &zero);
		if (rc == AMQP_STATUS_TIMEOUT)
			break;
		if (rc != AMQP_STATUS_OK) {
			lose(b, amqp_error_string2(rc));
			break;
		}
		if (f.frame_type != AMQP_FRAME_METHOD)
			continue;
		switch (f.payload.method.id) {
		case AMQP_BASIC_ACK_METHOD: {
			const amqp_basic_ack_t *a = f.payload.method.decoded;
			settle(b, a->delivery_tag, a->multiple, true);
			break;
		}
		case AMQP_BASIC_NACK_METHOD: {
			const amqp_basic_nack_t *a = f.payload.method.decoded;
			settle(b, a->delivery_tag, a->multiple, false);
			break;
		}
		case AMQP_BASIC_RETURN_METHOD:
			returned(b, f.payload.method.decoded);
			break;
		case AMQP_CHANNEL_CLOSE_METHOD: {
			/* e.g. 404 NOT_FOUND: no such exchange. The channel's
			 * unconfirmed publishes are lost with it. */
			const amqp_channel_close_t *c = f.payload.method.decoded;
			char why[160];
			snprintf(why, sizeof(why), "channel closed by the broker: %u %.*s",
				 c->reply_code, (int)c->reply_text.len, (char *)c->reply_text.bytes);
			lose(b, why);
			break;
		}
		case AMQP_CONNECTION_CLOSE_METHOD:
			lose(b, "closed by the broker");
			break;
		default:
			break;
		}
		if (b->conn)
			amqp_maybe_release_buffers(b->conn);
	}
}

unsigned ts_broker_in_flight(const struct ts_broker *b)
{
	return b->in_flight;
}

int ts_broker_fd(const struct ts_broker *b)
{
	return b->conn ? amqp_get_sockfd(b->conn) : -1;
}

bool ts_broker_next_done(struct ts_broker *b, struct ts_broker_outcome *out)
{
	struct pending *p;

	if (!b->done_head)
		pump(b);
	if (!(p = b->done_head))
		return false;
	b->done_head = p->next;
	if (!b->done_head)
		b->done_tail = NULL;
	b->in_flight--;
	*out = p->out;
	free(p);
	return true;
}
