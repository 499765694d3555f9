/* job.h -- one claimed task on its way through the executor: claimed,
 * started, finished, recorded; and FIFO queues of them. */
#ifndef TS_JOB_H
#define TS_JOB_H

#include <stddef.h>

#include "db/db.h"
#include "task.h"
#include "webhook.h"

struct ts_job {
	struct ts_task task;              /* owned */
	struct ts_task_result result;     /* result.task points at task */
	char error[TS_RUN_ERROR_MAX];
	char excerpt[TS_WEBHOOK_EXCERPT_MAX + 1];
	void *data;                       /* owned by the job, the action's: e.g. a parsed payload */
	void (*data_free)(void *data);    /* frees data; NULL when data needs no freeing */
	struct ts_job *next;
};

struct ts_job_queue {
	struct ts_job *head, *tail;
	size_t count;
};

/* Frees a job and what it owns; NULL is allowed. */
void ts_job_free(struct ts_job *j);

void ts_job_queue_push(struct ts_job_queue *q, struct ts_job *j);
/* NULL when empty. */
struct ts_job *ts_job_queue_pop(struct ts_job_queue *q);
/* Moves every job of `from` to the end of `to`. */
void ts_job_queue_splice(struct ts_job_queue *to, struct ts_job_queue *from);
/* Frees every job. */
void ts_job_queue_clear(struct ts_job_queue *q);

#endif
