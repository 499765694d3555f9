-- 003_schedules.sql -- series by cron or in a time zone, with explicit
-- rules for the days clocks change (docs/design.md, "Schedules").
-- Existing rows get the defaults, which are what they always did: UTC,
-- no end, and missed occurrences skipped.

ALTER TABLE tasks
  ADD COLUMN IF NOT EXISTS cron VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL
    AFTER recurrence,
  -- an IANA zone name; the series keeps its wall-clock time there
  ADD COLUMN IF NOT EXISTS timezone VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
    NOT NULL DEFAULT 'UTC' AFTER cron,
  -- no occurrence after this instant
  ADD COLUMN IF NOT EXISTS ends_at DATETIME(6) NULL AFTER timezone,
  ADD COLUMN IF NOT EXISTS dst_gap ENUM('shift', 'skip') NOT NULL DEFAULT 'shift'
    AFTER ends_at,
  ADD COLUMN IF NOT EXISTS dst_repeat ENUM('first', 'last', 'both') NOT NULL DEFAULT 'first'
    AFTER dst_gap,
  ADD COLUMN IF NOT EXISTS catch_up ENUM('skip', 'once') NOT NULL DEFAULT 'skip'
    AFTER dst_repeat,
  -- daily/weekly/monthly: the local time of day of the series' first
  -- occurrence, in microseconds after midnight, kept by every child (an
  -- occurrence shifted out of a DST gap does not move the series);
  -- NULL on rows from before this migration, which use their run_at's
  -- (in UTC, where nothing ever shifted)
  ADD COLUMN IF NOT EXISTS anchor_time BIGINT NULL AFTER anchor_day;
