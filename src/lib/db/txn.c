/* txn.c -- running one unit of database work (a statement or a whole
 * transaction) and repeating it when its failure is one a repetition cures:
 * the one place that decides what is retryable. */
#include "config.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db_internal.h"
#include "retry.h"

/* How many times a unit that failed may run again, by how it failed.
 *
 *   failure (db->last_errno)     when                       repeats  why it is safe
 *   ---------------------------  -------------------------  -------  ------------------------------------
 *   CR_SERVER_GONE_ERROR  2006   the connection was an old   1       sending failed, before the server could
 *                                one (not made in this run)          act on anything, so nothing runs twice:
 *                                                                    the server closed an idle connection
 *                                                                    (it restarted); db_fail dropped it,
 *                                                                    the next run connects afresh. A
 *                                                                    fresh connection failing is a real
 *                                                                    outage: not repeated, so the API's
 *                                                                    503 comes as soon as before.
 *   CR_SERVER_LOST        2013   never                       0       the connection broke after the server
 *                                                                    had the statement: a COMMIT may have
 *                                                                    happened, and repeating would insert
 *                                                                    a task twice.
 *   ER_LOCK_DEADLOCK      1213   always                      6       InnoDB picked this transaction as a
 *                                                                    deadlock victim and rolled it back;
 *                                                                    Galera reports a certification
 *                                                                    failure (two nodes changed the same
 *                                                                    row, this one lost at COMMIT) and a
 *                                                                    brute-force abort by a replicated
 *                                                                    write the same way: nothing of the
 *                                                                    unit stays. db_run rolls back and
 *                                                                    waits a jittered backoff (below)
 *                                                                    before each repetition, so the
 *                                                                    contenders do not collide again.
 *   ER_UNKNOWN_COM_ERROR  1047   always                      1       a Galera node outside the primary
 *                                                                    component ("WSREP has not yet
 *                                                                    prepared node for application use")
 *                                                                    refuses every statement, COMMIT
 *                                                                    too, and keeps nothing it cannot
 *                                                                    replicate. db_fail dropped the
 *                                                                    connection and moved to the next
 *                                                                    host; the repetition's connect
 *                                                                    tries every host once, so one
 *                                                                    repetition is enough.
 *   ER_LOCK_WAIT_TIMEOUT  1205   never                       0       it already waited
 *                                                                    innodb_lock_wait_timeout (50 s by
 *                                                                    default); waiting again would
 *                                                                    outlast any client, and it undoes
 *                                                                    only the statement, not the unit.
 *   anything else                never                       0       a repetition would fail the same way.
 *
 * Connecting itself is not in the table: db_connect already tried each
 * host of db_host, and a Galera node that is not ready and Synced counts
 * as not answering.
 *
 * A unit that still loses to contention (deadlock or certification
 * failure after its last repetition, a lock wait timeout) changed
 * nothing and would succeed a moment later: db_run reports it as
 * TS_ERR_UNAVAILABLE, which the API answers with 503 and Retry-After,
 * never as a server error (is_contention). */
static int repeats_allowed(const struct ts_db *db, enum ts_err rc)
{
	if (rc != TS_ERR_UNAVAILABLE && rc != TS_ERR_DB)
		return 0;
	switch (db->last_errno) {
	case CR_SERVER_GONE_ERROR:
		return db->fresh ? 0 : 1;
	case ER_LOCK_DEADLOCK:
		return 6;
	case ER_UNKNOWN_COM_ERROR:
		return 1;
	default:
		return 0;
	}
}

/* Whether the last failure was a transaction losing to another one. */
static bool is_contention(const struct ts_db *db)
{
	return db->last_errno == ER_LOCK_DEADLOCK || db->last_errno == ER_LOCK_WAIT_TIMEOUT;
}

#define BUSY_CODE "database_busy"

bool ts_db_error_is_busy(const struct ts_error *err)
{
	return err && err->status == TS_ERR_UNAVAILABLE && strcmp(err->code, BUSY_CODE) == 0;
}

/* Turns the database error in `err` of a unit that lost to contention
 * `runs` times into TS_ERR_UNAVAILABLE, keeping its message for the log. */
static enum ts_err report_busy(int runs, struct ts_error *err)
{
	char cause[sizeof(err->message)];

	if (!err)
		return TS_ERR_UNAVAILABLE;
	snprintf(cause, sizeof(cause), "%s", err->message);
	return ts_error_set(err, TS_ERR_UNAVAILABLE, BUSY_CODE, NULL,
			    "Database busy after %d attempt%s (%s)", runs, runs == 1 ? "" : "s",
			    cause);
}

/* Before repetition `repeat` (1-based) of a deadlock victim: a full-jitter
 * backoff, 0..5 ms, 0..10, 0..20, 0..40, then 0..80 ms (ts_retry_delay_ms),
 * so two executors that lost to each other on two Galera nodes do not
 * meet again at once, while the waits of all six stay under a quarter of
 * a second. */
static void backoff(int repeat)
{
	int64_t ms = ts_retry_delay_ms(repeat, 5, 80, -1, ts_retry_random());
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

enum ts_err db_run(struct ts_db *db, db_unit_fn *unit, void *ctx, struct ts_error *err)
{
	enum ts_err rc;

	for (int repeat = 0;; repeat++) {
		db->last_errno = 0;
		rc = unit(db, ctx, err);
		if (rc == TS_OK)
			return rc;
		if (repeat >= repeats_allowed(db, rc)) {
			if (rc == TS_ERR_DB && is_contention(db))
				rc = report_busy(repeat + 1, err);
			return rc;
		}
		/* A deadlock victim is rolled back already, a dropped
		 * connection has nothing open; this covers every other case. */
		db_rollback_quietly(db);
		if (db->last_errno == ER_LOCK_DEADLOCK)
			backoff(repeat + 1);
	}
}

/* What db_run_txn hands to db_run. */
struct txn {
	db_unit_fn *unit;
	void *ctx;
};

static enum ts_err in_transaction(struct ts_db *db, void *ctx, struct ts_error *err)
{
	const struct txn *t = ctx;
	enum ts_err rc = db_exec(db, "START TRANSACTION", err);

	if (rc == TS_OK)
		rc = t->unit(db, t->ctx, err);
	if (rc == TS_OK)
		rc = db_exec(db, "COMMIT", err);
	if (rc)
		db_rollback_quietly(db);
	return rc;
}

enum ts_err db_run_txn(struct ts_db *db, db_unit_fn *unit, void *ctx, struct ts_error *err)
{
	struct txn t = { .unit = unit, .ctx = ctx };

	return db_run(db, in_transaction, &t, err);
}
