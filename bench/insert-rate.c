/* insert-rate.c -- raw INSERT rate into MariaDB, the database ceilings
 * for POST /tasks and POST /tasks/batch in bench/api.
 *
 * N threads, each with its own connection (unix socket), prepare the same
 * INSERT tasksched-api runs for a POST /tasks without Idempotency-Key and
 * execute it in autocommit mode, one row per statement, as fast as they can
 * for a fixed time. With -b ROWS each thread instead writes ROWS rows per
 * transaction, -m ROWS_PER_STATEMENT (default 64, as the API's batch
 * insert) in each multi-row INSERT: what POST /tasks/batch does with the
 * same rows. Rows carry what the API would write: a time-ordered
 * (version 7 style) UUID, action 'webhook', a small JSON payload, run_at far
 * in the future, created_at/updated_at now. Server settings are left as they
 * are (the caller records innodb_flush_log_at_trx_commit).
 *
 * Build: cc -O2 -pthread -o insert-rate insert-rate.c \
 *            $(pkg-config --cflags --libs libmariadb)
 * Usage: insert-rate -S SOCKET -u USER -p PASSWORD_FILE -D DB [-t TABLE]
 *                    [-T TENANT] [-c THREADS] [-d SECONDS] [-b ROWS [-m ROWS]]
 * -T writes the tenant column as well (schemas from migration 002 on, where
 * the API's INSERT names the tenant of the caller's API key).
 * Output (one line on stdout; inserts counts rows, the latencies are per
 * transaction):
 *   inserts=N seconds=S rate=R/s threads=C avg_ms=A max_ms=M
 * Exit status 1 on any error (the first one is printed on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

static const char *opt_socket, *opt_user, *opt_pwfile, *opt_db, *opt_table = "tasks";
static const char *opt_tenant; /* with -T, the tenant column is written too */
static char password[256];
static int opt_threads = 16;
static double opt_seconds = 10;
static int opt_batch = 1;          /* rows per transaction; 1: autocommit */
static int opt_per_stmt = 64;      /* rows per INSERT statement with -b */

#define COLS_MAX 11
#define PER_STMT_MAX 1000

static pthread_barrier_t ready_barrier, start_barrier;
static double t_start, t_end;
static atomic_int failed;

struct worker {
	pthread_t tid;
	unsigned long long count, txns;
	double lat_sum, lat_max;
	uint64_t rng;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* A version 7 style UUID, like the API's ts_id_new(): 48 bits of Unix time
 * in milliseconds, then random bits. */
static void new_id(struct worker *w, char out[37])
{
	struct timespec ts;
	unsigned char u[16];
	uint64_t ms, r1 = xorshift(&w->rng), r2 = xorshift(&w->rng);

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 0; i < 6; i++)
		u[i] = (unsigned char)(ms >> (40 - 8 * i));
	for (int i = 6; i < 16; i++)
		u[i] = (unsigned char)((i < 11 ? r1 : r2) >> (8 * (i % 8)));
	u[6] = (unsigned char)(0x70 | (u[6] & 0x0f));
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3f));
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
		 u[11], u[12], u[13], u[14], u[15]);
}

static void utc_now(MYSQL_TIME *mt)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	memset(mt, 0, sizeof(*mt));
	mt->year = (unsigned)tm.tm_year + 1900;
	mt->month = (unsigned)tm.tm_mon + 1;
	mt->day = (unsigned)tm.tm_mday;
	mt->hour = (unsigned)tm.tm_hour;
	mt->minute = (unsigned)tm.tm_min;
	mt->second = (unsigned)tm.tm_sec;
	mt->second_part = (unsigned long)(ts.tv_nsec / 1000);
	mt->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static void bind_str(MYSQL_BIND *b, const char *s, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	*len = (unsigned long)strlen(s);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)s;
	b->buffer_length = *len;
	b->length = len;
}

static void bind_time(MYSQL_BIND *b, MYSQL_TIME *t)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = t;
}

static void fail(const char *what, const char *msg)
{
	if (atomic_fetch_add(&failed, 1) == 0)
		fprintf(stderr, "insert-rate: %s: %s\n", what, msg);
}

/* The values every row shares, and each row's own id. */
static const char payload[] = "{\"url\":\"http://127.0.0.1:9/hook\",\"data\":{\"n\":1}}";
static const char action[] = "webhook";
static MYSQL_TIME run_at = { .year = 2099, .month = 1, .day = 1,
			     .time_type = MYSQL_TIMESTAMP_DATETIME };
static my_bool null_yes = 1;
static int max_attempts = 3, anchor = 0;

struct row {
	char id[37];
	unsigned long len[COLS_MAX];
};

/* Fills the binds of one row at `bp`; returns how many it used. */
static int bind_row(MYSQL_BIND *b, struct row *r, MYSQL_TIME *created, MYSQL_TIME *updated)
{
	MYSQL_BIND *bp = b;

	bind_str(bp++, r->id, &r->len[0]);
	if (opt_tenant)
		bind_str(bp++, opt_tenant, &r->len[10]);
	bind_str(bp++, action, &r->len[1]);
	bind_str(bp++, payload, &r->len[2]);
	bind_time(bp++, &run_at);
	bind_time(bp++, &run_at);
	bind_str(bp, "", &r->len[5]);
	bp++->is_null = &null_yes;         /* recurrence NULL */
	memset(bp, 0, sizeof(*bp));
	bp->buffer_type = MYSQL_TYPE_LONG;
	bp->buffer = &anchor;
	bp++->is_null = &null_yes;         /* anchor_day NULL */
	memset(bp, 0, sizeof(*bp));
	bp->buffer_type = MYSQL_TYPE_LONG;
	bp++->buffer = &max_attempts;
	bind_time(bp++, created);
	bind_time(bp++, updated);
	return (int)(bp - b);
}

/* Prepares the INSERT of `n` rows on `conn`; NULL after fail(). */
static MYSQL_STMT *prepare_rows(MYSQL *conn, int n)
{
	static const char row[] = "(?,%s ?, ?, ?, ?, 'scheduled', ?, ?, NULL, 0, ?, ?, ?)";
	size_t cap = 512 + (size_t)n * (sizeof(row) + 8);
	char *sql = malloc(cap), one[128];
	MYSQL_STMT *stmt;
	size_t used;

	if (!sql) {
		fail("prepare", "out of memory");
		return NULL;
	}
	used = (size_t)snprintf(sql, cap,
		"INSERT INTO `%s` (id,%s action, payload, run_at, due_at, status, recurrence,"
		" anchor_day, parent_task_id, attempts, max_attempts, created_at, updated_at)"
		" VALUES ", opt_table, opt_tenant ? " tenant," : "");
	snprintf(one, sizeof(one), row, opt_tenant ? " ?," : "");
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(sql + used, cap - used, "%s%s", i ? "," : "", one);
	stmt = mysql_stmt_init(conn);
	if (!stmt || mysql_stmt_prepare(stmt, sql, strlen(sql))) {
		fail("prepare", stmt ? mysql_stmt_error(stmt) : mysql_error(conn));
		if (stmt)
			mysql_stmt_close(stmt);
		stmt = NULL;
	}
	free(sql);
	return stmt;
}

/* One transaction's rows (or the single autocommit row): a statement of
 * `per` rows as often as it fits, then one of the rest. */
static bool write_rows(struct worker *w, MYSQL *conn, MYSQL_STMT *full, MYSQL_STMT *rest,
		       MYSQL_BIND *b, struct row *rows, int per)
{
	MYSQL_TIME created;
	bool txn = opt_batch > 1;

	utc_now(&created);
	if (txn && mysql_query(conn, "START TRANSACTION")) {
		fail("begin", mysql_error(conn));
		return false;
	}
	for (int done = 0; done < opt_batch;) {
		int n = opt_batch - done < per ? opt_batch - done : per;
		MYSQL_STMT *stmt = n == per ? full : rest;
		for (int i = 0; i < n; i++) {
			new_id(w, rows[i].id);
			rows[i].len[0] = 36;
		}
		if (mysql_stmt_bind_param(stmt, b) || mysql_stmt_execute(stmt)) {
			fail("insert", mysql_stmt_error(stmt));
			return false;
		}
		done += n;
	}
	if (txn && mysql_query(conn, "COMMIT")) {
		fail("commit", mysql_error(conn));
		return false;
	}
	return true;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	MYSQL *conn = mysql_init(NULL);
	MYSQL_STMT *full = NULL, *rest = NULL;
	int per = opt_batch < opt_per_stmt ? opt_batch : opt_per_stmt;
	MYSQL_BIND *b = calloc((size_t)per * COLS_MAX, sizeof(*b));
	struct row *rows = calloc((size_t)per, sizeof(*rows));
	MYSQL_TIME created;
	bool ready = false;

	if (!conn || !b || !rows) {
		fail("start", "out of memory");
	} else if (!mysql_real_connect(conn, NULL, opt_user, password, opt_db, 0,
				       opt_socket, 0)) {
		fail("connect", mysql_error(conn));
	} else if (mysql_query(conn, "SET time_zone = '+00:00'")) {
		fail("set time_zone", mysql_error(conn));
	} else if ((full = prepare_rows(conn, per)) &&
		   (opt_batch % per == 0 || (rest = prepare_rows(conn, opt_batch % per)))) {
		ready = true;
	}
	/* Every row of a transaction is created at the same time, as the
	 * API's batch stamps them. */
	for (int i = 0, k = 0; ready && i < per; i++)
		k += bind_row(&b[k], &rows[i], &created, &created);

	pthread_barrier_wait(&ready_barrier);
	pthread_barrier_wait(&start_barrier);
	while (ready && !atomic_load(&failed)) {
		double t0 = now_s(), dt;

		if (t0 >= t_end)
			break;
		utc_now(&created);
		if (!write_rows(w, conn, full, rest, b, rows, per))
			break;
		dt = now_s() - t0;
		w->lat_sum += dt;
		w->txns++;
		if (dt > w->lat_max)
			w->lat_max = dt;
		/* Count only what finished within the measured time. */
		if (t0 + dt <= t_end)
			w->count += (unsigned long long)opt_batch;
	}
	if (full)
		mysql_stmt_close(full);
	if (rest)
		mysql_stmt_close(rest);
	if (conn)
		mysql_close(conn);
	free(b);
	free(rows);
	mysql_thread_end();
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "Usage: insert-rate -S SOCKET -u USER -p PASSWORD_FILE -D DB "
			"[-t TABLE] [-T TENANT] [-c THREADS] [-d SECONDS] [-b ROWS [-m ROWS]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int opt;
	FILE *f;
	struct worker *w;
	unsigned long long total = 0, txns = 0;
	double lat_sum = 0, lat_max = 0;

	while ((opt = getopt(argc, argv, "S:u:p:D:t:T:c:d:b:m:")) != -1) {
		switch (opt) {
		case 'S': opt_socket = optarg; break;
		case 'u': opt_user = optarg; break;
		case 'p': opt_pwfile = optarg; break;
		case 'D': opt_db = optarg; break;
		case 't': opt_table = optarg; break;
		case 'T': opt_tenant = optarg; break;
		case 'c': opt_threads = atoi(optarg); break;
		case 'd': opt_seconds = atof(optarg); break;
		case 'b': opt_batch = atoi(optarg); break;
		case 'm': opt_per_stmt = atoi(optarg); break;
		default: usage();
		}
	}
	if (!opt_socket || !opt_user || !opt_pwfile || !opt_db || opt_threads < 1 ||
	    opt_threads > 1024 || opt_seconds <= 0 || opt_batch < 1 || opt_batch > 100000 ||
	    opt_per_stmt < 1 || opt_per_stmt > PER_STMT_MAX)
		usage();
	f = fopen(opt_pwfile, "r");
	if (!f || !fgets(password, sizeof(password), f)) {
		fprintf(stderr, "insert-rate: cannot read %s: %s\n", opt_pwfile,
			f ? "empty file" : strerror(errno));
		return 1;
	}
	fclose(f);
	password[strcspn(password, "\r\n")] = '\0';

	if (mysql_library_init(0, NULL, NULL)) {
		fprintf(stderr, "insert-rate: mysql_library_init failed\n");
		return 1;
	}
	w = calloc((size_t)opt_threads, sizeof(*w));
	if (!w)
		return 1;
	/* The main thread joins the barriers too: it starts the clock once every
	 * worker is connected and prepared, then lets them go. */
	pthread_barrier_init(&ready_barrier, NULL, (unsigned)opt_threads + 1);
	pthread_barrier_init(&start_barrier, NULL, (unsigned)opt_threads + 1);
	for (int i = 0; i < opt_threads; i++) {
		w[i].rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)getpid() << 20) ^
			   (uint64_t)(i + 1) * 0xbf58476d1ce4e5b9ULL;
		if (pthread_create(&w[i].tid, NULL, run, &w[i]) != 0) {
			fprintf(stderr, "insert-rate: pthread_create failed\n");
			return 1;
		}
	}
	pthread_barrier_wait(&ready_barrier);
	t_start = now_s();
	t_end = t_start + opt_seconds;
	pthread_barrier_wait(&start_barrier);
	for (int i = 0; i < opt_threads; i++) {
		pthread_join(w[i].tid, NULL);
		total += w[i].count;
		txns += w[i].txns;
		lat_sum += w[i].lat_sum;
		if (w[i].lat_max > lat_max)
			lat_max = w[i].lat_max;
	}
	mysql_library_end();
	if (atomic_load(&failed))
		return 1;
	printf("inserts=%llu seconds=%.2f rate=%.0f/s threads=%d avg_ms=%.2f max_ms=%.2f\n",
	       total, opt_seconds, (double)total / opt_seconds, opt_threads,
	       txns ? lat_sum * 1000 / (double)txns : 0.0, lat_max * 1000);
	return 0;
}
