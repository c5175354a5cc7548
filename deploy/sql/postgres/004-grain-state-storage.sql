-- WPAI schema version 4: grain state is written by WPAI's own storage (WPAI.Silo.Storage.PostgresGrainStorage), which
-- keeps table wpai_grain_state and its key layout (rows written under versions 2-3 by Orleans' ADO.NET provider are
-- read and updated in place; nothing is copied) but group-commits many small updates per transaction. Idempotent.

-- Every write updates one row in place: leave room in each page so PostgreSQL can keep the new row version on the
-- same page (a HOT update, no index entry to add), and vacuum this table sooner than the default 20 % of dead rows.
ALTER TABLE wpai_grain_state SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);

-- The ADO.NET provider's queries (002) stay registered for tools that read the table through them.
