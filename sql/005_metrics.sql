-- 005_metrics.sql -- what GET /metrics reads: counters that only grow,
-- task counts by status kept up to date by triggers, and the time the
-- executor last started a run; and, at the end, where failure notices go
-- and their outbox. Each metrics table stays a few hundred rows at most
-- whatever the size of tasks, so a scrape costs the same with ten million
-- finished tasks as with none (docs/design.md, "Metrics").
--
-- Hot rows are split into 16 shards, picked by CONNECTION_ID() % 16: two
-- connections writing at once (the API's processes, the executors'
-- recorders) rarely wait for each other's row locks, and a scrape sums the
-- shards. A value may be negative in one shard (a task inserted by one
-- connection and deleted by another); only the sum means something.

-- Counters and histogram buckets, written in the same transaction as the
-- outcomes they count (src/lib/db/metrics.c), never decreased, never pruned.
--   runs_total                       label: the outcome
--   <histogram>_bucket               label: the bucket's upper bound ("le")
--   <histogram>_sum_us               label: '' (microseconds, exact)
CREATE TABLE IF NOT EXISTS metric_counters (
  name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  label VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  shard TINYINT UNSIGNED NOT NULL,
  value BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (name, label, shard)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Instants worth remembering: 'executor_last_run' is when an executor
-- last started a run (the server's clock, UTC).
CREATE TABLE IF NOT EXISTS metric_marks (
  name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- How many tasks are in each status: the sum of n over the shards. The
-- status is text, so a status added to tasks.status later is counted too.
CREATE TABLE IF NOT EXISTS task_status_counts (
  status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  shard TINYINT UNSIGNED NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (status, shard)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Triggers catch every change of status, whoever makes it (API, executor,
-- reaper, retention, an operator's SQL), so no code path can forget one.
-- Each is a single statement: no BEGIN ... END, which neither this
-- migration runner nor the mysql client of dbconfig-common would split
-- correctly. An update that keeps the status (a lease renewal) selects no
-- row and writes nothing.
CREATE TRIGGER IF NOT EXISTS tasks_count_insert AFTER INSERT ON tasks FOR EACH ROW
  INSERT INTO task_status_counts (status, shard, n)
  VALUES (NEW.status, CONNECTION_ID() % 16, 1)
  ON DUPLICATE KEY UPDATE n = n + 1;

CREATE TRIGGER IF NOT EXISTS tasks_count_delete AFTER DELETE ON tasks FOR EACH ROW
  INSERT INTO task_status_counts (status, shard, n)
  VALUES (OLD.status, CONNECTION_ID() % 16, -1)
  ON DUPLICATE KEY UPDATE n = n - 1;

CREATE TRIGGER IF NOT EXISTS tasks_count_update AFTER UPDATE ON tasks FOR EACH ROW
  INSERT INTO task_status_counts (status, shard, n)
  SELECT c.status, CONNECTION_ID() % 16, c.d
  FROM (SELECT OLD.status AS status, -1 AS d UNION ALL SELECT NEW.status, 1) c
  WHERE OLD.status <> NEW.status
  ORDER BY c.status
  ON DUPLICATE KEY UPDATE n = n + VALUES(n);

-- Count the rows that existed before the triggers. Under the table locks
-- nothing changes tasks; the triggers already exist, so every change after
-- the unlock is counted by them, and whatever they counted before the lock
-- is replaced by the exact count.
LOCK TABLES tasks WRITE, task_status_counts WRITE;
DELETE FROM task_status_counts;
INSERT INTO task_status_counts (status, shard, n)
  SELECT status, 0, COUNT(*) FROM tasks GROUP BY status;
UNLOCK TABLES;

-- Failure notices (on_failure): where a task's failure is reported, and an
-- outbox of notices to send. A notice row is written in the transaction
-- that fails its task (src/lib/db/finish.c), so a failure is never left
-- unreported by an executor that stops; executors claim due notices like
-- tasks (due_at doubles as the lease), send them, and delete them once
-- delivered or given up (then the task's runs say why).
ALTER TABLE tasks
  ADD COLUMN IF NOT EXISTS on_failure TEXT NULL CHECK (on_failure IS NULL OR JSON_VALID(on_failure));

CREATE TABLE IF NOT EXISTS task_notices (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  task_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- the attempt that failed the task: one notice per failure
  attempt INT UNSIGNED NOT NULL,
  -- the task's on_failure ({"url", "headers"}) and the body to POST
  target TEXT NOT NULL,
  body LONGTEXT NOT NULL,
  -- when an executor may next send it: now, after a backoff, or a lease
  due_at DATETIME(6) NOT NULL,
  tries INT UNSIGNED NOT NULL DEFAULT 0,
  lease_owner VARCHAR(64) CHARACTER SET ascii NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_task_notices_attempt (task_id, attempt),
  KEY ix_task_notices_due (due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
