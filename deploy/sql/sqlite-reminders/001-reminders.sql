-- WPAI reminders on SQLite (Orleans' IReminderTable), schema version 1 of component 'sqlite-reminders'.
-- Applied by WPAI.Silo.Storage.SqliteReminderTable at silo start, inside one transaction, only when the database's
-- recorded version (table wpai_schema, created by deploy/sql/sqlite/000-schema-version.sql) is below 1. Every
-- statement is idempotent as well. A file written before reminders existed gets the table on its next start; its grain
-- state (component 'sqlite-grain-state') is not touched.

-- One row per (service, grain, reminder name). grain_hash is the grain id's uniform hash (what Orleans partitions the
-- reminder ring by); start_at and period are .NET ticks (UTC); etag is a version counter every upsert increments.
CREATE TABLE IF NOT EXISTS wpai_reminders
(
    service_id     TEXT    NOT NULL,
    grain_id       TEXT    NOT NULL,
    reminder_name  TEXT    NOT NULL,
    grain_hash     INTEGER NOT NULL,
    start_at       INTEGER NOT NULL,
    period         INTEGER NOT NULL CHECK (period >= 0),
    etag           INTEGER NOT NULL CHECK (etag > 0),
    PRIMARY KEY (service_id, grain_id, reminder_name)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS wpai_reminders_by_hash ON wpai_reminders (service_id, grain_hash);
