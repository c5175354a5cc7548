-- WPAI schema bookkeeping on SQLite: one row per component with the version last applied.
-- Runs before every numbered script; idempotent.
CREATE TABLE IF NOT EXISTS wpai_schema
(
    component   TEXT    NOT NULL PRIMARY KEY,
    version     INTEGER NOT NULL,
    applied_utc TEXT    NOT NULL
);
