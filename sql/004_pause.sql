-- 004_pause.sql -- status "paused": a task set aside by POST /tasks/{id}/pause,
-- never claimed until it is resumed. Appending a value to the ENUM keeps
-- every stored status as it was (InnoDB does it in place), so existing
-- tasks go on unchanged. The ETag of a task is a digest of its
-- representation and needs no column.
ALTER TABLE tasks
  MODIFY COLUMN status ENUM('scheduled', 'running', 'completed', 'failed', 'paused')
    NOT NULL DEFAULT 'scheduled';
