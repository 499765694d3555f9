-- 006_retention.sql -- for batch creation and retention.
--
-- Retention needs no index of its own: it finds finished tasks through
-- ix_tasks_status_run_at ("status IN (completed, failed) AND run_at <
-- cutoff", then updated_at, the finishing time, is checked on those rows),
-- so the executor's finishing writes keep one index less to maintain.

-- The ids of the tasks a POST /tasks/batch created, in order, separated
-- by commas; NULL for the key of a single POST (task_id names its task).
ALTER TABLE idempotency_keys
  ADD COLUMN IF NOT EXISTS batch_task_ids MEDIUMTEXT CHARACTER SET ascii NULL AFTER task_id;
