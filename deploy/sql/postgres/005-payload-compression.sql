-- WPAI schema version 5: grain-state payloads over about 2 kB (a department's running-job ledger, job-index pages)
-- are compressed by PostgreSQL on every write; its default method, pglz, took about 8 % of the server's CPU in the
-- cluster benchmark. lz4 (PostgreSQL 14 and later, when the server is built with it) compresses several times
-- faster. Only values written from now on use it; rows already stored stay readable as they are. A server without
-- lz4 keeps pglz. Idempotent.
DO $$
BEGIN
    IF current_setting('server_version_num')::integer >= 140000 THEN
        BEGIN
            EXECUTE 'ALTER TABLE wpai_grain_state ALTER COLUMN payload SET COMPRESSION lz4';
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
            RAISE NOTICE 'lz4 is not available on this server: grain-state payloads stay compressed with pglz';
        END;
    END IF;
END
$$;
