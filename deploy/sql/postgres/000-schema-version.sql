-- WPAI on PostgreSQL: bookkeeping that every later script relies on. Runs on every initialization; idempotent.
-- Applied by WPAI.Silo.Storage.DatabaseInitializer (`wpai db init`, and each silo at start unless disabled).

-- The schema version per component; DatabaseInitializer reads and advances component 'postgres-orleans'.
CREATE TABLE IF NOT EXISTS wpai_schema
(
    component   varchar(64) NOT NULL PRIMARY KEY,
    version     integer     NOT NULL,
    applied_utc timestamp   NOT NULL
);

-- Orleans' ADO.NET providers read their SQL from this table ("SELECT QueryKey, QueryText FROM OrleansQuery"),
-- so its name and column names are fixed by Orleans. Each later script upserts the rows it owns.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
