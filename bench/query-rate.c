/* query-rate.c -- how often one connection can run each of a few SQL
 * statements per second, for bench/size: the executor's hot queries (the
 * claim, the next-due time) timed on an empty and on a full table.
 *
 * Each statement (one -q each, text as the programs send it, parameters
 * already in place, as the general log shows them) runs repeatedly for -d
 * seconds; its rows are read and dropped. A statement that locks rows
 * (FOR UPDATE) runs inside START TRANSACTION ... ROLLBACK, so that it
 * finds the same rows each time and changes nothing.
 *
 * Build: cc -O2 -o query-rate query-rate.c $(pkg-config --cflags --libs libmariadb)
 * Usage: query-rate -S SOCKET -u USER -p PASSWORD_FILE -D DB [-d SECONDS] -q SQL...
 * Output: one line per statement, in order: "rate=R/s rows=N avg_ms=A"
 * (rows: what one execution returned). Exit status 1 on any error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#define QUERIES_MAX 16

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool run_sql(MYSQL *conn, const char *sql, unsigned long long *rows)
{
	MYSQL_RES *res;

	if (mysql_real_query(conn, sql, strlen(sql))) {
		fprintf(stderr, "query-rate: %s: %s\n", sql, mysql_error(conn));
		return false;
	}
	res = mysql_store_result(conn);
	if (rows)
		*rows = res ? mysql_num_rows(res) : 0;
	mysql_free_result(res);
	return true;
}

/* Runs `sql` for `seconds`; prints its line. */
static bool measure(MYSQL *conn, const char *sql, double seconds)
{
	bool locking = strstr(sql, "FOR UPDATE") != NULL;
	unsigned long long n = 0, rows = 0;
	double t0 = now_s(), end = t0 + seconds, t;

	do {
		if ((locking && !run_sql(conn, "START TRANSACTION", NULL)) ||
		    !run_sql(conn, sql, &rows) ||
		    (locking && !run_sql(conn, "ROLLBACK", NULL)))
			return false;
		n++;
		t = now_s();
	} while (t < end);
	printf("rate=%.0f/s rows=%llu avg_ms=%.3f\n", (double)n / (t - t0), rows,
	       (t - t0) * 1000 / (double)n);
	return true;
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *user = NULL, *pwfile = NULL, *db = NULL;
	const char *queries[QUERIES_MAX];
	int nq = 0, opt;
	double seconds = 3;
	char password[256];
	FILE *f;
	MYSQL *conn;
	int status = 1;

	while ((opt = getopt(argc, argv, "S:u:p:D:d:q:")) != -1) {
		switch (opt) {
		case 'S': sock = optarg; break;
		case 'u': user = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'D': db = optarg; break;
		case 'd': seconds = atof(optarg); break;
		case 'q':
			if (nq < QUERIES_MAX)
				queries[nq++] = optarg;
			break;
		default: goto usage;
		}
	}
	if (!sock || !user || !pwfile || !db || nq == 0 || seconds <= 0)
		goto usage;
	f = fopen(pwfile, "r");
	if (!f || !fgets(password, sizeof(password), f)) {
		fprintf(stderr, "query-rate: cannot read %s: %s\n", pwfile,
			f ? "empty file" : strerror(errno));
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	password[strcspn(password, "\r\n")] = '\0';
	conn = mysql_init(NULL);
	if (!conn || !mysql_real_connect(conn, NULL, user, password, db, 0, sock, 0) ||
	    !run_sql(conn, "SET time_zone = '+00:00'", NULL)) {
		fprintf(stderr, "query-rate: connect: %s\n", conn ? mysql_error(conn) : "no memory");
		goto out;
	}
	for (int i = 0; i < nq; i++) {
		if (!measure(conn, queries[i], seconds))
			goto out;
	}
	status = 0;
out:
	mysql_close(conn);
	return status;
usage:
	fprintf(stderr, "Usage: query-rate -S SOCKET -u USER -p PASSWORD_FILE -D DB "
			"[-d SECONDS] -q SQL...\n");
	return 2;
}
