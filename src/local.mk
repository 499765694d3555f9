# src/local.mk -- the internal library and the programs (included by Makefile.am).

# The database layer: the only files that include MariaDB's headers
# (docs/design.md, "Layers").
DB_SOURCES = \
	src/lib/db/db.h src/lib/db/db_internal.h \
	src/lib/db/conn.c src/lib/db/txn.c src/lib/db/bind.c \
	src/lib/db/tasks.c src/lib/db/runs.c src/lib/db/keys.c src/lib/db/migrate.c \
	src/lib/db/claim.c src/lib/db/finish.c src/lib/db/reap.c \
	src/lib/db/changes.c \
	src/lib/db/metrics.c src/lib/db/redrive.c src/lib/db/notices.c \
	src/lib/db/batch.c src/lib/db/prune.c

noinst_LIBRARIES += src/lib/libtasksched.a
src_lib_libtasksched_a_SOURCES = \
	src/lib/errors.c src/lib/errors.h \
	src/lib/log.c src/lib/log.h \
	src/lib/tstime.c src/lib/tstime.h \
	src/lib/cron.c src/lib/cron.h \
	src/lib/tz.c src/lib/tz.h \
	src/lib/schedule.c src/lib/schedule.h \
	src/lib/task.c src/lib/task.h \
	src/lib/task_schedule.c src/lib/task_schedule.h \
	src/lib/id.c src/lib/id.h \
	src/lib/conf.c src/lib/conf.h \
	src/lib/utf8.c src/lib/utf8.h \
	src/lib/json_strict.c src/lib/json_strict.h \
	src/lib/json.c src/lib/json.h \
	src/lib/json_task.c \
	src/lib/strbuf.c src/lib/strbuf.h \
	src/lib/webhook_spec.c src/lib/webhook_spec.h \
	src/lib/message_spec.c src/lib/message_spec.h \
	src/lib/email_spec.c src/lib/email_spec.h \
	src/lib/amqp_spec.c src/lib/amqp_spec.h \
	src/lib/validate.c src/lib/validate.h \
	src/lib/validate_schedule.c \
	src/lib/cursor.c src/lib/cursor.h \
	src/lib/finish_plan.c src/lib/finish_plan.h \
	src/lib/metrics.c src/lib/metrics.h \
	src/lib/promtext.c src/lib/promtext.h \
	$(DB_SOURCES) \
	src/lib/retry.c src/lib/retry.h \
	src/lib/signals.c src/lib/signals.h \
	src/lib/netguard.c src/lib/netguard.h \
	src/lib/sign.c src/lib/sign.h \
	src/lib/b64url.c src/lib/b64url.h \
	src/lib/token.c src/lib/token.h \
	src/lib/siphash.c src/lib/siphash.h \
	src/lib/etag.c src/lib/etag.h \
	src/lib/json_patch.c src/lib/json_patch.h \
	src/lib/task_change.c src/lib/task_change.h \
	src/lib/mail.c src/lib/mail.h
src_lib_libtasksched_a_CFLAGS = $(AM_CFLAGS) $(MARIADB_CFLAGS) $(CJSON_CFLAGS) $(UUID_CFLAGS) \
	$(CRYPTO_CFLAGS) $(ICAL_CFLAGS)

# Libraries every program linking libtasksched.a needs.
LIBTASKSCHED_LIBS = src/lib/libtasksched.a $(MARIADB_LIBS) $(CJSON_LIBS) $(UUID_LIBS) \
	$(CRYPTO_LIBS) $(ICAL_LIBS) -lpthread -lm

# The API's request handling, apart from main, so the unit tests link it too.
noinst_LIBRARIES += src/api/libapi.a
src_api_libapi_a_SOURCES = \
	src/api/api.h \
	src/api/http.c src/api/http.h \
	src/api/router.c src/api/router.h \
	src/api/routes.c \
	src/api/auth.c src/api/auth.h \
	src/api/handlers_tasks.c \
	src/api/handlers_schedules.c \
	src/api/handlers_changes.c \
	src/api/handlers_batch.c \
	src/api/handlers_health.c \
	src/api/handlers_metrics.c \
	src/api/handlers_redrive.c \
	src/api/handlers_openapi.c src/api/openapi.h
nodist_src_api_libapi_a_SOURCES = src/api/openapi_doc.c

# GET /openapi.json serves the document compiled in: openapi.json becomes
# one C string, with the version of this build put in.
EXTRA_DIST += src/api/openapi.json
CLEANFILES += src/api/openapi_doc.c
src/api/openapi_doc.c: src/api/openapi.json Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && { \
		echo '/* openapi_doc.c -- generated from openapi.json by make; do not edit. */'; \
		echo 'extern const char ts_openapi_json[];  /* openapi.h */'; \
		echo 'const char ts_openapi_json[] ='; \
		sed -e 's/@PACKAGE_VERSION[@]/$(PACKAGE_VERSION)/g' -e 's/\\/\\\\/g' \
			-e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $(srcdir)/src/api/openapi.json; \
		echo ';'; \
	} > $@.tmp && mv $@.tmp $@

sbin_PROGRAMS = src/tasksched-api
src_tasksched_api_SOURCES = src/api/main.c src/api/fcgi.c src/api/fcgi.h \
	src/api/supervisor.c src/api/supervisor.h
src_tasksched_api_CFLAGS = $(AM_CFLAGS) $(FCGI_CFLAGS)
src_tasksched_api_LDADD = src/api/libapi.a $(LIBTASKSCHED_LIBS) $(FCGI_LIBS)

bin_PROGRAMS = src/tasksched-admin
src_tasksched_admin_SOURCES = src/admin/main.c src/admin/admin.h \
	src/admin/cmd_migrate.c src/admin/cmd_config.c src/admin/cmd_key.c \
	src/admin/cmd_prune.c
src_tasksched_admin_LDADD = $(LIBTASKSCHED_LIBS)

dist_pkgdata_sql_DATA = sql/001_initial.sql sql/002_api_keys_tenants.sql \
	sql/003_schedules.sql sql/004_pause.sql sql/005_metrics.sql \
	sql/006_retention.sql sql/007_actions.sql sql/008_metrics_per_node.sql \
	sql/009_status_count_update.sql
pkgdata_sqldir = $(pkgdatadir)/sql

tasksschedconfdir = $(sysconfdir)/tasksched
dist_tasksschedconf_DATA = conf/tasksched.conf

# libcurl is only linked where webhooks are fired, keeping the API small.
noinst_LIBRARIES += src/lib/libwebhook.a
src_lib_libwebhook_a_SOURCES = src/lib/webhook.c src/lib/webhook.h \
	src/lib/webhook_internal.h src/lib/smtp.c src/lib/smtp.h
src_lib_libwebhook_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)

# librabbitmq likewise: only the executor publishes to brokers.
noinst_LIBRARIES += src/lib/libbroker.a
src_lib_libbroker_a_SOURCES = src/lib/broker.c src/lib/broker.h
src_lib_libbroker_a_CFLAGS = $(AM_CFLAGS) $(RABBITMQ_CFLAGS)

sbin_PROGRAMS += src/tasksched-executor
src_tasksched_executor_SOURCES = src/executor/main.c \
	src/executor/executor.c src/executor/executor.h \
	src/executor/action.h src/executor/actions.c \
	src/executor/action_webhook.c src/executor/action_message.c \
	src/executor/action_email.c src/executor/action_amqp.c \
	src/executor/job.c src/executor/job.h \
	src/executor/recorder.c src/executor/recorder.h \
	src/executor/claimer.c src/executor/claimer.h \
	src/executor/worker.c src/executor/worker.h \
	src/executor/notifier.c src/executor/notifier.h \
	src/executor/timers.c src/executor/timers.h
src_tasksched_executor_CFLAGS = $(AM_CFLAGS) -pthread
src_tasksched_executor_LDADD = src/lib/libwebhook.a src/lib/libbroker.a $(LIBTASKSCHED_LIBS) \
	$(CURL_LIBS) $(RABBITMQ_LIBS) -lpthread
