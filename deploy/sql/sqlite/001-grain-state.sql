-- WPAI grain state on SQLite, schema version 1.
-- Applied by WPAI.Silo.Storage.SqliteStateStore at start, inside one transaction, only when the
-- database's recorded version (table wpai_schema, component 'sqlite-grain-state') is below 1.
-- Every statement is idempotent as well, so a half-applied file (impossible inside a transaction,
-- but cheap to guard against) can be re-run.

-- One row per (service, state name, grain). The payload is the grain state written with Orleans'
-- binary serializer; etag is a version counter that every successful write increments, and is what
-- optimistic concurrency compares. A cleared state has no row.
CREATE TABLE IF NOT EXISTS wpai_grain_state
(
    service_id  TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    grain_id    TEXT    NOT NULL,
    etag        INTEGER NOT NULL CHECK (etag > 0),
    payload     BLOB    NOT NULL,
    PRIMARY KEY (service_id, state_name, grain_id)
) WITHOUT ROWID;
