/* job.c -- one claimed task on its way through the executor, and queues. */
#include "config.h"

#include <stdlib.h>

#include "job.h"

void ts_job_free(struct ts_job *j)
{
	if (!j)
		return;
	ts_task_cleanup(&j->task);
	if (j->data_free)
		j->data_free(j->data);
	free(j);
}

void ts_job_queue_push(struct ts_job_queue *q, struct ts_job *j)
{
	j->next = NULL;
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->count++;
}

struct ts_job *ts_job_queue_pop(struct ts_job_queue *q)
{
	struct ts_job *j = q->head;

	if (!j)
		return NULL;
	q->head = j->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	return j;
}

void ts_job_queue_splice(struct ts_job_queue *to, struct ts_job_queue *from)
{
	if (!from->head)
		return;
	if (to->tail)
		to->tail->next = from->head;
	else
		to->head = from->head;
	to->tail = from->tail;
	to->count += from->count;
	from->head = from->tail = NULL;
	from->count = 0;
}

void ts_job_queue_clear(struct ts_job_queue *q)
{
	struct ts_job *j;

	while ((j = ts_job_queue_pop(q)))
		ts_job_free(j);
}
