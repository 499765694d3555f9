-- 002_api_keys_tenants.sql -- API keys, each belonging to a tenant, and
-- tasks and idempotency keys scoped by tenant.

CREATE TABLE IF NOT EXISTS api_keys (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) CHARACTER SET ascii NOT NULL,
  tenant VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- SHA-256 of the token, hex; the token itself is shown once and never stored
  token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- the token's first characters, to recognise it in "key list"
  token_prefix VARCHAR(16) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(6) NOT NULL,
  revoked_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_api_keys_name (name),
  UNIQUE KEY uq_api_keys_token_hash (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Tasks created before keys existed belong to the tenant "default".
ALTER TABLE tasks
  ADD COLUMN IF NOT EXISTS tenant VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin
    NOT NULL DEFAULT 'default' AFTER id;

-- A tenant's lists, filtered by status or not, in (run_at, id) order.
ALTER TABLE tasks
  ADD INDEX IF NOT EXISTS ix_tasks_tenant_status_run_at (tenant, status, run_at),
  ADD INDEX IF NOT EXISTS ix_tasks_tenant_run_at (tenant, run_at),
  DROP INDEX IF EXISTS ix_tasks_run_at;

ALTER TABLE idempotency_keys
  ADD COLUMN IF NOT EXISTS tenant VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin
    NOT NULL DEFAULT 'default' FIRST;

ALTER TABLE idempotency_keys
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (tenant, idem_key);
