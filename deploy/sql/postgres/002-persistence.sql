-- WPAI schema version 2: grain state for Orleans' ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet,
-- invariant "Npgsql"), used as the storage provider named "wpai". Written for WPAI; the provider fixes the query
-- keys, the @parameters (grain id as hashes plus N0/N1/extension parts, grain type, service id, version, payload)
-- and the columns it reads back: PayloadBinary and Version (read), NewGrainStateVersion (write), the new version
-- as the first column (clear/delete). A NULL version in the answer is how a query reports an ETag conflict.

CREATE TABLE IF NOT EXISTS wpai_grain_state
(
    service_id         varchar(150) NOT NULL,
    grain_type_hash    integer      NOT NULL,
    grain_type         varchar(512) NOT NULL,
    grain_id_hash      integer      NOT NULL,
    grain_id_n0        bigint       NOT NULL,
    grain_id_n1        bigint       NOT NULL,
    grain_id_extension text         NULL,
    version            integer      NOT NULL,
    payload            bytea        NULL,  -- NULL: cleared (the row stays so its version keeps counting)
    modified_utc       timestamptz  NOT NULL DEFAULT now()
);

-- One row per grain and state: concurrent first writes of the same grain cannot both insert.
CREATE UNIQUE INDEX IF NOT EXISTS wpai_grain_state_key
    ON wpai_grain_state (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type,
                         (coalesce(grain_id_extension, '')));

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('ReadFromStorageKey', $q$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM wpai_grain_state
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
  AND coalesce(grain_id_extension, '') = coalesce(@GrainIdExtensionString, '');
$q$),

-- With a version: update that exact version. Without one: insert version 1 unless the grain already has a row.
-- Answers the new version, or NULL when the caller's version is stale (Orleans raises InconsistentStateException).
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE wpai_grain_state
    SET payload = @PayloadBinary, version = version + 1, modified_utc = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
      AND coalesce(grain_id_extension, '') = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version),
inserted AS (
    INSERT INTO wpai_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1,
                                  grain_id_extension, version, payload)
    SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
           @GrainIdExtensionString, 1, @PayloadBinary
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS "NewGrainStateVersion";
$q$),

-- Clears the payload of that exact version and bumps the version; NULL on a stale version.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE wpai_grain_state
    SET payload = NULL, version = version + 1, modified_utc = now()
    WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
      AND coalesce(grain_id_extension, '') = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version)
SELECT (SELECT version FROM cleared) AS "Version";
$q$),

-- DeleteStateOnClear=true: deletes the row of that exact version; answers version + 1, NULL on a stale version.
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM wpai_grain_state
    WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
      AND coalesce(grain_id_extension, '') = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version)
SELECT (SELECT version + 1 FROM deleted) AS "Version";
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
