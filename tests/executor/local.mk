# tests/executor/local.mk -- the executor against a private MariaDB, a
# scripted webhook receiver (tests/sink/sink) and receivers that are not
# ours (tests/receivers/: Node.js, Python, Apache, lighttpd): actions,
# retries, exactly once under concurrency, crash recovery, leases,
# recurrence, timing, and the systemd units.
# Included by Makefile.am, whose AM_TESTS_ENVIRONMENT gives the tests
# abs_top_srcdir, abs_top_builddir and TMPDIR.

# The sink is plain C with no dependency, so bench/ can also build it with
# "cc -O2 -o sink tests/sink/sink.c".
check_PROGRAMS += tests/sink/sink
tests_sink_sink_SOURCES = tests/sink/sink.c

executor_tests = \
	tests/executor/executor-actions.test \
	tests/executor/executor-receivers.test \
	tests/executor/executor-claim-fence.test \
	tests/executor/executor-once.test \
	tests/executor/executor-retry.test \
	tests/executor/executor-exactly-once.test \
	tests/executor/executor-crash.test \
	tests/executor/executor-lease.test \
	tests/executor/executor-recurrence.test \
	tests/executor/executor-cron.test \
	tests/executor/executor-precision.test \
	tests/executor/executor-systemd.test \
	tests/executor/executor-changes.test \
	tests/executor/executor-notices.test \
	tests/executor/executor-retention.test \
	tests/executor/executor-email.test \
	tests/executor/executor-email-tls.test \
	tests/executor/executor-signatures.test \
	tests/executor/executor-amqp.test \
	tests/executor/executor-amqp-tls.test \
	tests/executor/executor-busy.test

TESTS += $(executor_tests)

EXTRA_DIST += \
	$(executor_tests) \
	tests/executor/execlib.sh \
	tests/executor/smtp-receiver.py \
	tests/executor/mail-parse.py \
	tests/executor/sw-receiver.js \
	tests/executor/amqp-consumer.py \
	tests/receivers/lib.sh \
	tests/receivers/node-receiver.js \
	tests/receivers/py-receiver.py \
	tests/receivers/record.cgi \
	tests/receivers/apache-cgi.conf.in \
	tests/receivers/lighttpd-cgi.conf.in
