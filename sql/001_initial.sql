-- 001_initial.sql -- tasks, their run history and idempotency keys.
-- All times are UTC DATETIME(6). Applied by "tasksched-admin migrate".

CREATE TABLE IF NOT EXISTS tasks (
  id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  action ENUM('webhook', 'message') NOT NULL,
  payload LONGTEXT NOT NULL CHECK (JSON_VALID(payload)),
  -- the time the occurrence is scheduled for, as the client asked
  run_at DATETIME(6) NOT NULL,
  -- when an executor may next act on the row: run_at at first, the retry
  -- time after a failed attempt, the lease expiry while running
  due_at DATETIME(6) NOT NULL,
  status ENUM('scheduled', 'running', 'completed', 'failed') NOT NULL DEFAULT 'scheduled',
  recurrence ENUM('daily', 'weekly', 'monthly') NULL,
  -- day of month a monthly series keeps (its first occurrence's)
  anchor_day TINYINT UNSIGNED NULL,
  parent_task_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  error_message TEXT NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  max_attempts INT UNSIGNED NOT NULL DEFAULT 3,
  -- the executor holding the row while running, since when and until when
  lease_owner VARCHAR(64) CHARACTER SET ascii NULL,
  claimed_at DATETIME(6) NULL,
  lease_expires_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  -- list by status, ordered by (run_at, id): InnoDB appends the primary key
  KEY ix_tasks_status_run_at (status, run_at),
  -- claim what is due, find the next due time, reap expired leases
  KEY ix_tasks_status_due_at (status, due_at),
  -- the unfiltered list, ordered by (run_at, id)
  KEY ix_tasks_run_at (run_at),
  -- exactly one next occurrence per occurrence of a series (NULLs repeat)
  UNIQUE KEY uq_tasks_parent (parent_task_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS task_runs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  task_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  attempt INT UNSIGNED NOT NULL,
  executor_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
  started_at DATETIME(6) NOT NULL,
  finished_at DATETIME(6) NULL,
  outcome ENUM('succeeded', 'failed', 'retry', 'lost') NULL,
  http_status SMALLINT UNSIGNED NULL,
  error VARCHAR(1024) NULL,
  response_excerpt TEXT NULL,
  PRIMARY KEY (id),
  KEY ix_task_runs_task (task_id, attempt)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS idempotency_keys (
  idem_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- SHA-256 of the request body, to tell a retry from a different request
  request_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  task_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (idem_key),
  KEY ix_idempotency_keys_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
