-- 008_metrics_per_node.sql -- the metrics rows that every write touches
-- (005_metrics.sql) get a shard per database node as well as per
-- connection, so that on a Galera cluster two nodes never write the same
-- counter row and never fail certification on it (docs/design.md,
-- "Metrics"; docs/scale-out.md).
--
-- CONNECTION_ID() is counted per server: connection 7 on one node and
-- connection 23 on another landed in the same shard of 16 and wrote the
-- same row, and under steady POSTs through two nodes those rows turned
-- into certification conflicts and, once db_run's repetitions ran out, a
-- failed request. Rows are now keyed by the node's name as well
-- (@@wsrep_node_name: on a server without Galera, its host name, one
-- value). Node names that are not unique cost only conflicts, never
-- counts: a scrape sums every node's shards, as before. Rows written
-- before this migration keep node '' and go on counting in the sums.

ALTER TABLE metric_counters
  ADD COLUMN IF NOT EXISTS node VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '' AFTER label,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (name, label, node, shard);

ALTER TABLE task_status_counts
  ADD COLUMN IF NOT EXISTS node VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '' AFTER status,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (status, node, shard);

-- 'executor_last_run' was one row that every executor on every node
-- wrote as it started; now one per node, and a scrape takes the latest.
ALTER TABLE metric_marks
  ADD COLUMN IF NOT EXISTS node VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '' AFTER name,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (name, node);

-- CREATE OR REPLACE swaps each trigger under the table's metadata lock:
-- no change of tasks runs between the old trigger and the new one, so
-- none goes uncounted. A name longer than the column is cut (LEFT), as
-- strict mode would otherwise refuse the write that fires the trigger.
CREATE OR REPLACE TRIGGER tasks_count_insert AFTER INSERT ON tasks FOR EACH ROW
  INSERT INTO task_status_counts (status, node, shard, n)
  VALUES (NEW.status, LEFT(@@wsrep_node_name, 64), CONNECTION_ID() % 16, 1)
  ON DUPLICATE KEY UPDATE n = n + 1;

CREATE OR REPLACE TRIGGER tasks_count_delete AFTER DELETE ON tasks FOR EACH ROW
  INSERT INTO task_status_counts (status, node, shard, n)
  VALUES (OLD.status, LEFT(@@wsrep_node_name, 64), CONNECTION_ID() % 16, -1)
  ON DUPLICATE KEY UPDATE n = n - 1;

CREATE OR REPLACE TRIGGER tasks_count_update AFTER UPDATE ON tasks FOR EACH ROW
  INSERT INTO task_status_counts (status, node, shard, n)
  SELECT c.status, LEFT(@@wsrep_node_name, 64), CONNECTION_ID() % 16, c.d
  FROM (SELECT OLD.status AS status, -1 AS d UNION ALL SELECT NEW.status, 1) c
  WHERE OLD.status <> NEW.status
  ORDER BY c.status
  ON DUPLICATE KEY UPDATE n = n + VALUES(n);
